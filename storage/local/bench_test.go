package local

import (
	"fmt"
	"testing"
)

// sixTerms returns the kind of term set a business record has.
func sixTerms(i int) []Term {
	return []Term{
		{"name", fmt.Sprintf("やまだ商店%06d", i)},
		{"kana", fmt.Sprintf("ヤマダショウテン%06d", i)},
		{"phone", fmt.Sprintf("03%08d", i)},
		{"date", fmt.Sprintf("2026-%02d-%02d", i%12+1, i%28+1)},
		{"blind", fmt.Sprintf("%016x", i*7919)},
		{"blind", fmt.Sprintf("%016x", i*104729)},
	}
}

func envelope(i int) []byte {
	b := make([]byte, 600)
	for j := range b {
		b[j] = byte(i + j)
	}
	return b
}

// BenchmarkCommit measures one synced transaction holding one write with six
// terms and one audit entry, as a save in the UI does.
func BenchmarkCommit(b *testing.B) {
	s := openTest(b)
	i := 0
	for b.Loop() {
		i++
		w := Write{Version: Version{ID: fmt.Sprintf("r%08d", i), Kind: "business", Rev: "0001", Blob: envelope(i)}, Terms: sixTerms(i)}
		if err := s.Commit(Batch{Writes: []Write{w}, Audit: []AuditEntry{{Seq: uint64(i), Data: envelope(i)[:200]}}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindPrefix searches a name prefix among 20k records with six
// terms each, limited to 50 hits as the search screen asks.
func BenchmarkFindPrefix(b *testing.B) {
	s := openTest(b)
	ws := make([]Write, 20000)
	for i := range ws {
		ws[i] = Write{Version: Version{ID: fmt.Sprintf("r%08d", i), Kind: "business", Rev: "0001", Blob: envelope(i)}, Terms: sixTerms(i)}
	}
	if err := s.CommitMany(ws, nil); err != nil {
		b.Fatal(err)
	}
	tests := []struct {
		prefix string
		limit  int
	}{
		{"やまだ商店0123", 0}, // 10 hits
		{"やまだ商店01", 50},  // 1000 matching, 50 returned
		{"やまだ商店", 0},     // all 20k
	}
	for _, tt := range tests {
		b.Run(fmt.Sprintf("%s/limit=%d", tt.prefix, tt.limit), func(b *testing.B) {
			for b.Loop() {
				ids, err := s.FindPrefix("name", tt.prefix, tt.limit)
				if err != nil || len(ids) == 0 {
					b.Fatal(len(ids), err)
				}
			}
		})
	}
}
