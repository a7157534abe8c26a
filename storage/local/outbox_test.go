package local

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

func outboxRefs(t *testing.T, s *Store, limit int) []string {
	t.Helper()
	vs, err := s.Outbox(limit)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		want, err := s.History(v.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range want {
			found = found || (h.Rev == v.Rev && h.Kind == v.Kind && bytes.Equal(h.Blob, v.Blob))
		}
		if !found {
			t.Errorf("outbox version %s %s is not the stored one", v.ID, v.Rev)
		}
		out = append(out, v.ID+"@"+v.Rev)
	}
	return out
}

func outboxWrite(id, rev string) Write {
	w := write(id, "k", rev)
	w.Outbox = true
	return w
}

func TestOutboxOrderLimitAndAck(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s, outboxWrite("b", "0003"), outboxWrite("a", "0001"), write("c", "k", "0002"))
	mustCommit(t, s, outboxWrite("a", "0004"))
	if got, want := outboxRefs(t, s, 0), []string{"a@0001", "b@0003", "a@0004"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("outbox %v, want %v (rev order, only Outbox writes)", got, want)
	}
	if got := outboxRefs(t, s, 2); !reflect.DeepEqual(got, []string{"a@0001", "b@0003"}) {
		t.Fatalf("limit 2: %v", got)
	}
	// Acknowledging removes exactly the given entries, with the meta, in
	// one transaction; an entry acknowledged twice is skipped.
	err := s.Commit(Batch{Acked: []OutboxRef{{"a", "0001"}, {"b", "0003"}, {"zz", "0009"}}, Meta: map[string][]byte{"sync/cursor": []byte("7")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := outboxRefs(t, s, 0); !reflect.DeepEqual(got, []string{"a@0004"}) {
		t.Fatalf("after ack: %v", got)
	}
	if m, _ := s.Meta("sync/cursor"); string(m) != "7" {
		t.Fatalf("meta %q", m)
	}
	// A failing batch acknowledges nothing.
	err = s.Commit(Batch{Acked: []OutboxRef{{"a", "0004"}}, Writes: []Write{{Version: Version{ID: "a", Kind: "k", Rev: "0004", Blob: []byte("other")}}}})
	if !errors.Is(err, ErrRevExists) {
		t.Fatalf("err %v", err)
	}
	if got := outboxRefs(t, s, 0); !reflect.DeepEqual(got, []string{"a@0004"}) {
		t.Fatalf("after a failed ack: %v", got)
	}
	if err := s.Commit(Batch{Acked: []OutboxRef{{"a", ""}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty rev: %v", err)
	}
}

func TestFreshWriteOutbox(t *testing.T) {
	s := openTest(t)
	w := outboxWrite("f", "0001")
	w.Fresh = true
	mustCommit(t, s, w)
	if got := outboxRefs(t, s, 0); !reflect.DeepEqual(got, []string{"f@0001"}) {
		t.Fatalf("outbox %v", got)
	}
}

func TestForceHead(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s, write("r", "k", "0005", Term{"x", "five"}))
	// A merge version with a smaller rev than the head becomes head and
	// replaces the terms.
	m := write("r", "k", "0004~m", Term{"x", "merged"}, Term{"conflict", "1"})
	m.ForceHead = true
	mustCommit(t, s, m)
	h, err := s.Head("r")
	if err != nil || h.Rev != "0004~m" {
		t.Fatalf("head %v %v", h.Rev, err)
	}
	if ids, _ := s.Find("x", "five"); len(ids) != 0 {
		t.Errorf("old terms kept: %v", ids)
	}
	if ids, _ := s.Find("conflict", "1"); !reflect.DeepEqual(ids, []string{"r"}) {
		t.Errorf("conflict term: %v", ids)
	}
	// A stored version made head again: same bytes, no error.
	again := write("r", "k", "0005", Term{"x", "five"})
	again.ForceHead = true
	mustCommit(t, s, again)
	if h, _ := s.Head("r"); h.Rev != "0005" {
		t.Fatalf("head %v", h.Rev)
	}
	if ids, _ := s.Find("conflict", "1"); len(ids) != 0 {
		t.Errorf("conflict term kept: %v", ids)
	}
	// Without ForceHead an older rev stays history.
	mustCommit(t, s, write("r", "k", "0003"))
	if h, _ := s.Head("r"); h.Rev != "0005" {
		t.Fatalf("head %v", h.Rev)
	}
}

func TestSeedOutbox(t *testing.T) {
	s := openTest(t)
	// A vault from before sync: nothing in the outbox.
	var ws []Write
	for i := range 10 {
		ws = append(ws, write(fmt.Sprintf("id%d", i%4), "k", fmt.Sprintf("%04d", i)))
	}
	mustCommit(t, s, ws...)
	mustCommit(t, s, outboxWrite("id0", "0100"))
	var calls [][2]int
	if err := s.SeedOutbox(func(d, n int) { calls = append(calls, [2]int{d, n}) }); err != nil {
		t.Fatal(err)
	}
	got := outboxRefs(t, s, 0)
	if len(got) != 11 || got[0] != "id0@0000" || got[10] != "id0@0100" {
		t.Fatalf("seeded outbox %v", got)
	}
	if len(calls) != 1 || calls[0] != [2]int{11, 11} {
		t.Errorf("progress %v", calls)
	}
	// Again: the same outbox.
	if err := s.SeedOutbox(nil); err != nil {
		t.Fatal(err)
	}
	if again := outboxRefs(t, s, 0); !reflect.DeepEqual(again, got) {
		t.Fatalf("seeded twice: %v", again)
	}
}

func TestSeedOutboxChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 9000 versions")
	}
	s := openTest(t)
	var ws []Write
	for i := range 2*seedChunk + 10 {
		ws = append(ws, write(fmt.Sprintf("id%05d", i), "k", "0001"))
	}
	if err := s.CommitMany(ws, nil); err != nil {
		t.Fatal(err)
	}
	var calls []int
	if err := s.SeedOutbox(func(d, n int) { calls = append(calls, d) }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(calls, []int{seedChunk, 2 * seedChunk, 2*seedChunk + 10}) {
		t.Fatalf("progress %v", calls)
	}
	vs, err := s.Outbox(0)
	if err != nil || len(vs) != len(ws) {
		t.Fatalf("outbox %d %v", len(vs), err)
	}
}

// TestPageFitsOneTransaction measures how many versions of about 1.5 KB,
// each with six terms and an outbox entry, one Commit takes: a sync page
// applied in one transaction must stay below it.
func TestPageFitsOneTransaction(t *testing.T) {
	s := openTest(t)
	page := func(n, base int) []Write {
		ws := make([]Write, n)
		for i := range ws {
			blob := bytes.Repeat([]byte{byte(i)}, 1500)
			ws[i] = Write{Version: Version{ID: fmt.Sprintf("p%06d", base+i), Kind: "business", Rev: "0000000000000001-00000000-dev", Blob: blob},
				Terms: sixTerms(base + i)}
		}
		return ws
	}
	if err := s.Commit(Batch{Writes: page(500, 0), Meta: map[string][]byte{"sync/cursor": []byte("1")}}); err != nil {
		t.Fatalf("500 versions of 1.5 KB in one transaction: %v", err)
	}
	// 1000 do not fit the desktop profile's memtable (Badger's largest
	// batch is 15% of 8 MB): the sync engine's pages must stay smaller,
	// and Apply fails as a whole (nothing written) rather than in part.
	err := s.Commit(Batch{Writes: page(1000, 1000)})
	if err == nil {
		t.Log("1000 versions of 1.5 KB fit one transaction")
	} else if !errors.Is(err, badger.ErrTxnTooBig) {
		t.Fatalf("1000 versions: %v", err)
	} else if _, herr := s.Head("p001000"); !errors.Is(herr, ErrNotFound) {
		t.Fatalf("a too big transaction left writes: %v", herr)
	}
}

func TestMetaKeys(t *testing.T) {
	s := openTest(t)
	if err := s.Commit(Batch{Meta: map[string][]byte{"sync/u/b": nil, "sync/u/a": []byte("x"), "sync/v": nil, "other": nil}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.MetaKeys("sync/u/", 0); !reflect.DeepEqual(got, []string{"sync/u/a", "sync/u/b"}) {
		t.Fatalf("keys %v", got)
	}
	if got, _ := s.MetaKeys("sync/", 1); !reflect.DeepEqual(got, []string{"sync/u/a"}) {
		t.Fatalf("limit 1: %v", got)
	}
	if err := s.Commit(Batch{DropMeta: []string{"sync/u/a", "sync/u/zz"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.MetaKeys("sync/u/", 0); !reflect.DeepEqual(got, []string{"sync/u/b"}) {
		t.Fatalf("after DropMeta: %v", got)
	}
}

func TestHistoryWrite(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s, write("r", "k", "0002", Term{"x", "two"}))
	h := write("r", "k", "0005", Term{"x", "five"})
	h.History = true
	m := write("r", "k", "0004~m", Term{"x", "merged"})
	m.ForceHead = true
	mustCommit(t, s, h, m)
	if v, _ := s.Head("r"); v.Rev != "0004~m" {
		t.Fatalf("head %s", v.Rev)
	}
	if ids, _ := s.Find("x", "merged"); len(ids) != 1 {
		t.Fatalf("terms %v", ids)
	}
	if hist, _ := s.History("r"); len(hist) != 3 {
		t.Fatalf("history %v", revs(hist))
	}
	h.ForceHead = true
	if err := s.Commit(Batch{Writes: []Write{h}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("history and head: %v", err)
	}
}

// TestRealisticPage measures a page of new businesses as Apply writes it:
// per business a contact version (~1.5 KB, ~30 terms: name, kana and
// phone windows) and a case version, each stored as history and then made
// head with its terms.
func TestRealisticPage(t *testing.T) {
	s := openTest(t)
	page := func(n, base int) []Write {
		var ws []Write
		for i := range n {
			id := fmt.Sprintf("B-%06d", base+i)
			var ts []Term
			for j := range 30 {
				ts = append(ts, Term{Index: fmt.Sprintf("ix%d", j%5), Value: fmt.Sprintf("%s-%02d", id, j)})
			}
			c := Version{ID: id, Kind: "business", Rev: "0000000000000001-00000000-devB", Blob: bytes.Repeat([]byte{1}, 1500)}
			k := Version{ID: id + "#case", Kind: "business.case", Rev: c.Rev, Blob: bytes.Repeat([]byte{2}, 300)}
			ws = append(ws, Write{Version: c, History: true}, Write{Version: k, History: true},
				Write{Version: c, ForceHead: true, Terms: ts}, Write{Version: k, ForceHead: true})
		}
		return ws
	}
	fits := 0
	for _, n := range []int{100, 200, 300, 400, 500, 1000} {
		if err := s.Commit(Batch{Writes: page(n, n*10)}); err != nil {
			if !errors.Is(err, badger.ErrTxnTooBig) {
				t.Fatal(err)
			}
			break
		}
		fits = n
	}
	t.Logf("a page of %d new businesses (contact and case part) fits one transaction", fits)
	if fits < 100 {
		t.Fatalf("only %d businesses fit", fits)
	}
}
