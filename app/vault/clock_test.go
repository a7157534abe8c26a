package vault

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClockMonotonic(t *testing.T) {
	walls := []int64{1000, 1000, 999, 500, 1001, 1001, 2000, 10}
	i := 0
	c := NewClock("dev", func() time.Time { w := walls[i%len(walls)]; i++; return time.UnixMilli(w) })
	prev := Rev{}
	for range 3 * len(walls) {
		r := c.Next()
		if r.Compare(prev) <= 0 || r.Device != "dev" {
			t.Fatalf("%v not after %v", r, prev)
		}
		prev = r
	}
}

func TestClockCounterOverflow(t *testing.T) {
	c := NewClock("d", func() time.Time { return time.UnixMilli(5) })
	c.Observe(Rev{Wall: 5, Counter: math.MaxUint32})
	if r := c.Next(); r != (Rev{Wall: 6, Device: "d"}) {
		t.Fatalf("got %v", r)
	}
}

func TestClockObserve(t *testing.T) {
	tests := []struct {
		name     string
		observed Rev
		want     Rev
	}{
		{"remote ahead", Rev{Wall: 9000, Counter: 7, Device: "zzz"}, Rev{Wall: 9000, Counter: 8, Device: "d"}},
		{"remote behind", Rev{Wall: 10, Counter: 7, Device: "zzz"}, Rev{Wall: 5000, Device: "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock("d", func() time.Time { return time.UnixMilli(5000) })
			c.Observe(tt.observed)
			if r := c.Next(); r != tt.want || r.Compare(tt.observed) <= 0 {
				t.Fatalf("got %v, want %v", r, tt.want)
			}
		})
	}
}

func TestClockConcurrent(t *testing.T) {
	c := NewClock("d", nil)
	var mu sync.Mutex
	seen := map[Rev]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				r := c.Next()
				mu.Lock()
				seen[r] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 1600 {
		t.Fatalf("%d distinct revs, want 1600", len(seen))
	}
}

func TestRevStringOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	devices := []string{"a1b2c3d4", "a1b2c3d5", "00000000", "ffffffff"}
	revs := make([]Rev, 2000)
	for i := range revs {
		revs[i] = Rev{Wall: rng.Int64N(1 << 50), Counter: rng.Uint32N(4), Device: devices[rng.IntN(len(devices))]}
		if i%3 == 0 && i > 0 {
			revs[i].Wall = revs[i-1].Wall // many equal walls
		}
	}
	byCompare := slices.SortedFunc(slices.Values(revs), Rev.Compare)
	byString := slices.SortedFunc(slices.Values(revs), func(a, b Rev) int { return strings.Compare(a.String(), b.String()) })
	for i := range revs {
		if byCompare[i].Compare(byString[i]) != 0 {
			t.Fatalf("order differs at %d: %v vs %v", i, byCompare[i], byString[i])
		}
	}
}

func TestParseRev(t *testing.T) {
	tests := []struct {
		s    string
		want Rev
		err  error
	}{
		{"000000000000000a-0000000b-dev", Rev{Wall: 10, Counter: 11, Device: "dev"}, nil},
		{"0000000000000000-00000000-", Rev{}, nil},
		{"7fffffffffffffff-ffffffff-x-y", Rev{Wall: math.MaxInt64, Counter: math.MaxUint32, Device: "x-y"}, nil},
		{"000000000000000A-0000000b-dev", Rev{}, ErrMalformed},
		{"8000000000000000-00000000-d", Rev{}, ErrMalformed},
		{"00000000000000a-0000000b-dev", Rev{}, ErrMalformed},
		{"000000000000000a-0000000b-d v", Rev{}, ErrMalformed},
		{"+00000000000000a-0000000b-dev", Rev{}, ErrMalformed},
		{"", Rev{}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			got, err := ParseRev(tt.s)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("ParseRev = %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
			if err == nil && got.String() != tt.s {
				t.Errorf("String = %q", got.String())
			}
		})
	}
}

func TestRevIsZero(t *testing.T) {
	if !(Rev{}).IsZero() || (Rev{Device: "d"}).IsZero() || testRev.IsZero() {
		t.Error("IsZero wrong")
	}
}
