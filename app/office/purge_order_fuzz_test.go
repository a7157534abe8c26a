package office

import (
	"reflect"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// FuzzUnmarshalPurgeOrder: an order comes from sync (another PC's push),
// so its decoder takes any bytes without panicking, accepts only well-formed
// orders, and what it accepts encodes and decodes to the same order.
func FuzzUnmarshalPurgeOrder(f *testing.F) {
	good := &PurgeOrder{Office: "o-1", By: "kantoku", At: time.Date(2026, 10, 1, 1, 0, 0, 5, time.UTC), Reason: ReasonRetention,
		Items: []PurgeItem{{ID: "B-0123456789", Kind: record.KindBusiness, Versions: 2, Last: "2020-04-01"},
			{ID: "C-0123456789", Kind: record.KindConsultation, Versions: 3}}, Sig: []byte{1, 2, 3}}
	f.Add(good.Marshal())
	f.Add([]byte(`{"office":"o","by":"x","at":"2026-10-01T00:00:00Z","reason":"request","items":[],"sig":"AA=="}`))
	f.Add([]byte(`{"office":"o"} {}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := UnmarshalPurgeOrder(b)
		if err != nil {
			return
		}
		if err := p.WellFormed(); err != nil {
			t.Fatalf("accepted an order that is not well formed: %v", err)
		}
		q, err := UnmarshalPurgeOrder(p.Marshal())
		if err != nil {
			t.Fatalf("re-encoded order refused: %v", err)
		}
		if !reflect.DeepEqual(p, q) || p.Hash() != q.Hash() {
			t.Fatalf("round trip changed the order:\n%+v\n%+v", p, q)
		}
	})
}
