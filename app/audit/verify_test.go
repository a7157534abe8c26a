package audit

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// chain returns n encoded events linked from seq 1.
func chain(t testing.TB, n int) [][]byte {
	t.Helper()
	var h Head
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	out := make([][]byte, n)
	for i := range out {
		e := h.Next(Event{
			At: start.Add(time.Duration(i) * time.Minute), User: fmt.Sprintf("user%d", i%3), Device: "dev-01",
			Action: ActViewCase, Object: fmt.Sprintf("C-%04d", i), Detail: "<表示>",
		})
		out[i] = e.Marshal()
		h = e.HeadAfter()
	}
	return out
}

// verify walks events stored under seqs and returns the first error.
func verify(seqs []uint64, data [][]byte) (*Verifier, error) {
	v := NewVerifier()
	for i, d := range data {
		if err := v.Add(seqs[i], d); err != nil {
			return v, err
		}
	}
	return v, nil
}

func ascending(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i + 1)
	}
	return s
}

func TestChainVerifies(t *testing.T) {
	data := chain(t, 100)
	v, err := verify(ascending(100), data)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := Unmarshal(data[99])
	if v.Count() != 100 || v.Head() != last.HeadAfter() {
		t.Errorf("Count = %d, Head = %+v", v.Count(), v.Head())
	}
}

// TestEveryByteChangeIsFound changes every byte of three events in turn, and
// a random byte of every event, to every other value in a sample.
func TestEveryByteChangeIsFound(t *testing.T) {
	orig := chain(t, 100)
	rng := rand.New(rand.NewPCG(1, 2))
	type change struct{ event, pos int }
	var changes []change
	for _, ev := range []int{0, 49, 99} {
		for pos := range orig[ev] {
			changes = append(changes, change{ev, pos})
		}
	}
	for ev := range orig {
		changes = append(changes, change{ev, rng.IntN(len(orig[ev]))})
	}
	// before[i] is the state after verifying the events before event i; a
	// copy of it continues the walk at the changed event.
	before := make([]Verifier, len(orig))
	v := NewVerifier()
	for i, d := range orig {
		before[i] = *v
		if err := v.Add(uint64(i+1), d); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range changes {
		for _, delta := range []byte{1, 0x20, 0x80, byte(1 + rng.IntN(255))} {
			data := append([]byte(nil), orig[c.event]...)
			data[c.pos] += delta
			v := before[c.event]
			err := v.Add(uint64(c.event+1), data)
			var bl *BrokenLink
			if !errors.As(err, &bl) || bl.Seq != uint64(c.event+1) {
				t.Fatalf("event %d byte %d +%#x: err = %v, want broken link at seq %d", c.event+1, c.pos, delta, err, c.event+1)
			}
		}
	}
}

func TestBrokenChains(t *testing.T) {
	orig := chain(t, 10)
	e5, _ := Unmarshal(orig[4])
	rehashed := e5
	rehashed.Detail = "書き換え"
	rehashed.Hash = rehashed.ComputeHash()

	tests := []struct {
		name   string
		edit   func(seqs []uint64, data [][]byte) ([]uint64, [][]byte)
		seq    uint64
		reason string
		count  int // events verified before the break
	}{
		{"deleted event", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			return append(s[:4:4], s[5:]...), append(d[:4:4], d[5:]...)
		}, 6, ReasonGap, 4},
		{"reordered pair", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			s[4], s[5], d[4], d[5] = s[5], s[4], d[5], d[4]
			return s, d
		}, 6, ReasonGap, 4},
		{"swapped data under the same seqs", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			d[4], d[5] = d[5], d[4]
			return s, d
		}, 5, ReasonGap, 4},
		{"edited and rehashed", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			d[4] = rehashed.Marshal()
			return s, d
		}, 6, ReasonPrev, 5},
		{"edited, hash kept", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			e := rehashed
			e.Hash = e5.Hash
			d[4] = e.Marshal()
			return s, d
		}, 5, ReasonHash, 4},
		{"garbage", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			d[2] = []byte("{")
			return s, d
		}, 3, ReasonUnreadable, 2},
		{"first event missing", func(s []uint64, d [][]byte) ([]uint64, [][]byte) {
			return s[1:], d[1:]
		}, 2, ReasonGap, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seqs, data := tt.edit(ascending(10), append([][]byte(nil), orig...))
			v, err := verify(seqs, data)
			var bl *BrokenLink
			if !errors.As(err, &bl) || bl.Seq != tt.seq || bl.Reason != tt.reason {
				t.Fatalf("err = %v, want %d: %s", err, tt.seq, tt.reason)
			}
			if v.Count() != tt.count {
				t.Errorf("Count = %d, want %d", v.Count(), tt.count)
			}
			if again := v.Add(99, orig[0]); again != err {
				t.Errorf("Add after a break = %v, want the first error", again)
			}
		})
	}
}
