package local

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

// openTest opens a fresh store in a temporary directory and closes it at
// the end of the test.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store"), testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenCloseReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", s.Dir(), dir)
	}
	w := Write{Version: Version{ID: "r1", Kind: "business", Rev: "0001", Blob: []byte("b1")}}
	if err := s.Commit(Batch{Writes: []Write{w}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Head("r1")
	if err != nil || !bytes.Equal(got.Blob, []byte("b1")) {
		t.Fatalf("Head after reopen = %+v, %v", got, err)
	}
}

func TestDirMode(t *testing.T) {
	tests := []struct {
		name  string
		setup func(dir string) error
	}{
		{"new directory", func(string) error { return nil }},
		{"existing open directory", func(dir string) error { return os.Mkdir(dir, 0o755) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir, testKey(1), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != 0o700 {
				t.Errorf("mode = %o, want 700", got)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  []byte
		open bool // whether the first store is still open
		want error
	}{
		{"second opener in the same process", testKey(1), true, ErrLocked},
		{"short key", []byte("short"), true, ErrInvalid},
		{"wrong key", testKey(2), false, ErrWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.open && s != nil {
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				s = nil
			}
			s2, err := Open(dir, tt.key, Options{})
			if !errors.Is(err, tt.want) {
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
			if s2 != nil {
				s2.Close()
			}
		})
	}
	if s != nil {
		s.Close()
	}
	// The right key still opens the store after the failed attempts.
	s, err = Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatalf("reopen with the right key: %v", err)
	}
	s.Close()
}

func TestReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if _, err := Open(dir, testKey(1), Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing store succeeded")
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, testKey(1), Options{ReadOnly: true}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("read-only open of an empty directory = %v, want %v", err, fs.ErrNotExist)
	}
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(Batch{Meta: map[string][]byte{"k": []byte("v")}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := Open(dir, testKey(1), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if b, err := r.Meta("k"); err != nil || string(b) != "v" {
		t.Errorf("Meta = %q, %v", b, err)
	}
}
