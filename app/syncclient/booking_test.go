package syncclient

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeRequestsPage(t *testing.T) {
	for _, c := range []struct {
		name  string
		raw   string
		after uint64
		ok    bool
	}{
		{"empty", `{"requests":[],"next":7,"more":false}`, 7, true},
		{"two", `{"requests":[{"cursor":8,"ref":"WB-1"},{"cursor":9,"ref":"WB-2"}],"next":9,"more":true}`, 7, true},
		{"not json", `<html>`, 0, false},
		{"cursor not above after", `{"requests":[{"cursor":7}],"next":7}`, 7, false},
		{"cursors going back", `{"requests":[{"cursor":9},{"cursor":8}],"next":9}`, 7, false},
		{"next not the last", `{"requests":[{"cursor":8}],"next":12}`, 7, false},
		{"next going back", `{"requests":[],"next":3}`, 7, false},
		{"more on an empty page", `{"requests":[],"next":7,"more":true}`, 7, false},
		{"too many", `{"requests":[` + strings.Repeat(`{"cursor":1},`, maxRequestsPage) + `{"cursor":1}],"next":1}`, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeRequestsPage([]byte(c.raw), c.after)
			if (err == nil) != c.ok {
				t.Fatalf("err %v, want ok %v", err, c.ok)
			}
			if err != nil && !errors.Is(err, ErrRefused) {
				t.Errorf("%v does not match ErrRefused", err)
			}
		})
	}
}

func FuzzDecodeRequestsPage(f *testing.F) {
	f.Add([]byte(`{"requests":[{"cursor":8,"ref":"WB-1","sealed":"AAAA"}],"next":8}`), uint64(7))
	f.Add([]byte(`{"requests":[],"next":0}`), uint64(0))
	f.Add([]byte(`{"requests":null}`), uint64(3))
	f.Fuzz(func(t *testing.T, raw []byte, after uint64) {
		p, err := decodeRequestsPage(raw, after)
		if err != nil {
			return
		}
		if p.Next < after || len(p.Requests) > maxRequestsPage {
			t.Fatalf("accepted next %d after %d with %d requests", p.Next, after, len(p.Requests))
		}
		last := after
		for _, r := range p.Requests {
			if r.Cursor <= last {
				t.Fatalf("accepted cursor %d after %d", r.Cursor, last)
			}
			last = r.Cursor
		}
	})
}
