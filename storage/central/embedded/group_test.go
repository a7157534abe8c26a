package embedded

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Tests of the group commit (group.go). They set the package's test hooks,
// so none of them runs in parallel.

// gdev is a test device with the chain head it has built.
type gdev struct {
	office, id string
	head       central.ChainHead
	revs       int
}

func (d *gdev) next(id string, data []byte) central.Envelope {
	d.revs++
	e := central.Envelope{ID: id, Rev: fmt.Sprintf("%016x-%08x-%s", 1_700_000_000_000+d.revs, 0, d.id), Device: d.id, Data: data}
	h := sha256.New()
	h.Write(d.head.Hash)
	fmt.Fprintf(h, "%d|%s|%s|", d.head.Seq+1, e.ID, e.Rev)
	h.Write(data)
	sum := h.Sum(nil)
	e.Link = central.Link{Seq: d.head.Seq + 1, Prev: bytes.Clone(d.head.Hash), Hash: sum, Sig: []byte("sig")}
	d.head = central.ChainHead{Seq: e.Link.Seq, Hash: sum}
	return e
}

// batch builds the device's next n envelopes of size bytes, ids prefix-i.
func (d *gdev) batch(prefix string, n, size int) central.Batch {
	b := central.Batch{Office: d.office, Device: d.id, At: time.Now()}
	for i := range n {
		data := make([]byte, size)
		rand.Read(data)
		b.Envelopes = append(b.Envelopes, d.next(fmt.Sprintf("%s-%d", prefix, i), data))
	}
	return b
}

// newOffice opens a store with a new office of n devices.
func newOffice(t *testing.T, n int) (*Store, []*gdev) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "central")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	devs := make([]*gdev, n)
	for i := range devs {
		id := fmt.Sprintf("dev-%d", i+1)
		tok := sha256.Sum256([]byte(id))
		o := ""
		if i > 0 {
			o = "office-g"
		}
		now := time.Now()
		if err := s.AddToken(ctx, central.Token{Hash: tok[:], Office: o, Created: now, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		fp := sha256.Sum256([]byte(id))
		if _, err := s.Enroll(ctx, tok[:], central.Device{Office: "office-g", ID: id, Name: id, CertSHA256: fp[:]}, now); err != nil {
			t.Fatal(err)
		}
		devs[i] = &gdev{office: "office-g", id: id}
	}
	return s, devs
}

// pullEvery pulls the whole office page by page and checks that the
// cursors run 1, 2, 3… with no gap.
func pullEvery(t *testing.T, s *Store, limit int) []central.Envelope {
	t.Helper()
	var all []central.Envelope
	var after uint64
	for {
		p, err := s.Pull(t.Context(), "office-g", after, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Envelopes {
			if e.Cursor != after+1 {
				t.Fatalf("cursor %d after %d", e.Cursor, after)
			}
			after = e.Cursor
		}
		all = append(all, p.Envelopes...)
		if len(p.Envelopes) == 0 {
			return all
		}
	}
}

// wantStored checks that the office holds exactly the envelopes of the
// batches, each once.
func wantStored(t *testing.T, s *Store, batches ...central.Batch) {
	t.Helper()
	want := map[central.Key][32]byte{}
	for _, b := range batches {
		for _, e := range b.Envelopes {
			want[central.Key{ID: e.ID, Rev: e.Rev}] = central.Sum(e)
		}
	}
	got := pullEvery(t, s, 0)
	if len(got) != len(want) {
		t.Fatalf("%d envelopes stored, want %d", len(got), len(want))
	}
	for _, e := range got {
		e.Cursor = 0
		if sum, ok := want[central.Key{ID: e.ID, Rev: e.Rev}]; !ok || sum != central.Sum(e) {
			t.Fatalf("stored envelope %s %s not pushed (or other content)", e.ID, e.Rev)
		}
	}
}

// hold makes the next group wait at its commit until release is called;
// it returns once a push is held there.
type holder struct {
	entered, release chan struct{}
	once             sync.Once
	groups           atomic.Int32
	sizes            []int
	mu               sync.Mutex
}

func holdFirst(t *testing.T) *holder {
	h := &holder{entered: make(chan struct{}), release: make(chan struct{})}
	testHookBeforeCommit = func() {
		first := false
		h.once.Do(func() { first = true })
		if first {
			close(h.entered)
			<-h.release
		}
	}
	testHookCommit = func(n int) error {
		h.groups.Add(1)
		h.mu.Lock()
		h.sizes = append(h.sizes, n)
		h.mu.Unlock()
		return nil
	}
	t.Cleanup(func() {
		testHookBeforeCommit, testHookCommit = nil, nil
		select {
		case <-h.release:
		default:
			close(h.release)
		}
	})
	return h
}

func (h *holder) wait(t *testing.T) {
	t.Helper()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no push reached the commit")
	}
}

// queued waits until n pushes wait in the queue.
func queued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.qmu.Lock()
		q := len(s.queue)
		s.qmu.Unlock()
		if q >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pushes queued, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

type answer struct {
	res central.PushResult
	err error
}

// pushAsync pushes b in a goroutine; the answer comes on the channel.
func pushAsync(ctx context.Context, s *Store, b central.Batch) chan answer {
	ch := make(chan answer, 1)
	go func() {
		res, err := s.Push(ctx, b)
		ch <- answer{res, err}
	}()
	return ch
}

func await(t *testing.T, ch chan answer) answer {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(20 * time.Second):
		t.Fatal("a push did not return")
		return answer{}
	}
}

// TestGroupConcurrentDevices: many devices push at once while a reader
// polls; every envelope is stored once, the cursors have no gap and the
// reader sees each envelope exactly once, in cursor order.
func TestGroupConcurrentDevices(t *testing.T) {
	const devices, rounds, per = 24, 8, 5
	s, devs := newOffice(t, devices)
	var groups, batches atomic.Int32
	testHookCommit = func(n int) error { groups.Add(1); batches.Add(int32(n)); return nil }
	defer func() { testHookCommit = nil }()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var finished atomic.Bool
	seen := map[central.Key]int{}
	readErr := make(chan error, 1)
	go func() {
		var after uint64
		for {
			fin := finished.Load()
			p, err := s.Pull(ctx, "office-g", after, 7)
			if err != nil {
				readErr <- err
				return
			}
			for _, e := range p.Envelopes {
				if e.Cursor != after+1 {
					readErr <- fmt.Errorf("reader saw cursor %d after %d", e.Cursor, after)
					return
				}
				after = e.Cursor
				seen[central.Key{ID: e.ID, Rev: e.Rev}]++
			}
			if fin && len(p.Envelopes) == 0 {
				readErr <- nil
				return
			}
		}
	}()

	all := make([][]central.Batch, devices)
	var wg sync.WaitGroup
	errs := make(chan error, devices)
	for i, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				b := d.batch(fmt.Sprintf("%s-r%d", d.id, r), per, 200)
				res, err := s.Push(ctx, b)
				if err != nil {
					errs <- err
					return
				}
				if res.Stored != per || res.Duplicates != 0 || res.Head.Seq != d.head.Seq || !bytes.Equal(res.Head.Hash, d.head.Hash) {
					errs <- fmt.Errorf("%s round %d: %+v", d.id, r, res)
					return
				}
				all[i] = append(all[i], b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	finished.Store(true)
	if err := <-readErr; err != nil {
		t.Fatal(err)
	}
	var flat []central.Batch
	for _, bs := range all {
		flat = append(flat, bs...)
	}
	if len(seen) != devices*rounds*per {
		t.Fatalf("reader saw %d envelopes, want %d", len(seen), devices*rounds*per)
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("reader saw %v %d times", k, n)
		}
	}
	wantStored(t, s, flat...)
	// A retried batch changes nothing.
	res, err := s.Push(t.Context(), flat[0])
	if err != nil || res.Stored != 0 || res.Duplicates != per {
		t.Fatalf("retried batch: %+v, %v", res, err)
	}
	t.Logf("%d batches in %d commits", batches.Load(), groups.Load())
}

// TestGroupOneDeviceRacing: batches of one device built on the same head
// race; one is stored, the others fail with ErrChainBroken and leave
// nothing. Once in one held group, once freely.
func TestGroupOneDeviceRacing(t *testing.T) {
	for _, held := range []bool{true, false} {
		t.Run(fmt.Sprintf("held=%v", held), func(t *testing.T) {
			const racers = 12
			s, devs := newOffice(t, 2)
			d, other := devs[0], devs[1]
			var h *holder
			var first chan answer
			var firstB central.Batch
			if held {
				h = holdFirst(t)
				firstB = other.batch("other", 2, 100)
				first = pushAsync(t.Context(), s, firstB)
				h.wait(t)
			}
			base := *d
			batches := make([]central.Batch, racers)
			forks := make([]gdev, racers)
			chans := make([]chan answer, racers)
			start := make(chan struct{})
			for i := range batches {
				forks[i] = base
				batches[i] = forks[i].batch(fmt.Sprintf("fork%d", i), 3, 100)
			}
			for i := range batches {
				ch := make(chan answer, 1)
				chans[i] = ch
				go func() {
					<-start
					res, err := s.Push(t.Context(), batches[i])
					ch <- answer{res, err}
				}()
			}
			close(start)
			if held {
				queued(t, s, racers)
				close(h.release)
				if a := await(t, first); a.err != nil {
					t.Fatal(a.err)
				}
			}
			winner := -1
			for i, ch := range chans {
				a := await(t, ch)
				switch {
				case a.err == nil:
					if winner >= 0 {
						t.Fatalf("racers %d and %d both stored", winner, i)
					}
					winner = i
					if a.res.Stored != 3 || a.res.Head.Seq != 3 {
						t.Fatalf("winner: %+v", a.res)
					}
				case !errors.Is(a.err, central.ErrChainBroken):
					t.Fatalf("racer %d: %v, want ErrChainBroken", i, a.err)
				}
			}
			if winner < 0 {
				t.Fatal("no racer stored")
			}
			if held {
				wantStored(t, s, firstB, batches[winner])
				if g := h.groups.Load(); g != 2 {
					t.Errorf("%d commits, want 2 (the held push, then every racer in one group)", g)
				}
			} else {
				wantStored(t, s, batches[winner])
			}
			dv, err := s.Device(t.Context(), d.office, d.id)
			if err != nil || dv.Chain.Seq != 3 || !bytes.Equal(dv.Chain.Hash, forks[winner].head.Hash) {
				t.Fatalf("device head %+v, %v", dv.Chain, err)
			}
		})
	}
}

// TestGroupFailingBatchInTheMiddle: a group of five batches, the third of
// which fails (a chain gap, then a conflicting envelope, then a revoked
// device, then a backward anchor); the others are stored with dense
// cursors, the failed one leaves nothing, and each caller gets its own
// answer.
func TestGroupFailingBatchInTheMiddle(t *testing.T) {
	cases := []struct {
		name string
		bad  func(t *testing.T, s *Store, d *gdev, stored central.Batch) central.Batch
		want error
	}{
		{"gap", func(t *testing.T, s *Store, d *gdev, _ central.Batch) central.Batch {
			d.batch("skipped", 1, 10) // never pushed
			return d.batch("gap", 2, 10)
		}, central.ErrChainBroken},
		{"conflict", func(t *testing.T, s *Store, d *gdev, stored central.Batch) central.Batch {
			// An envelope of the first batch of the group under its
			// (id, rev) with other data.
			e := stored.Envelopes[0]
			e.Data = []byte("other")
			e.Device = ""
			b := d.batch("c", 1, 10)
			b.Envelopes = append(b.Envelopes, e)
			return b
		}, central.ErrConflict},
		{"revoked", func(t *testing.T, s *Store, d *gdev, _ central.Batch) central.Batch {
			return d.batch("r", 2, 10) // revoked before the group
		}, central.ErrRevoked},
		{"anchor back", func(t *testing.T, s *Store, d *gdev, _ central.Batch) central.Batch {
			b := d.batch("a", 2, 10)
			b.Anchor = &central.Anchor{Seq: 1, Hash: []byte("h1")}
			return b
		}, central.ErrChainBroken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, devs := newOffice(t, 6)
			// The bad device has an anchor at 5 and one stored envelope.
			bad := devs[2]
			pre := bad.batch("pre", 1, 10)
			pre.Anchor = &central.Anchor{Seq: 5, Hash: []byte("h5")}
			if _, err := s.Push(t.Context(), pre); err != nil {
				t.Fatal(err)
			}
			if c.want == central.ErrRevoked {
				if err := s.Revoke(t.Context(), bad.office, bad.id, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			h := holdFirst(t)
			held := devs[5].batch("held", 1, 10)
			heldCh := pushAsync(t.Context(), s, held)
			h.wait(t)
			var good []central.Batch
			chans := make([]chan answer, 5)
			for i := range 5 {
				var b central.Batch
				if i == 2 {
					b = c.bad(t, s, bad, good[0])
				} else {
					if i == 1 {
						// The same device again after its batch of
						// this group: continues its pending head.
						b = devs[0].batch("g1", 2, 100)
					} else {
						b = devs[i].batch(fmt.Sprintf("g%d", i), 3, 100)
					}
					good = append(good, b)
				}
				chans[i] = pushAsync(t.Context(), s, b)
				queued(t, s, i+1)
			}
			close(h.release)
			if a := await(t, heldCh); a.err != nil {
				t.Fatal(a.err)
			}
			last := uint64(2) // pre and held
			for i, ch := range chans {
				a := await(t, ch)
				if i == 2 {
					if !errors.Is(a.err, c.want) {
						t.Fatalf("bad batch: %v, want %v", a.err, c.want)
					}
					continue
				}
				if a.err != nil {
					t.Fatalf("batch %d: %v", i, a.err)
				}
				last += uint64(a.res.Stored)
				if a.res.Last != last || a.res.Stored == 0 {
					t.Fatalf("batch %d: %+v, want last %d", i, a.res, last)
				}
			}
			if g := h.groups.Load(); g != 2 {
				t.Errorf("%d commits, want 2", g)
			}
			wantStored(t, s, append([]central.Batch{pre, held}, good...)...)
			dv, err := s.Device(t.Context(), bad.office, bad.id)
			if err != nil || dv.Chain.Seq != 1 || dv.Anchor.Seq != 5 {
				t.Fatalf("bad device after its failed batch: chain %+v anchor %+v, %v", dv.Chain, dv.Anchor, err)
			}
			d0, err := s.Device(t.Context(), devs[0].office, devs[0].id)
			if err != nil || d0.Chain.Seq != 5 {
				t.Fatalf("device pushing twice in a group: %+v, %v", d0.Chain, err)
			}
		})
	}
}

// TestGroupTooBig: a group of batches larger than one transaction is cut
// where the estimate says, and, with the estimate out of the way, where
// Badger refuses with ErrTxnTooBig; every batch is stored either way.
func TestGroupTooBig(t *testing.T) {
	for _, estimate := range []bool{true, false} {
		t.Run(fmt.Sprintf("estimate=%v", estimate), func(t *testing.T) {
			const devices, per, size = 10, 1000, 1900 // about 2 MB a batch, 20 MB in all
			// Envelopes in the tables, not the value log: a transaction
			// then holds their bytes, and 20 MB are more than one.
			old := valueThreshold
			valueThreshold = 4 << 10
			s, devs := newOffice(t, devices+1)
			valueThreshold = old
			if !estimate {
				s.maxSize, s.maxCount = math.MaxInt64, math.MaxInt64
			}
			h := holdFirst(t)
			held := devs[devices].batch("held", 1, 10)
			heldCh := pushAsync(t.Context(), s, held)
			h.wait(t)
			bs := make([]central.Batch, devices)
			chans := make([]chan answer, devices)
			for i := range bs {
				bs[i] = devs[i].batch("big", per, size)
				chans[i] = pushAsync(t.Context(), s, bs[i])
			}
			queued(t, s, devices)
			close(h.release)
			if a := await(t, heldCh); a.err != nil {
				t.Fatal(a.err)
			}
			for i, ch := range chans {
				if a := await(t, ch); a.err != nil || a.res.Stored != per {
					t.Fatalf("batch %d: %+v, %v", i, a.res, a.err)
				}
			}
			h.mu.Lock()
			sizes := h.sizes
			h.mu.Unlock()
			if len(sizes) < 3 {
				t.Errorf("commits of %v batches: the group was not cut", sizes)
			}
			t.Logf("commits of %v batches", sizes)
			wantStored(t, s, append(bs, held)...)
		})
	}
}

// TestGroupCommitFails: when a group's commit fails, each batch is tried
// alone and gets its own answer.
func TestGroupCommitFails(t *testing.T) {
	s, devs := newOffice(t, 5)
	h := holdFirst(t)
	failed := false
	testHookCommit = func(n int) error {
		h.groups.Add(1)
		if n > 1 && !failed {
			failed = true
			return errors.New("disk on fire")
		}
		return nil
	}
	held := devs[4].batch("held", 1, 10)
	heldCh := pushAsync(t.Context(), s, held)
	h.wait(t)
	var bs []central.Batch
	var chans []chan answer
	for i := range 4 {
		b := devs[i].batch("b", 2, 10)
		if i == 2 {
			b = devs[1].batch("b2", 2, 10) // continues devs[1]'s batch of the group
		}
		bs = append(bs, b)
		chans = append(chans, pushAsync(t.Context(), s, b))
		queued(t, s, i+1)
	}
	close(h.release)
	if a := await(t, heldCh); a.err != nil {
		t.Fatal(a.err)
	}
	for i, ch := range chans {
		if a := await(t, ch); a.err != nil {
			t.Fatalf("batch %d: %v", i, a.err)
		}
	}
	if !failed || h.groups.Load() != 6 {
		t.Fatalf("failed %v, %d commits; want the held one, the failed group and 4 alone", failed, h.groups.Load())
	}
	wantStored(t, s, append(bs, held)...)
}

// TestGroupCanceledWhileQueued: a push whose context ends while it waits
// in the queue returns the context's error and stores nothing; the others
// are stored.
func TestGroupCanceledWhileQueued(t *testing.T) {
	s, devs := newOffice(t, 3)
	h := holdFirst(t)
	held := devs[2].batch("held", 1, 10)
	heldCh := pushAsync(t.Context(), s, held)
	h.wait(t)
	ctx, cancel := context.WithCancel(t.Context())
	canceled := pushAsync(ctx, s, devs[0].batch("canceled", 2, 10))
	queued(t, s, 1)
	other := devs[1].batch("other", 2, 10)
	otherCh := pushAsync(t.Context(), s, other)
	queued(t, s, 2)
	cancel()
	if a := await(t, canceled); !errors.Is(a.err, context.Canceled) {
		t.Fatalf("canceled push: %v", a.err)
	}
	close(h.release)
	for _, ch := range []chan answer{heldCh, otherCh} {
		if a := await(t, ch); a.err != nil {
			t.Fatal(a.err)
		}
	}
	wantStored(t, s, held, other)
}

// TestGroupCloseWhilePushesWait: Close while pushes wait for a held group;
// each push gets its result or ErrClosed, none hangs, and what was
// answered as stored is stored.
func TestGroupCloseWhilePushesWait(t *testing.T) {
	const waiting = 20
	s, devs := newOffice(t, waiting+1)
	h := holdFirst(t)
	held := devs[waiting].batch("held", 1, 10)
	heldCh := pushAsync(t.Context(), s, held)
	h.wait(t)
	bs := make([]central.Batch, waiting)
	chans := make([]chan answer, waiting)
	for i := range waiting {
		bs[i] = devs[i].batch("w", 2, 10)
		chans[i] = pushAsync(t.Context(), s, bs[i])
		if i == waiting/2 {
			queued(t, s, i+1)
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	time.Sleep(20 * time.Millisecond)
	late := pushAsync(t.Context(), s, devs[0].batch("late", 1, 10))
	close(h.release)
	if a := await(t, heldCh); a.err != nil {
		t.Fatal(a.err)
	}
	var stored []central.Batch
	for i, ch := range chans {
		a := await(t, ch)
		switch {
		case a.err == nil:
			stored = append(stored, bs[i])
		case errors.Is(a.err, central.ErrClosed):
		default:
			t.Fatalf("push %d: %v", i, a.err)
		}
	}
	if a := await(t, late); !errors.Is(a.err, central.ErrClosed) {
		t.Fatalf("push after Close: %v", a.err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close hangs")
	}
	if len(stored) < waiting/2 {
		t.Errorf("%d of the %d queued pushes stored", len(stored), waiting)
	}
	if _, err := s.Push(t.Context(), devs[1].batch("after", 1, 10)); !errors.Is(err, central.ErrClosed) {
		t.Fatalf("push after Close returned: %v", err)
	}
	s2, err := Open(s.db.Opts().Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	wantStored(t, s2, append(stored, held)...)
}

// TestEnvelopesInTablesAndValueLog: a store written when envelopes stayed
// in Badger's tables (what earlier versions did) reads the same after
// reopening with them in the value log, old and new envelopes mixed in
// one page, and whole pages equal envelope-by-envelope reads.
func TestEnvelopesInTablesAndValueLog(t *testing.T) {
	old := valueThreshold
	valueThreshold = 4 << 10
	s, devs := newOffice(t, 1)
	valueThreshold = old
	first := devs[0].batch("old", 50, 1500)
	if _, err := s.Push(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	dir := s.db.Opts().Dir
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if got := s.db.Opts().ValueThreshold; got != valueThreshold {
		t.Fatalf("reopened with threshold %d, want %d", got, valueThreshold)
	}
	next := devs[0].batch("new", 50, 1500)
	if _, err := s.Push(t.Context(), next); err != nil {
		t.Fatal(err)
	}
	wantStored(t, s, first, next)
	for _, limit := range []int{0, 7} {
		var after uint64
		for {
			p, err := s.Pull(t.Context(), "office-g", after, limit)
			if err != nil {
				t.Fatal(err)
			}
			var each []central.Envelope
			q, err := s.PullEach(t.Context(), "office-g", after, limit, func(e *central.Envelope) error {
				c := *e
				c.Data = bytes.Clone(e.Data)
				each = append(each, c)
				return nil
			})
			if err != nil || q.Next != p.Next || q.More != p.More || len(each) != len(p.Envelopes) {
				t.Fatalf("after %d: PullEach %d envelopes Next %d, %v; Pull %d, Next %d", after, len(each), q.Next, err, len(p.Envelopes), p.Next)
			}
			for i := range each {
				if !bytes.Equal(each[i].Data, p.Envelopes[i].Data) || each[i].Cursor != p.Envelopes[i].Cursor {
					t.Fatalf("after %d: envelope %d differs", after, i)
				}
			}
			if !p.More {
				break
			}
			after = p.Next
		}
	}
}
