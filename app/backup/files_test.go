package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testFiles are the files of a files backup: empty, small, one piece
// exactly, and several chunks.
var testFiles = []struct {
	name string
	data []byte
}{
	{"MANIFEST", []byte("manifest bytes")},
	{"DISCARD", nil},
	{"000001.sst", bytes.Repeat([]byte("t1"), filePiece/2)},
	{"000002.sst", bytes.Repeat([]byte{0xa5, 0x5a, 0x01}, 70000)},
}

// writeFiles makes a files backup of testFiles (plus extra names, each
// with one byte) in a file under t.TempDir and opens it.
func writeFiles(t *testing.T, extra ...string) *File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "files.mdgbak")
	h := testHeader()
	h.Kind, h.ChunkSize = KindVaultFiles, 4096
	_, _, err := WriteFile(path, func(f io.Writer) (int, error) {
		w, err := NewWriter(f, h, testKey)
		if err != nil {
			return 0, err
		}
		for _, tf := range testFiles {
			if n, err := w.File(tf.name, bytes.NewReader(tf.data)); err != nil || n != int64(len(tf.data)) {
				return 0, fmt.Errorf("file %s: %d bytes, %v", tf.name, n, err)
			}
		}
		for _, name := range extra {
			if _, err := w.File(name, strings.NewReader("x")); err != nil {
				return 0, err
			}
		}
		return 0, w.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	bf, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bf.Close() })
	return bf
}

func validTestName(name string) bool { return !strings.ContainsAny(name, `/\`) && name != ".." }

func TestFilesRoundTrip(t *testing.T) {
	bf := writeFiles(t)
	if err := bf.Check(context.Background(), testKey, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var last int64
	n, err := bf.Files(context.Background(), testKey, dir, validTestName, func(done, total int64) {
		if done < last || done > total {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
	})
	if err != nil || n != len(testFiles) {
		t.Fatalf("wrote %d files, %v", n, err)
	}
	if last != bf.Size() {
		t.Errorf("progress ended at %d of %d", last, bf.Size())
	}
	for _, tf := range testFiles {
		got, err := os.ReadFile(filepath.Join(dir, tf.name))
		if err != nil || !bytes.Equal(got, tf.data) {
			t.Errorf("%s: %d bytes, %v; want %d", tf.name, len(got), err, len(tf.data))
		}
		if fi, err := os.Stat(filepath.Join(dir, tf.name)); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", tf.name, fi.Mode())
		}
	}
}

// TestFilesNamesRefused plays a backup written with the file key that
// names a path outside the folder, or one file twice: nothing is written
// outside the folder.
func TestFilesNamesRefused(t *testing.T) {
	for _, name := range []string{"../escape", "sub/000003.sst", "MANIFEST"} {
		t.Run(name, func(t *testing.T) {
			bf := writeFiles(t, name)
			parent := t.TempDir()
			dir := filepath.Join(parent, "store")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := bf.Files(context.Background(), testKey, dir, validTestName, nil)
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("err = %v, want ErrDamaged", err)
			}
			if _, err := os.Stat(filepath.Join(parent, "escape")); err == nil {
				t.Fatal("a file was written outside the folder")
			}
		})
	}
}

// TestCheckFindsEveryChange flips a byte in every chunk and in the header,
// cuts the file at several places and appends to it: Check refuses each.
func TestCheckFindsEveryChange(t *testing.T) {
	bf := writeFiles(t)
	orig, err := os.ReadFile(bf.f.Name())
	if err != nil {
		t.Fatal(err)
	}
	check := func(b []byte) error {
		path := filepath.Join(t.TempDir(), "changed.mdgbak")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Check(context.Background(), testKey, nil)
	}
	if err := check(orig); err != nil {
		t.Fatal(err)
	}
	for at := 0; at < len(orig); at += 997 {
		b := bytes.Clone(orig)
		b[at] ^= 0x10
		if err := check(b); err == nil {
			t.Fatalf("a byte changed at %d of %d passed", at, len(orig))
		}
	}
	sealed := int(4096 + 16)
	body := len(bf.raw)
	for _, cut := range []int{len(orig) - 1, len(orig) - 16, body + sealed, body + 2*sealed, body + 5} {
		if err := check(orig[:cut]); err == nil {
			t.Fatalf("the file cut at %d of %d passed", cut, len(orig))
		}
	}
	if err := check(append(bytes.Clone(orig), make([]byte, 16)...)); err == nil {
		t.Fatal("16 bytes added passed")
	}
	wrong := bytes.Repeat([]byte{8}, 32)
	if err := bf.Check(context.Background(), wrong, nil); !errors.Is(err, ErrDamaged) {
		t.Fatalf("wrong key: %v", err)
	}
}
