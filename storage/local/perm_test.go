//go:build unix

package local

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fileModes returns the mode of every file in dir by name, leaving out
// files Badger removes meanwhile.
func fileModes(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]fs.FileMode{}
	for _, e := range entries {
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		modes[e.Name()] = fi.Mode()
	}
	return modes
}

// countSuffix counts the names in modes that end in suffix.
func countSuffix(modes map[string]fs.FileMode, suffix string) int {
	n := 0
	for name := range modes {
		if strings.HasSuffix(name, suffix) {
			n++
		}
	}
	return n
}

// TestFileModes makes Badger create tables, memtable logs and value log
// files under the usual umask 022 and checks that every file of the store
// is 0600 (while open, and after Close) and the directory 0700. It writes
// some 30 MB.
func TestFileModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			s.Close()
		}
	}()
	checkModes := func(when string, modes map[string]fs.FileMode) {
		t.Helper()
		for name, m := range modes {
			if m.Perm() != 0o600 || !m.IsRegular() {
				t.Errorf("%s: %s has mode %v, want -rw-------", when, name, m)
			}
		}
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: directory mode %v, want 0700", when, fi.Mode().Perm())
		}
	}
	checkModes("after Open", fileModes(t, dir))

	// Values below the value threshold fill memtables, which Badger flushes
	// into tables; values above it fill value log files.
	small := bytes.Repeat([]byte("s"), valueThreshold-1024)
	large := bytes.Repeat([]byte("L"), 1<<20)
	for i := 0; ; i++ {
		blob := small
		if i%8 == 7 {
			blob = large
		}
		mustCommit(t, s, Write{Version: Version{ID: fmt.Sprintf("r%04d", i), Kind: "k", Rev: "1", Blob: blob}})
		modes := fileModes(t, dir)
		if countSuffix(modes, ".sst") > 0 && countSuffix(modes, ".vlog") > 1 {
			break
		}
		if i > 2000 {
			t.Fatalf("no table and second value log after %d writes: %v", i, modes)
		}
	}
	// Files that exist before a Commit have their mode fixed when it returns.
	before := fileModes(t, dir)
	mustCommit(t, s, write("last", "k", "1"))
	after := fileModes(t, dir)
	for name := range after {
		if _, ok := before[name]; !ok {
			delete(after, name) // made by Badger since
		}
	}
	checkModes("while open", after)

	closed = true
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkModes("after Close", fileModes(t, dir))
}
