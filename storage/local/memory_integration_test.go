//go:build integration

package local

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vmRSSMB reads the resident set size of this process from /proc.
func vmRSSMB(t *testing.T) float64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if kb, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return float64(n) / 1024
		}
	}
	t.Fatal("no VmRSS line")
	return 0
}

// TestMemoryAfter100kVersions writes 100k versions (25k records, four
// revisions each, six terms per head) and logs the resident memory, which
// must stay well below Badger's default profile (670–830 MB).
func TestMemoryAfter100kVersions(t *testing.T) {
	s := openTest(t)
	before := vmRSSMB(t)
	const records, revs = 25000, 4
	start := time.Now()
	for r := range revs {
		ws := make([]Write, records)
		for i := range ws {
			ws[i] = Write{
				Version: Version{ID: fmt.Sprintf("r%08d", i), Kind: "business", Rev: fmt.Sprintf("%04d", r), Blob: envelope(i + r)},
				Terms:   sixTerms(i + r*records),
			}
		}
		if err := s.CommitMany(ws, nil); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	afterWrite := vmRSSMB(t)
	runtime.GC()
	debug.FreeOSMemory()
	time.Sleep(5 * time.Second)
	afterIdle := vmRSSMB(t)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("100k versions in %v (%.0f/s, batched); VmRSS before %.0f MB, after writing %.0f MB, after GC and 5 s idle %.0f MB; Go heap in use %.0f MB, Go sys %.0f MB",
		elapsed.Round(time.Millisecond), float64(records*revs)/elapsed.Seconds(), before, afterWrite, afterIdle,
		float64(ms.HeapInuse)/(1<<20), float64(ms.Sys)/(1<<20))
	if n, _ := s.Count("business"); n != records {
		t.Errorf("Count = %d", n)
	}
	if afterIdle > 300 {
		t.Errorf("resident memory %.0f MB after idle, want below 300 MB", afterIdle)
	}
}
