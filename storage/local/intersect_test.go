package local

import (
	"fmt"
	"slices"
	"testing"
)

func TestIntersect(t *testing.T) {
	s := openTest(t)
	var ws []Write
	for i := 0; i < 300; i++ {
		var ts []Term
		for _, m := range []int{2, 3, 5} {
			if i%m == 0 {
				ts = append(ts, Term{"blind", fmt.Sprintf("tok%d", m)})
			}
		}
		ws = append(ws, Write{Version: Version{ID: fmt.Sprintf("C-%04d", i), Kind: "c", Rev: "1", Blob: []byte("x")}, Terms: ts})
	}
	if err := s.CommitMany(ws, nil); err != nil {
		t.Fatal(err)
	}
	want := func(limit int, ms ...int) []string {
		var out []string
		for i := 0; i < 300; i++ {
			ok := true
			for _, m := range ms {
				ok = ok && i%m == 0
			}
			if ok && (limit <= 0 || len(out) < limit) {
				out = append(out, fmt.Sprintf("C-%04d", i))
			}
		}
		return out
	}
	tests := []struct {
		name   string
		values []string
		limit  int
		want   []string
	}{
		{"one term", []string{"tok5"}, 0, want(0, 5)},
		{"two terms", []string{"tok2", "tok3"}, 0, want(0, 2, 3)},
		{"three terms", []string{"tok2", "tok3", "tok5"}, 0, want(0, 2, 3, 5)},
		{"limit", []string{"tok2", "tok3"}, 4, want(4, 2, 3)},
		{"missing term", []string{"tok2", "nothing"}, 0, nil},
		{"no terms", nil, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Intersect("blind", tc.values, "", tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	// Pages continue after the last id of the previous page.
	page1, _ := s.Intersect("blind", []string{"tok2", "tok3"}, "", 3)
	page2, _ := s.Intersect("blind", []string{"tok2", "tok3"}, page1[2], 3)
	if all := want(6, 2, 3); !slices.Equal(append(page1, page2...), all) {
		t.Fatalf("pages %v %v, want %v", page1, page2, all)
	}
	// A term that is a prefix of another must not match its ids.
	if got, _ := s.Intersect("blind", []string{"tok"}, "", 0); len(got) != 0 {
		t.Fatalf("prefix term matched: %v", got)
	}
}
