package local

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damageRecords is the number of records in a damage test store; every
// 100th has a blob large enough for the value log.
const damageRecords = 600

// damageBase builds a store and returns its files: cleanly closed, or for
// crashed as they were while the store was open after more writes (what a
// power cut leaves: a memtable log, a LOCK file, no CLEAN-CLOSE).
func damageBase(t *testing.T, crashed bool) storeImage {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ws []Write
	for i := range damageRecords {
		w := write(fmt.Sprintf("r%04d", i), "business", "1", Term{"name", fmt.Sprintf("n%04d", i)})
		if i%100 == 0 {
			w.Version.Blob = bytes.Repeat([]byte{byte(i)}, 100<<10)
		}
		ws = append(ws, w)
	}
	if err := s.CommitMany(ws, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(Batch{Audit: []AuditEntry{{Seq: 1, Data: []byte("a1")}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !crashed {
		return imageOf(t, dir)
	}
	s, err = Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 50 {
		mustCommit(t, s, write(fmt.Sprintf("r%04d", i), "business", "2"))
	}
	return imageOf(t, dir)
}

// storeImage is the content of the files of a store directory, each
// without the zeros at its end (Badger makes its logs full size up front).
type storeImage []struct {
	name string
	data []byte
	size int64
}

// imageOf reads the files of dir.
func imageOf(t *testing.T, dir string) storeImage {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var img storeImage
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		img = append(img, struct {
			name string
			data []byte
			size int64
		}{e.Name(), bytes.TrimRight(b, "\x00"), int64(len(b))})
	}
	return img
}

// write makes a new store directory holding the image, the zeros at the
// end of each file as a hole.
func (img storeImage) write(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range img {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, f.size); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// flip inverts 8 bytes of the file at the offset at returns for its size.
func flip(at func(size int64) int64) func(path string) error {
	return func(path string) error {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		off := max(0, at(fi.Size()))
		b := make([]byte, min(8, fi.Size()-off))
		if _, err := f.ReadAt(b, off); err != nil {
			return err
		}
		for i := range b {
			b[i] ^= 0xff
		}
		_, err = f.WriteAt(b, off)
		return err
	}
}

// truncate cuts the file to the size to returns for its size.
func truncate(to func(size int64) int64) func(path string) error {
	return func(path string) error {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		return os.Truncate(path, to(fi.Size()))
	}
}

var damages = []struct {
	name  string
	apply func(path string) error
}{
	{"delete", os.Remove},
	{"truncate to 0", truncate(func(int64) int64 { return 0 })},
	{"truncate to half", truncate(func(n int64) int64 { return n / 2 })},
	{"cut last byte", truncate(func(n int64) int64 { return n - 1 })},
	{"flip start", flip(func(int64) int64 { return 0 })},
	{"flip middle", flip(func(n int64) int64 { return n / 2 })},
	{"flip end", flip(func(n int64) int64 { return n - 8 })},
}

// What Open does with a damaged store.
type outcome int

const (
	// opens: Open succeeds and every read gives data or an error wrapping
	// ErrCorrupt; damage Badger reads as a crash, or sees only on reads.
	opens outcome = iota
	// corrupt: Open fails with an error wrapping ErrCorrupt.
	corrupt
	// wrongKey: Open fails with an error wrapping ErrWrongKey.
	wrongKey
	// undetected: Open may succeed and lose data, as below.
	undetected
)

func (o outcome) String() string {
	return [...]string{"opens", "ErrCorrupt", "ErrWrongKey", "undetected"}[o]
}

// TestDamagedStore damages each kind of file of a closed and of a crashed
// store in each way and checks what Open does; nothing may panic or write
// to standard error.
func TestDamagedStore(t *testing.T) {
	bases := map[string]storeImage{"closed": damageBase(t, false)}
	if !testing.Short() {
		bases["crashed"] = damageBase(t, true)
	}
	tests := []struct {
		file   string // a name, or the extension of the first file of its kind
		base   string // "closed", "crashed" or "" for both
		want   outcome
		except map[string]outcome // by damage
	}{
		// Every damage loses or garbles table records. A MANIFEST cut
		// between two records is seen after a clean Close only (see
		// checkStore); the crashed one is cut there by "truncate to half".
		{"MANIFEST", "closed", corrupt, nil},
		{"MANIFEST", "crashed", corrupt, map[string]outcome{"truncate to half": undetected}},
		// Garbled bytes in the first 28 (IV and check text) cannot be told
		// from a wrong key.
		{"KEYREGISTRY", "", corrupt, map[string]outcome{"flip start": wrongKey}},
		{".sst", "", corrupt, nil},
		// Badger reads value-log damage only when it reads the value, and
		// then gives an empty value (ErrCorrupt for a version); an empty
		// file is dropped like one a crash left (see checkLogHeader). A
		// damaged header (key id) stops Open.
		{".vlog", "", opens, map[string]outcome{"flip start": corrupt}},
		// Badger reads a damaged memtable log as one cut by a crash and
		// drops the rest of it; a damaged header stops Open.
		{".mem", "crashed", opens, map[string]outcome{"flip start": corrupt}},
		{"DISCARD", "", opens, nil}, // value-log GC statistics only
		{"LOCK", "crashed", opens, nil},
		// A CLEAN-CLOSE that does not parse is ignored.
		{cleanCloseFile, "closed", opens, nil},
	}
	for _, tt := range tests {
		for base, img := range bases {
			if tt.base != "" && tt.base != base {
				continue // the file is not in that store, or another row covers it
			}
			for _, d := range damages {
				want := tt.want
				if w, ok := tt.except[d.name]; ok {
					want = w
				}
				t.Run(base+"/"+tt.file+"/"+d.name, func(t *testing.T) {
					dir := img.write(t)
					if err := d.apply(filepath.Join(dir, firstFile(t, dir, tt.file))); err != nil {
						t.Fatal(err)
					}
					var got error
					out := captureStderr(t, func() { got = openAndReadAll(dir) })
					if out != "" {
						t.Errorf("standard error got %q", out)
					}
					switch want {
					case opens:
						if got != nil {
							t.Errorf("got %v, want Open to succeed and reads to give data or %v", got, ErrCorrupt)
						}
					case corrupt:
						if !errors.Is(got, ErrCorrupt) || errors.Is(got, ErrWrongKey) {
							t.Errorf("got %v, want %v", got, ErrCorrupt)
						}
						if !strings.Contains(fmt.Sprint(got), dir) {
							t.Errorf("error %q does not name the directory", got)
						}
					case wrongKey:
						if !errors.Is(got, ErrWrongKey) {
							t.Errorf("got %v, want %v", got, ErrWrongKey)
						}
					case undetected:
						if got != nil && !errors.Is(got, ErrCorrupt) {
							t.Errorf("got %v", got)
						}
					}
				})
			}
		}
	}
}

// TestDamagedStoreWrongKey checks that a wrong key is reported as such
// even when the store is damaged too.
func TestDamagedStoreWrongKey(t *testing.T) {
	base := damageBase(t, false)
	for _, file := range []string{".sst", "MANIFEST", ".vlog"} {
		t.Run(file, func(t *testing.T) {
			dir := base.write(t)
			if err := flip(func(n int64) int64 { return n / 2 })(filepath.Join(dir, firstFile(t, dir, file))); err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir, testKey(2), Options{})
			if err == nil {
				s.Close()
			}
			if file == "MANIFEST" {
				// The MANIFEST is read before the key is tried.
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("Open = %v, want %v", err, ErrCorrupt)
				}
				return
			}
			if !errors.Is(err, ErrWrongKey) {
				t.Errorf("Open = %v, want %v", err, ErrWrongKey)
			}
		})
	}
}

// firstFile returns name, or the first file of dir with the extension name.
func firstFile(t *testing.T, dir, name string) string {
	t.Helper()
	if !strings.HasPrefix(name, ".") {
		return name
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == name {
			return e.Name()
		}
	}
	t.Fatalf("no %s file in %s", name, dir)
	return ""
}

// openAndReadAll opens the store in dir and reads every record, term and
// audit entry. It returns Open's error, or the first read error that does
// not wrap ErrCorrupt.
func openAndReadAll(dir string) error {
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	var errs []error
	for i := range damageRecords {
		id := fmt.Sprintf("r%04d", i)
		_, err := s.Head(id)
		errs = append(errs, err)
		_, err = s.History(id)
		errs = append(errs, err)
	}
	_, err = s.FindPrefix("name", "n", 0)
	errs = append(errs, err)
	_, err = s.IDs("business")
	errs = append(errs, err)
	_, err = s.LastAudit()
	errs = append(errs, err)
	for _, err := range errs {
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("read: %w", err)
		}
	}
	return nil
}

// TestEmptyLogReadOnly checks that a read-only Open, which cannot remove
// an empty log, reports it as damage and leaves it as it is.
func TestEmptyLogReadOnly(t *testing.T) {
	dir := damageBase(t, false).write(t)
	path := filepath.Join(dir, firstFile(t, dir, ".vlog"))
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, testKey(1), Options{ReadOnly: true})
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open = %v, want %v", err, ErrCorrupt)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Errorf("empty value log changed: %v, %v", fi, err)
	}
}
