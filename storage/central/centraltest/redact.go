package centraltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// testRedact: Redact replaces the sealed bytes of every version of the
// erased records by the mark (links, ids and revs kept, so a client can
// check the chain), keeps the other records, is idempotent, keeps a retried
// push of the original bytes a duplicate, stores a later version of an
// erased record redacted, and leaves none of the erased bytes in the
// backend's bytes at rest while the kept ones are found there.
func testRedact(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	d := found(t, s)
	canary := func(tag string, n int) []byte {
		return append([]byte(randID("redact-"+tag+"-")), randBytes(n)...)
	}
	gone := []central.Envelope{
		d.next("C-1", canary("small", 300)),
		d.next("C-1", canary("large", 40<<10)), // in Badger's value log
		d.next("C-1#case", canary("case", 500)),
	}
	kept := d.next("B-2", canary("kept", 300))
	first := central.Batch{Office: d.office, Device: d.id, Envelopes: append(append([]central.Envelope{}, gone...), kept)}
	push(t, s, first)

	order := hex.EncodeToString(randBytes(32))
	ids := []string{"C-1", "C-1#case", "C-1#approval"}
	if n, err := s.Redact(ctx, d.office, order, ids); err != nil || n != 3 {
		t.Fatalf("Redact = %d, %v; want 3 envelopes", n, err)
	}
	all := pullAll(t, s, d.office, 0, 0)
	if len(all) != 4 {
		t.Fatalf("%d envelopes after the redaction, want 4", len(all))
	}
	for i, e := range all[:3] {
		want := gone[i]
		sum, o, ok := central.ParseRedaction(e.Data)
		if !ok || o != order || sum != sha256.Sum256(want.Data) {
			t.Fatalf("envelope %s %s after the redaction: %q", e.ID, e.Rev, e.Data)
		}
		if e.ID != want.ID || e.Rev != want.Rev || e.Device != want.Device || !bytes.Equal(e.Link.Hash, want.Link.Hash) ||
			!bytes.Equal(e.Link.Sig, want.Link.Sig) || e.Link.Seq != want.Link.Seq {
			t.Fatalf("the redaction changed the envelope's place: %+v", e)
		}
	}
	if !sameEnvelope(all[3], kept) {
		t.Fatal("the kept record changed")
	}
	if n, err := s.Redact(ctx, d.office, order, ids); err != nil || n != 0 {
		t.Fatalf("Redact again = %d, %v; want 0", n, err)
	}
	if r := push(t, s, first); r.Stored != 0 || r.Duplicates != 4 {
		t.Fatalf("the first push again: %+v, want 4 duplicates", r)
	}
	late := d.next("C-1#approval", canary("late", 200))
	push(t, s, central.Batch{Office: d.office, Device: d.id, Envelopes: []central.Envelope{late}})
	all = pullAll(t, s, d.office, all[3].Cursor, 0)
	if len(all) != 1 {
		t.Fatalf("%d envelopes after the late push", len(all))
	}
	if sum, o, ok := central.ParseRedaction(all[0].Data); !ok || o != order || sum != sha256.Sum256(late.Data) {
		t.Fatalf("a version pushed after the redaction is stored as %q", all[0].Data)
	}
	if r := push(t, s, central.Batch{Office: d.office, Device: d.id, Envelopes: []central.Envelope{late}}); r.Stored != 0 || r.Duplicates != 1 {
		t.Fatalf("the late push again: %+v", r)
	}

	_, err := s.Redact(ctx, randID("office-"), order, ids)
	wantErr(t, err, central.ErrNotFound, "Redact of an unknown office")
	_, err = s.Redact(ctx, d.office, "not-a-hash", ids)
	wantErr(t, err, central.ErrInvalid, "Redact with a bad order hash")
	_, err = s.Redact(ctx, d.office, order, nil)
	wantErr(t, err, central.ErrInvalid, "Redact of no ids")

	if b.Reopen != nil {
		s = b.Reopen(t, s)
		again := d.next("C-1", canary("reopened", 200))
		push(t, s, central.Batch{Office: d.office, Device: d.id, Envelopes: []central.Envelope{again}})
		got := pullAll(t, s, d.office, 0, 0)
		if _, _, ok := central.ParseRedaction(got[len(got)-1].Data); !ok {
			t.Fatal("after reopening, a version of an erased record is stored in the clear")
		}
		gone = append(gone, again)
	}
	gone = append(gone, late)
	if b.Raw == nil {
		return
	}
	raw := b.Raw(t, s)
	if !inRaw(raw, string(kept.Data[:20])) {
		t.Fatalf("the scan does not find the kept record's bytes (%d bytes scanned)", len(raw))
	}
	for _, e := range gone {
		if inRaw(raw, string(e.Data[:20])) {
			t.Errorf("the erased bytes of %s %s are still in the store (%q)", e.ID, e.Rev, e.Data[:20])
		}
	}
}
