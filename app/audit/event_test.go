package audit

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestGoldenEventV1 is the known-answer test of the canonical encoding: the
// expected hash in testdata was computed by an independent implementation.
func TestGoldenEventV1(t *testing.T) {
	data, err := os.ReadFile("testdata/event_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	e, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	const want = "90b9d26efba6d30c9fa2afd97b9e8b5c0b683f9dfa4dcf84bc2d78e8a20cecae"
	if got := e.ComputeHash(); got != want || e.Hash != want {
		t.Errorf("ComputeHash = %s, stored %s, want %s", got, e.Hash, want)
	}
	fixed := Event{
		Seq: 1, At: time.Date(2026, 10, 1, 9, 30, 15, 123456789, time.FixedZone("JST", 9*3600)),
		User: "sato", Device: "dev-01", Action: ActViewCase, Object: "C-2026-0001", Detail: "相談記録を表示",
	}
	next := Head{}.Next(fixed)
	if next.Hash != want || next.At.Location() != time.UTC {
		t.Errorf("Next = %+v, want hash %s in UTC", next, want)
	}
	if got := next.Marshal(); !bytes.Equal(got, data) {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, data)
	}
	if err := NewVerifier().Add(1, data); err != nil {
		t.Error(err)
	}
}

func TestUnmarshalRefuses(t *testing.T) {
	good := string(chain(t, 2)[1])
	e, err := Unmarshal([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	withHash := func(h string) string {
		e := e
		e.Hash = h
		return string(e.Marshal())
	}
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"not an object", "[]"},
		{"unknown field", strings.Replace(good, `"seq"`, `"name":"やまだ","seq"`, 1)},
		{"trailing data", good + "{}"},
		{"short hash", withHash(e.Hash[:62])},
		{"upper-case hash", withHash(strings.ToUpper(e.Hash))},
		{"no hash", withHash("")},
		{"bad prev", strings.Replace(good, `"prev":"`, `"prev":"x`, 1)},
		{"bad time", strings.Replace(good, `"at":"2026`, `"at":"20260`, 1)},
		{"negative seq", strings.Replace(good, `"seq":2`, `"seq":-2`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.data == good {
				t.Fatal("test case did not change the event")
			}
			if _, err := Unmarshal([]byte(tt.data)); !errors.Is(err, ErrMalformed) {
				t.Errorf("Unmarshal = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestHeadAfter(t *testing.T) {
	h := Head{Seq: 41, Hash: strings.Repeat("ab", 32)}
	e := h.Next(Event{At: time.Now(), User: "u", Action: ActLoginOK})
	if e.Seq != 42 || e.Prev != h.Hash || e.HeadAfter() != (Head{42, e.Hash}) {
		t.Errorf("Next/HeadAfter = %+v", e)
	}
}

func FuzzUnmarshal(f *testing.F) {
	golden, err := os.ReadFile("testdata/event_v1.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	for _, d := range chain(f, 3) {
		f.Add(d)
	}
	f.Add([]byte(`{"seq":1,"at":"2026-10-01T09:00:00+09:00","user":"\u00e9","device":"","action":"","object":"","detail":"<&>","prev":"","hash":"` + strings.Repeat("0", 64) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Unmarshal(data)
		if err != nil {
			return
		}
		again, err := Unmarshal(e.Marshal())
		if err != nil {
			t.Fatalf("re-marshalled event refused: %v", err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", e, again)
		}
		_ = NewVerifier().Add(e.Seq, data)
	})
}
