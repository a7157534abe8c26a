package local

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func freshWrites(n int) []Write {
	ws := make([]Write, n)
	for i := range ws {
		id := fmt.Sprintf("B-%08d", i)
		ws[i] = Write{Version: Version{ID: id, Kind: "business", Rev: "0001", Blob: []byte("sealed " + id)},
			Terms: []Term{{"name", fmt.Sprintf("name%d", i)}, {"phone", "0355550101"}}, Fresh: true, Outbox: true}
	}
	return ws
}

// assertNothing checks that no trace of the writes is left: no record, no
// term, no outbox entry.
func assertNothing(t *testing.T, s *Store) {
	t.Helper()
	n, err := s.Count("business")
	if err != nil || n != 0 {
		t.Errorf("count %d %v", n, err)
	}
	if ids, err := s.Find("phone", "0355550101"); err != nil || len(ids) != 0 {
		t.Errorf("terms left: %d %v", len(ids), err)
	}
	if n, err := s.OutboxLen(); err != nil || n != 0 {
		t.Errorf("outbox %d %v", n, err)
	}
	if _, err := s.Head("B-00000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("head of the first write: %v", err)
	}
}

// TestCommitWholeFailureLeavesNothing: a transaction that fails after
// earlier ones were committed takes those out again.
func TestCommitWholeFailureLeavesNothing(t *testing.T) {
	s := openTest(t)
	ws := freshWrites(5000)
	ws[4500].Terms = []Term{{"name", strings.Repeat("x", 70000)}} // a key Badger refuses, after thousands of writes
	if err := s.CommitWhole(context.Background(), ws, nil); err == nil {
		t.Fatalf("err %v", err)
	}
	assertNothing(t, s)
}

// TestCommitWholeCanceled: a context that ends between chunks also leaves
// nothing.
func TestCommitWholeCanceled(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := s.CommitWhole(ctx, freshWrites(5000), func(done, total int) { calls++; cancel() })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err %v after %d chunks", err, calls)
	}
	assertNothing(t, s)
}

// TestCommitWholeLands: all writes land, and a write that is not fresh is
// refused before any.
func TestCommitWholeLands(t *testing.T) {
	s := openTest(t)
	ws := freshWrites(3000)
	if err := s.CommitWhole(context.Background(), ws, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count("business"); n != 3000 {
		t.Fatalf("count %d", n)
	}
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	other := freshWrites(2)
	other[1].Version.ID, other[1].Fresh = "B-X", false
	if err := s.CommitWhole(context.Background(), other, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("not fresh: %v", err)
	}
	other = freshWrites(2)
	other[1].Terms = []Term{{"name", "bad\x00value"}}
	if err := s.CommitWhole(context.Background(), other, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("NUL in a term: %v", err)
	}
}
