package embedded

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/centraltest"
)

// dirs remembers the directory of each open Store of the tests.
var dirs = map[central.Store]string{}

func open(tb testing.TB, dir string) central.Store {
	tb.Helper()
	s, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	dirs[s] = dir
	tb.Cleanup(func() { s.Close() })
	return s
}

func backend() centraltest.Backend {
	return centraltest.Backend{
		Open: func(tb testing.TB) central.Store { return open(tb, filepath.Join(tb.TempDir(), "central")) },
		Reopen: func(tb testing.TB, s central.Store) central.Store {
			if err := s.Close(); err != nil {
				tb.Fatal(err)
			}
			return open(tb, dirs[s])
		},
		Raw: func(tb testing.TB, s central.Store) []byte {
			if err := s.Close(); err != nil {
				tb.Fatal(err)
			}
			return readDir(tb, dirs[s])
		},
	}
}

// readDir returns the bytes of every file under dir.
func readDir(tb testing.TB, dir string) []byte {
	var all []byte
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		all = append(all, b...)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return all
}

func TestConformance(t *testing.T) { centraltest.Run(t, backend()) }

func BenchmarkPush1000(b *testing.B) { centraltest.BenchPush(b, backend()) }
func BenchmarkPullPage(b *testing.B) { centraltest.BenchPull(b, backend()) }
