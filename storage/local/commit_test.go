package local

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func write(id, kind, rev string, terms ...Term) Write {
	return Write{
		Version: Version{ID: id, Kind: kind, Rev: rev, Blob: []byte("blob " + id + " " + rev)},
		Terms:   terms,
	}
}

func mustCommit(t testing.TB, s *Store, ws ...Write) {
	t.Helper()
	if err := s.Commit(Batch{Writes: ws}); err != nil {
		t.Fatal(err)
	}
}

func revs(vs []Version) []string {
	var rs []string
	for _, v := range vs {
		rs = append(rs, v.Rev)
	}
	return rs
}

func TestHeadMovesForwardOnly(t *testing.T) {
	s := openTest(t)
	steps := []struct {
		rev      string
		wantHead string
	}{
		{"0002", "0002"},
		{"0001", "0002"}, // older: history only
		{"0003", "0003"},
		{"0002", "0003"}, // repeated: idempotent
	}
	for _, st := range steps {
		mustCommit(t, s, write("r1", "business", st.rev))
		h, err := s.Head("r1")
		if err != nil {
			t.Fatal(err)
		}
		if h.Rev != st.wantHead || h.Kind != "business" || string(h.Blob) != "blob r1 "+st.wantHead {
			t.Errorf("after rev %s: head = %+v, want rev %s", st.rev, h, st.wantHead)
		}
	}
	hist, err := s.History("r1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := revs(hist), []string{"0001", "0002", "0003"}; !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
	if _, err := s.Head("missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Head(missing) = %v, want ErrNotFound", err)
	}
	if n, _ := s.Count("business"); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
}

func TestCommitRefuses(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s, write("r1", "business", "0001"))
	changed := write("r1", "business", "0001")
	changed.Version.Blob = []byte("other")
	tests := []struct {
		name string
		w    Write
		want error
	}{
		{"same rev other blob", changed, ErrRevExists},
		{"kind change", write("r1", "seminar", "0002"), ErrInvalid},
		{"empty id", write("", "business", "0001"), ErrInvalid},
		{"empty rev", write("r2", "business", ""), ErrInvalid},
		{"NUL in id", write("r\x002", "business", "0001"), ErrInvalid},
		{"NUL in kind", write("r2", "bus\x00", "0001"), ErrInvalid},
		{"NUL in term value", write("r2", "business", "0001", Term{"name", "a\x00b"}), ErrInvalid},
		{"NUL in index", write("r2", "business", "0001", Term{"na\x00me", "a"}), ErrInvalid},
		{"empty index", write("r2", "business", "0001", Term{"", "a"}), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Commit(Batch{Writes: []Write{tt.w}}); !errors.Is(err, tt.want) {
				t.Errorf("Commit = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestBatchIsAtomic(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s, write("r1", "business", "0001", Term{"name", "old"}))
	if err := s.Commit(Batch{Audit: []AuditEntry{{Seq: 1, Data: []byte("e1")}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    Batch
	}{
		{"invalid write last", Batch{
			Writes: []Write{write("r1", "business", "0002", Term{"name", "new"}), write("r2", "business", "", Term{"name", "x"})},
			Audit:  []AuditEntry{{Seq: 2, Data: []byte("e2")}},
			Meta:   map[string][]byte{"cursor": []byte("9")},
		}},
		{"duplicate audit seq", Batch{
			Writes: []Write{write("r1", "business", "0002", Term{"name", "new"}), write("r2", "business", "0001")},
			Audit:  []AuditEntry{{Seq: 2, Data: []byte("e2")}, {Seq: 1, Data: []byte("again")}},
			Meta:   map[string][]byte{"cursor": []byte("9")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Commit(tt.b); err == nil {
				t.Fatal("Commit succeeded")
			}
			if h, _ := s.Head("r1"); h.Rev != "0001" {
				t.Errorf("head moved to %s", h.Rev)
			}
			if ids, _ := s.Find("name", "old"); !slices.Equal(ids, []string{"r1"}) {
				t.Errorf("old term lost: %v", ids)
			}
			if _, err := s.Head("r2"); !errors.Is(err, ErrNotFound) {
				t.Errorf("r2 stored: %v", err)
			}
			if a, _ := s.LastAudit(); a.Seq != 1 {
				t.Errorf("last audit seq = %d", a.Seq)
			}
			if _, err := s.Meta("cursor"); !errors.Is(err, ErrNotFound) {
				t.Errorf("meta set: %v", err)
			}
		})
	}
}

func TestTermsReplacedOnUpdate(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s, write("r1", "business", "0001", Term{"name", "やまだ"}, Term{"phone", "0355550101"}))
	mustCommit(t, s, write("r1", "business", "0002", Term{"name", "やまもと"}, Term{"phone", "0355550101"}))
	mustCommit(t, s, write("r1", "business", "0000", Term{"name", "むかし"})) // older: terms ignored
	tests := []struct {
		index, value string
		want         []string
	}{
		{"name", "やまだ", nil},
		{"name", "やまもと", []string{"r1"}},
		{"name", "むかし", nil},
		{"phone", "0355550101", []string{"r1"}},
	}
	for _, tt := range tests {
		got, err := s.Find(tt.index, tt.value)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Find(%s, %s) = %v, want %v", tt.index, tt.value, got, tt.want)
		}
	}
	mustCommit(t, s, write("r1", "business", "0003"))
	if got, _ := s.FindPrefix("", "", 0); got != nil {
		t.Errorf("FindPrefix with empty index = %v", got)
	}
	for _, index := range []string{"name", "phone"} {
		if got, _ := s.FindPrefix(index, "", 0); len(got) != 0 {
			t.Errorf("terms left in %s after clearing: %v", index, got)
		}
	}
}

func TestFind(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s,
		write("b1", "business", "1", Term{"name", "やまだ"}, Term{"date", "2026-10-01"}),
		write("b2", "business", "1", Term{"name", "やまだ商店"}, Term{"date", "2026-10-15"}),
		write("b3", "business", "1", Term{"name", "やまもと"}, Term{"date", "2026-11-02"}, Term{"kana", "やまだ"}),
		write("b/4", "business", "1", Term{"name", "よしだ"}, Term{"name", "やまだ"}, Term{"date", "2026-09-30"}),
		write("b5", "business", "1", Term{"name/x", "y"}),
	)
	tests := []struct {
		name   string
		index  string
		prefix string
		limit  int
		exact  bool
		want   []string
	}{
		{"exact", "name", "やまだ", 0, true, []string{"b/4", "b1"}},
		{"exact ignores longer values", "name", "やまだ商", 0, true, nil},
		{"exact other index", "kana", "やまだ", 0, true, []string{"b3"}},
		{"index with slash does not collide", "name", "x/y", 0, true, nil},
		{"prefix", "name", "やま", 0, false, []string{"b/4", "b1", "b2", "b3"}},
		{"prefix limit", "name", "やま", 2, false, []string{"b/4", "b1"}},
		{"prefix none", "name", "すず", 0, false, nil},
		{"date month", "date", "2026-10", 0, false, []string{"b1", "b2"}},
		{"index is not a prefix of another", "nam", "", 0, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var err error
			if tt.exact {
				got, err = s.Find(tt.index, tt.prefix)
			} else {
				got, err = s.FindPrefix(tt.index, tt.prefix, tt.limit)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTermsRange(t *testing.T) {
	s := openTest(t)
	for i := 1; i <= 9; i++ {
		mustCommit(t, s, write(fmt.Sprintf("r%d", i), "reservation", "1", Term{"date", fmt.Sprintf("2026-10-%02d", i)}))
	}
	type pair struct{ value, id string }
	var got []pair
	// Dates from the 3rd up to and including the 5th.
	err := s.Terms("date", "2026-10", func(value, id string) bool {
		if value > "2026-10-05" {
			return false
		}
		if value >= "2026-10-03" {
			got = append(got, pair{value, id})
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []pair{{"2026-10-03", "r3"}, {"2026-10-04", "r4"}, {"2026-10-05", "r5"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if err := s.Terms("date", "\x00", func(string, string) bool { return true }); !errors.Is(err, ErrInvalid) {
		t.Errorf("NUL prefix: %v", err)
	}
}

func TestIDsAndCount(t *testing.T) {
	s := openTest(t)
	mustCommit(t, s,
		write("s2", "seminar", "1"), write("b2", "business", "1"), write("b1", "business", "1"),
		write("b1", "business", "2"), write("bus", "busi", "1"),
	)
	tests := []struct {
		kind string
		want []string
	}{
		{"business", []string{"b1", "b2"}},
		{"seminar", []string{"s2"}},
		{"busi", []string{"bus"}},
		{"none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			ids, err := s.IDs(tt.kind)
			if err != nil || !slices.Equal(ids, tt.want) {
				t.Errorf("IDs = %v, %v; want %v", ids, err, tt.want)
			}
			if n, err := s.Count(tt.kind); err != nil || n != len(tt.want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tt.want))
			}
		})
	}
}

func TestCommitMany(t *testing.T) {
	s := openTest(t)
	// Large blobs force badger.ErrTxnTooBig, so the list is split.
	big := make([]byte, 40<<10)
	var ws []Write
	for i := range 300 {
		w := write(fmt.Sprintf("r%04d", i), "business", "1", Term{"n", fmt.Sprint(i)})
		w.Version.Blob = append([]byte(fmt.Sprint(i)), big...)
		ws = append(ws, w)
	}
	calls, last := 0, 0
	err := s.CommitMany(ws, func(done, total int) {
		calls++
		if total != len(ws) || done <= last {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != len(ws) || calls < 2 {
		t.Errorf("progress ended at %d after %d calls", last, calls)
	}
	if n, _ := s.Count("business"); n != len(ws) {
		t.Errorf("Count = %d", n)
	}
	if ids, _ := s.Find("n", "299"); !slices.Equal(ids, []string{"r0299"}) {
		t.Errorf("Find = %v", ids)
	}
	bad := []Write{write("x1", "business", "1"), write("x2", "business", "")}
	if err := s.CommitMany(bad, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("CommitMany(bad) = %v", err)
	}
	if _, err := s.Head("x1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("x1 of a failed transaction stored: %v", err)
	}
}

// TestFreshWrite checks that a write asserted fresh is stored, indexed and
// listed exactly like a normal first write.
func TestFreshWrite(t *testing.T) {
	s := openTest(t)
	w := Write{Version: Version{ID: "B-FRESH", Kind: "business", Rev: "0001", Blob: []byte("x")},
		Terms: []Term{{"name", "ab"}, {"name", "ab"}, {"phone", "0355550101"}}, Fresh: true}
	if err := s.Commit(Batch{Writes: []Write{w}}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Head("B-FRESH"); err != nil || v.Rev != "0001" || string(v.Blob) != "x" {
		t.Fatalf("head %v %v", v, err)
	}
	if ids, _ := s.Find("name", "ab"); len(ids) != 1 {
		t.Fatalf("find: %v", ids)
	}
	if ids, _ := s.IDs("business"); len(ids) != 1 {
		t.Fatalf("ids: %v", ids)
	}
	// A normal update afterwards replaces the terms.
	w2 := Write{Version: Version{ID: "B-FRESH", Kind: "business", Rev: "0002", Blob: []byte("y")}, Terms: []Term{{"name", "cd"}}}
	if err := s.Commit(Batch{Writes: []Write{w2}}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.Find("name", "ab"); len(ids) != 0 {
		t.Fatalf("old term kept: %v", ids)
	}
}
