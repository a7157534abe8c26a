//go:build linux

package local

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// mappedKB sums the resident kB of this process's mappings of files under dir.
func mappedKB(t *testing.T, dir string) int {
	t.Helper()
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	defer f.Close()
	kb, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fs := strings.Fields(line); len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":") {
			in = len(fs) >= 6 && strings.HasPrefix(fs[5], dir+"/")
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			kb += n
		}
	}
	return kb
}

// kernelAtLeast reports whether the running kernel is at least major.minor.
func kernelAtLeast(major, minor int) bool {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return false
	}
	var b strings.Builder
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b.WriteByte(byte(c))
	}
	var ma, mi int
	if _, err := fmt.Sscanf(b.String(), "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

// TestReleaseGivesBackMappedPages reads every record of a store whose
// tables are on disk and checks that Release takes the table pages those
// reads left resident out of the process, and that the records still read
// the same afterwards.
func TestReleaseGivesBackMappedPages(t *testing.T) {
	if !kernelAtLeast(5, 4) {
		t.Skip("MADV_PAGEOUT needs Linux 5.4")
	}
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	const n = 15000
	ws := make([]Write, n)
	for i := range ws {
		ws[i] = Write{Version: Version{ID: fmt.Sprintf("r%06d", i), Kind: "business", Rev: "0001", Blob: envelope(i)}, Terms: sixTerms(i)}
	}
	if err := s.CommitMany(ws, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // the memtable goes to table files
		t.Fatal(err)
	}
	s, err = Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read := func() {
		t.Helper()
		for i := range n {
			v, err := s.Head(fmt.Sprintf("r%06d", i))
			if err != nil || string(v.Blob) != string(envelope(i)) {
				t.Fatalf("Head r%06d: %v", i, err)
			}
		}
	}
	read()
	before := mappedKB(t, dir)
	if before < 1024 {
		t.Fatalf("only %d kB of the store resident after reading it all: the test reads nothing through the maps", before)
	}
	if err := s.Release(); err != nil {
		t.Fatal(err)
	}
	after := mappedKB(t, dir)
	t.Logf("store pages resident: %d kB after reading, %d kB after Release", before, after)
	if after > before/4 {
		t.Errorf("Release left %d of %d kB resident", after, before)
	}
	read()
}
