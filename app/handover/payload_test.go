package handover

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func samplePayload(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	h := Header{Office: "テスト窓口", DocID: "L-0000000001", ExportedAt: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC),
		By: "kantoku", ByName: "監督 花子", Recipient: "区 産業振興課", Counts: map[string]int{"business": 1, "consultation": 1}}
	w, err := NewPayloadWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []Item{
		{Kind: "business", Record: json.RawMessage(`{"id":"B-1","name":"テスト商店"}`)},
		{Kind: "consultation", Record: json.RawMessage(`{"id":"C-1"}`), Case: json.RawMessage(`{"summary":"資金繰り"}`)},
	} {
		if err := w.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestPayloadRoundTrip(t *testing.T) {
	h, items, err := ReadPayload(bytes.NewReader(samplePayload(t)))
	if err != nil {
		t.Fatal(err)
	}
	if h.Format != Format || h.Version != PayloadVersion || h.Recipient != "区 産業振興課" || len(items) != 2 {
		t.Fatalf("header %+v, %d items", h, len(items))
	}
	if !reflect.DeepEqual(items[1].Case, json.RawMessage(`{"summary":"資金繰り"}`)) {
		t.Fatalf("case part %s", items[1].Case)
	}
}

func TestPayloadRefused(t *testing.T) {
	good := string(samplePayload(t))
	lines := strings.SplitAfter(good, "\n")
	cases := map[string]string{
		"empty":             "",
		"not JSON":          "hello\n",
		"other format":      strings.Replace(good, Format, "other", 1),
		"newer version":     strings.Replace(good, `"version":1`, `"version":2`, 1),
		"unknown field":     strings.Replace(good, `"office"`, `"extra":1,"office"`, 1),
		"record missing":    lines[0] + lines[1] + "{\"kind\":\"business\"}\n",
		"count too high":    lines[0] + lines[1],
		"kind not counted":  good + "{\"kind\":\"dispatch\",\"record\":{}}\n",
		"two values a line": lines[0] + strings.TrimSuffix(lines[1], "\n") + " {}\n" + lines[2],
		"not UTF-8":         lines[0] + "{\"kind\":\"business\",\"record\":{\"x\":\"\xff\"}}\n" + lines[2],
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, _, err := ReadPayload(strings.NewReader(in)); !errors.Is(err, ErrPayload) {
				t.Fatalf("got %v, want ErrPayload", err)
			}
		})
	}
}

// FuzzReadPayload: no input makes the reader panic, and what it accepts
// has counts that match its items.
func FuzzReadPayload(f *testing.F) {
	f.Add(samplePayload(f))
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, items, err := ReadPayload(bytes.NewReader(in))
		if err != nil {
			return
		}
		n := 0
		for _, c := range h.Counts {
			n += c
		}
		if n != len(items) {
			t.Fatalf("accepted %d items with counts %v", len(items), h.Counts)
		}
	})
}
