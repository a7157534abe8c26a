package centraltest

import (
	"fmt"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// BenchEnvelopeSize is the size of a benchmark envelope: a consultation
// record's contact part sealed, roughly.
const BenchEnvelopeSize = 1500

// BenchPush measures pushes of batches of 1000 new envelopes of one device.
func BenchPush(b *testing.B, be Backend) {
	s := be.Open(b)
	d := found(b, s)
	b.SetBytes(1000 * BenchEnvelopeSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bt := d.batch(fmt.Sprintf("B%d", i), 1000, BenchEnvelopeSize)
		b.StartTimer()
		if _, err := s.Push(b.Context(), bt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "envelopes/s")
}

// BenchPull measures pulls of pages of 1000 envelopes from an office of
// 20,000 (one op = one page).
func BenchPull(b *testing.B, be Backend) {
	s := be.Open(b)
	d := found(b, s)
	const total = 20_000
	for i := 0; i < total/1000; i++ {
		if _, err := s.Push(b.Context(), d.batch(fmt.Sprintf("B%d", i), 1000, BenchEnvelopeSize)); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(1000 * BenchEnvelopeSize)
	b.ResetTimer()
	var after uint64
	for i := 0; i < b.N; i++ {
		p, err := s.Pull(b.Context(), d.office, after, central.MaxPage)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Envelopes) != 1000 {
			b.Fatalf("page of %d envelopes", len(p.Envelopes))
		}
		after = p.Next % total
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "envelopes/s")
}
