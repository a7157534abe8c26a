package centraltest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

func testPushPull(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	bt := d.batch("B-1", 5, 0)
	r := push(t, s, bt)
	if r.Stored != 5 || r.Duplicates != 0 || r.Last != 5 || r.Head.Seq != 5 || !bytes.Equal(r.Head.Hash, d.head.Hash) {
		t.Fatalf("push result %+v", r)
	}
	p, err := pull(t, s, d.office, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p.More || p.Next != 5 || p.Last != 5 {
		t.Fatalf("page More %v Next %d Last %d", p.More, p.Next, p.Last)
	}
	wantEnvelopes(t, p.Envelopes, bt.Envelopes, 1)

	dev, err := s.Device(t.Context(), d.office, d.id)
	if err != nil {
		t.Fatal(err)
	}
	if dev.Chain.Seq != 5 || !bytes.Equal(dev.Chain.Hash, d.head.Hash) {
		t.Fatalf("device chain head %+v, want seq 5", dev.Chain)
	}
	if !dev.LastContact.Equal(central.Time(bt.At)) {
		t.Fatalf("last contact %v, want the push's %v", dev.LastContact, central.Time(bt.At))
	}

	// Envelope.Device may be left empty in a batch: the batch's device is meant.
	bt2 := d.batch("B-2", 1, 0)
	bt2.Envelopes[0].Device = ""
	push(t, s, bt2)
	all := pullAll(t, s, d.office, 5, 0)
	if len(all) != 1 || all[0].Device != d.id {
		t.Fatalf("envelope without a device stored as %+v", all)
	}

	// An empty office pulls nothing; an unknown one is not found.
	other := found(t, s)
	p, err = pull(t, s, other.office, 0, 10)
	if err != nil || len(p.Envelopes) != 0 || p.More || p.Next != 0 || p.Last != 0 {
		t.Fatalf("pull of an empty office: %+v, %v", p, err)
	}
	_, err = pull(t, s, "no-such-office", 0, 10)
	wantErr(t, err, central.ErrNotFound, "pull of an unknown office")
	_, err = s.Push(t.Context(), (&device{office: "no-such-office", id: "dev-1"}).batch("B", 1, 0))
	wantErr(t, err, central.ErrNotFound, "push to an unknown office")
	_, err = s.Push(t.Context(), (&device{office: d.office, id: "dev-9"}).batch("B", 1, 0))
	wantErr(t, err, central.ErrNotFound, "push of an unknown device")
}

func testIdempotentBatch(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	first := d.batch("B", 10, 0)
	push(t, s, first)
	for i := 0; i < 2; i++ {
		r := push(t, s, first)
		if r.Stored != 0 || r.Duplicates != 10 || r.Last != 10 || r.Head.Seq != 10 {
			t.Fatalf("retried batch: %+v", r)
		}
	}
	// A retry that overlaps: 6–10 again and 11–15 new.
	next := d.batch("C", 5, 0)
	overlap := central.Batch{Office: d.office, Device: d.id, At: time.Now(),
		Envelopes: append(append([]central.Envelope{}, first.Envelopes[5:]...), next.Envelopes...)}
	r := push(t, s, overlap)
	if r.Stored != 5 || r.Duplicates != 5 || r.Last != 15 || r.Head.Seq != 15 {
		t.Fatalf("overlapping batch: %+v", r)
	}
	// A batch that repeats an envelope with the same content stores it once.
	rep := d.batch("D", 2, 0)
	rep.Envelopes = append(rep.Envelopes, rep.Envelopes[0], rep.Envelopes[1])
	if r := push(t, s, rep); r.Stored != 2 || r.Last != 17 {
		t.Fatalf("batch with repeats: %+v", r)
	}
	want := append(append(append([]central.Envelope{}, first.Envelopes...), next.Envelopes...), rep.Envelopes[:2]...)
	wantEnvelopes(t, pullAll(t, s, d.office, 0, 4), want, 1)
}

// testDuplicateInFlight pushes the same batch from several goroutines at
// once, as a client retrying while its first push is still in flight
// would: one stores it, the others find it stored, none fails.
func testDuplicateInFlight(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	d := found(t, s)
	bt := d.batch("B", 50, 0)
	var wg sync.WaitGroup
	results := make([]central.PushResult, 6)
	errs := make([]error, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = ss[i%2].Push(t.Context(), bt)
		}()
	}
	wg.Wait()
	stored := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("push %d: %v", i, errs[i])
		}
		stored += results[i].Stored
		if results[i].Stored+results[i].Duplicates != 50 {
			t.Fatalf("push %d: %+v", i, results[i])
		}
	}
	if stored != 50 {
		t.Fatalf("the batch was stored %d times over", stored)
	}
	wantEnvelopes(t, pullAll(t, s, d.office, 0, 0), bt.Envelopes, 1)
}

func testAtomicBatch(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	first := d.batch("B", 5, 0)
	push(t, s, first)
	before, _ := s.Device(t.Context(), d.office, d.id)

	// Nine new envelopes and, in the middle, a stored (id, rev) with other
	// bytes: an error that names it, and nothing of the batch written.
	saved := *d
	bad := d.batch("N", 9, 0)
	changed := first.Envelopes[2]
	changed.Data = append(bytes.Clone(changed.Data), 1)
	bad.Envelopes = append(bad.Envelopes[:4], append([]central.Envelope{changed}, bad.Envelopes[4:]...)...)
	_, err := s.Push(t.Context(), bad)
	wantErrNaming(t, err, central.ErrConflict, "stored (id, rev) with other bytes", changed.ID, changed.Rev)
	after, _ := s.Device(t.Context(), d.office, d.id)
	if after.Chain.Seq != before.Chain.Seq || !bytes.Equal(after.Chain.Hash, before.Chain.Hash) {
		t.Fatalf("a refused batch moved the chain head from %d to %d", before.Chain.Seq, after.Chain.Seq)
	}
	wantEnvelopes(t, pullAll(t, s, d.office, 0, 0), first.Envelopes, 1)

	// The same with other link fields: the signature counts as content.
	resigned := first.Envelopes[1]
	resigned.Link.Sig = bytes.Repeat([]byte{7}, 64)
	_, err = s.Push(t.Context(), central.Batch{Office: d.office, Device: d.id, Envelopes: []central.Envelope{resigned}})
	wantErrNaming(t, err, central.ErrConflict, "stored envelope with another signature", resigned.ID)

	// Two envelopes with one (id, rev) and other bytes in one batch.
	*d = saved
	twin := d.batch("T", 2, 0)
	twin.Envelopes[1].ID, twin.Envelopes[1].Rev = twin.Envelopes[0].ID, twin.Envelopes[0].Rev
	_, err = s.Push(t.Context(), twin)
	wantErrNaming(t, err, central.ErrConflict, "one (id, rev) twice with other bytes", twin.Envelopes[0].ID)

	// A chain break at the end of a batch also writes nothing of it.
	*d = saved
	broken := d.batch("K", 6, 0)
	broken.Envelopes[5].Link.Seq += 3
	_, err = s.Push(t.Context(), broken)
	wantErr(t, err, central.ErrChainBroken, "batch with a gap at its end")
	wantEnvelopes(t, pullAll(t, s, d.office, 0, 0), first.Envelopes, 1)

	// The device goes on from where it was.
	*d = saved
	good := d.batch("G", 3, 0)
	if r := push(t, s, good); r.Stored != 3 || r.Last != 8 {
		t.Fatalf("push after refused batches: %+v", r)
	}
}

func testInvalidBatch(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	mod := func(f func(*central.Batch)) central.Batch {
		c := *d
		bt := c.batch("B", 2, 0)
		f(&bt)
		return bt
	}
	cases := map[string]central.Batch{
		"empty":                  {Office: d.office, Device: d.id},
		"bad office":             mod(func(b *central.Batch) { b.Office = "sp ace" }),
		"bad device":             mod(func(b *central.Batch) { b.Device = ""; b.Envelopes[0].Device, b.Envelopes[1].Device = "", "" }),
		"other device":           mod(func(b *central.Batch) { b.Envelopes[1].Device = "dev-2" }),
		"cursor set":             mod(func(b *central.Batch) { b.Envelopes[0].Cursor = 9 }),
		"empty id":               mod(func(b *central.Batch) { b.Envelopes[0].ID = "" }),
		"NUL in id":              mod(func(b *central.Batch) { b.Envelopes[0].ID = "B\x00x" }),
		"id not UTF-8":           mod(func(b *central.Batch) { b.Envelopes[0].ID = "B\xff" }),
		"long id":                mod(func(b *central.Batch) { b.Envelopes[0].ID = strings.Repeat("x", central.MaxID+1) }),
		"empty rev":              mod(func(b *central.Batch) { b.Envelopes[0].Rev = "" }),
		"rev with space":         mod(func(b *central.Batch) { b.Envelopes[0].Rev = "a b" }),
		"no data":                mod(func(b *central.Batch) { b.Envelopes[0].Data = nil }),
		"sequence 0":             mod(func(b *central.Batch) { b.Envelopes[0].Link.Seq = 0 }),
		"sequence beyond bigint": mod(func(b *central.Batch) { b.Envelopes[0].Link.Seq = 1 << 63 }),
		"no hash":                mod(func(b *central.Batch) { b.Envelopes[0].Link.Hash = nil }),
		"long hash":              mod(func(b *central.Batch) { b.Envelopes[0].Link.Hash = make([]byte, central.MaxHash+1) }),
		"long signature":         mod(func(b *central.Batch) { b.Envelopes[0].Link.Sig = make([]byte, central.MaxSig+1) }),
		"anchor 0":               mod(func(b *central.Batch) { b.Anchor = &central.Anchor{Seq: 0, Hash: []byte{1}} }),
		"anchor without hash":    mod(func(b *central.Batch) { b.Anchor = &central.Anchor{Seq: 1} }),
		"too many": func() central.Batch {
			c := *d
			return c.batch("B", central.MaxBatch+1, 1)
		}(),
	}
	for name, bt := range cases {
		if _, err := s.Push(t.Context(), bt); !errors.Is(err, central.ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
	}
	if got := pullAll(t, s, d.office, 0, 0); len(got) != 0 {
		t.Fatalf("invalid batches stored %d envelopes", len(got))
	}
	if r := push(t, s, d.batch("B", 2, 0)); r.Stored != 2 || r.Last != 2 {
		t.Fatalf("valid batch after invalid ones: %+v", r)
	}
}

func testPaging(t *testing.T, b Backend) {
	s := b.Open(t)
	d1 := found(t, s)
	d2 := join(t, s, d1.office, "dev-2")
	var want []central.Envelope
	for i := 0; i < 5; i++ {
		for _, d := range []*device{d1, d2} {
			bt := d.batch(fmt.Sprintf("B%d", i), 25, 200)
			push(t, s, bt)
			want = append(want, bt.Envelopes...)
		}
	}
	var after uint64
	for i, n := range []int{100, 100, 50} {
		p, err := pull(t, s, d1.office, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Envelopes) != n || p.More != (i < 2) || p.Last != 250 {
			t.Fatalf("page %d: %d envelopes, More %v, Last %d", i, len(p.Envelopes), p.More, p.Last)
		}
		wantEnvelopes(t, p.Envelopes, want[after:after+uint64(n)], after+1)
		after = p.Next
	}
	p, err := pull(t, s, d1.office, after, 100)
	if err != nil || len(p.Envelopes) != 0 || p.More || p.Next != 250 {
		t.Fatalf("pull at the end: %d envelopes, More %v, Next %d, %v", len(p.Envelopes), p.More, p.Next, err)
	}
	// Past the end, and limits out of range.
	if p, err := pull(t, s, d1.office, 1000, 100); err != nil || len(p.Envelopes) != 0 || p.Next != 1000 {
		t.Fatalf("pull past the end: %+v, %v", p, err)
	}
	for _, limit := range []int{0, -1, central.MaxPage + 1} {
		p, err := pull(t, s, d1.office, 0, limit)
		if err != nil || len(p.Envelopes) != 250 || p.More {
			t.Fatalf("limit %d: %d envelopes, More %v, %v", limit, len(p.Envelopes), p.More, err)
		}
	}
	p, _ = pull(t, s, d1.office, 249, 1)
	if len(p.Envelopes) != 1 || p.More {
		t.Fatalf("last page of one: %d envelopes, More %v", len(p.Envelopes), p.More)
	}
	wantEnvelopes(t, pullAll(t, s, d1.office, 0, 7), want, 1)
}

// testPageBytes checks the byte budget of a page: two envelopes of half the
// budget fit, a third does not; one larger than the budget comes alone.
func testPageBytes(t *testing.T, b Backend) {
	if testing.Short() {
		t.Skip("moves 40 MB (skipped with -short)")
	}
	s := b.Open(t)
	d := found(t, s)
	half := d.batch("H", 3, central.MaxPageBytes/2)
	push(t, s, half)
	big := d.batch("L", 1, central.MaxPageBytes+1)
	push(t, s, big)
	for _, c := range []struct {
		after uint64
		n     int
		more  bool
	}{{0, 2, true}, {2, 1, true}, {3, 1, false}} {
		p, err := pull(t, s, d.office, c.after, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Envelopes) != c.n || p.More != c.more {
			t.Fatalf("pull after %d: %d envelopes, More %v; want %d, %v", c.after, len(p.Envelopes), p.More, c.n, c.more)
		}
	}
}

func testCursorPerOffice(t *testing.T, b Backend) {
	s := b.Open(t)
	a, c := found(t, s), found(t, s)
	ba1, bc1, ba2 := a.batch("A", 3, 0), c.batch("C", 4, 0), a.batch("A2", 2, 0)
	if r := push(t, s, ba1); r.Last != 3 {
		t.Fatalf("office a: %+v", r)
	}
	if r := push(t, s, bc1); r.Last != 4 {
		t.Fatalf("office c counts its own cursor: %+v", r)
	}
	if r := push(t, s, ba2); r.Last != 5 {
		t.Fatalf("office a again: %+v", r)
	}
	wantEnvelopes(t, pullAll(t, s, a.office, 0, 0), append(ba1.Envelopes, ba2.Envelopes...), 1)
	wantEnvelopes(t, pullAll(t, s, c.office, 0, 0), bc1.Envelopes, 1)
	// A device of one office cannot push into another.
	only := join(t, s, a.office, "dev-only-a")
	stray := only.batch("X", 1, 0)
	stray.Office = c.office
	_, err := s.Push(t.Context(), stray)
	wantErrNaming(t, err, central.ErrNotFound, "a device of office a pushing into office c", "dev-only-a")
}

func testChainContinuity(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	ctx := t.Context()

	// The first push must start the chain: sequence 1, no previous hash.
	late := *d
	late.head = central.ChainHead{Seq: 1, Hash: []byte("made up")}
	_, err := s.Push(ctx, late.batch("X", 1, 0))
	wantErrNaming(t, err, central.ErrChainBroken, "first push at sequence 2", d.id)
	push(t, s, d.batch("B", 3, 0))

	// A gap.
	gap := *d
	gap.head.Seq++
	_, err = s.Push(ctx, gap.batch("X", 1, 0))
	wantErr(t, err, central.ErrChainBroken, "a gap")
	// Right sequence, wrong previous hash.
	wrong := *d
	wrong.head.Hash = bytes.Repeat([]byte{9}, 32)
	_, err = s.Push(ctx, wrong.batch("X", 1, 0))
	wantErr(t, err, central.ErrChainBroken, "wrong previous hash")
	// A replay: an old sequence number under a new (id, rev).
	old := device{office: d.office, id: d.id, revs: 100}
	_, err = s.Push(ctx, old.batch("X", 1, 0))
	wantErr(t, err, central.ErrChainBroken, "old sequence, new envelope")
	// A fork: a copy of the device pushes its own sequence 4 after the
	// device pushed its sequence 4.
	clone := *d
	clone.revs += 50
	push(t, s, d.batch("C", 1, 0))
	_, err = s.Push(ctx, clone.batch("F", 1, 0))
	wantErr(t, err, central.ErrChainBroken, "a fork at sequence 4")
	_, err = s.Push(ctx, clone.batch("F2", 1, 0))
	wantErr(t, err, central.ErrChainBroken, "a fork going on at sequence 5")

	dev, _ := s.Device(ctx, d.office, d.id)
	if dev.Chain.Seq != 4 || !bytes.Equal(dev.Chain.Hash, d.head.Hash) {
		t.Fatalf("head after refused pushes: %d, want 4", dev.Chain.Seq)
	}
	if got := len(pullAll(t, s, d.office, 0, 0)); got != 4 {
		t.Fatalf("%d envelopes stored, want 4", got)
	}
	// Two devices keep two chains.
	d2 := join(t, s, d.office, "dev-2")
	push(t, s, d2.batch("D", 2, 0))
	push(t, s, d.batch("E", 2, 0))
	if dev, _ := s.Device(ctx, d.office, "dev-2"); dev.Chain.Seq != 2 {
		t.Fatalf("second device head %d, want 2", dev.Chain.Seq)
	}
}

func testAnchor(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	ctx := t.Context()
	h := func(n byte) []byte { return bytes.Repeat([]byte{n}, 32) }
	anchor := func(seq uint64, hash []byte) *central.Anchor {
		return &central.Anchor{Seq: seq, Hash: hash, Sig: append([]byte("sig"), hash...)}
	}
	bt := d.batch("B", 2, 0)
	bt.Anchor = anchor(5, h(5))
	push(t, s, bt)
	dev, _ := s.Device(ctx, d.office, d.id)
	if dev.Anchor.Seq != 5 || !bytes.Equal(dev.Anchor.Hash, h(5)) || !bytes.Equal(dev.Anchor.Sig, bt.Anchor.Sig) ||
		!dev.Anchor.At.Equal(central.Time(bt.At)) {
		t.Fatalf("anchor %+v", dev.Anchor)
	}
	// The same anchor again changes nothing; an anchor alone is a batch.
	push(t, s, central.Batch{Office: d.office, Device: d.id, Anchor: anchor(5, h(5)), At: time.Now()})
	// Backwards and a fork are refused, with the batch's envelopes.
	saved := *d
	back := d.batch("C", 1, 0)
	back.Anchor = anchor(4, h(4))
	_, err := s.Push(ctx, back)
	wantErrNaming(t, err, central.ErrChainBroken, "anchor going back", d.id)
	*d = saved
	_, err = s.Push(ctx, central.Batch{Office: d.office, Device: d.id, Anchor: anchor(5, h(6))})
	wantErr(t, err, central.ErrChainBroken, "anchor forking")
	if got := len(pullAll(t, s, d.office, 0, 0)); got != 2 {
		t.Fatalf("%d envelopes after refused anchors, want 2", got)
	}
	fwd := d.batch("D", 1, 0)
	fwd.Anchor = anchor(9, h(9))
	push(t, s, fwd)
	dev, _ = s.Device(ctx, d.office, d.id)
	if dev.Anchor.Seq != 9 || dev.Chain.Seq != 3 {
		t.Fatalf("anchor %d, chain %d; want 9 and 3", dev.Anchor.Seq, dev.Chain.Seq)
	}
}

// testLimits stores what the limits allow: the largest envelope, and the
// fullest batch of envelopes just small enough to sit beside their keys.
func testLimits(t *testing.T, b Backend) {
	if testing.Short() {
		t.Skip("moves 70 MB (skipped with -short)")
	}
	s := b.Open(t)
	d := found(t, s)
	big := d.batch("L", 1, central.MaxEnvelope)
	push(t, s, big)
	full := d.batch("F", central.MaxBatch, 2000)
	push(t, s, full)
	p, err := pull(t, s, d.office, 0, 1)
	if err != nil || len(p.Envelopes) != 1 || !bytes.Equal(p.Envelopes[0].Data, big.Envelopes[0].Data) {
		t.Fatalf("the largest envelope came back as %d envelopes, %v", len(p.Envelopes), err)
	}
	wantEnvelopes(t, pullAll(t, s, d.office, 1, 0), full.Envelopes, 2)
	over := d.batch("O", 1, central.MaxEnvelope+1)
	if _, err := s.Push(t.Context(), over); !errors.Is(err, central.ErrInvalid) {
		t.Fatalf("an envelope over the limit: %v", err)
	}
}
