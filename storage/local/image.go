package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/table"
)

// discardFile is Badger's record of the value-log space each log could
// give back; a stale copy only makes a later value-log GC less eager.
const discardFile = "DISCARD"

// storeFileName matches the names of the files an image holds: Badger's
// tables, value and memtable logs (five or more digits), its MANIFEST,
// KEYREGISTRY and DISCARD.
var storeFileName = regexp.MustCompile(`^([0-9]{5,10}\.(sst|vlog|mem)|MANIFEST|KEYREGISTRY|DISCARD)$`)

// IsImageFile reports whether name is the name of a file that Image
// writes: a plain file name of Badger's kinds, never a path. A restore
// writes no other name.
func IsImageFile(name string) bool { return storeFileName.MatchString(name) }

// ErrImageMoved means the store's compactions replaced tables faster
// than Image could read them; an image started again will likely pass.
var ErrImageMoved = errors.New("the store's tables changed while they were read")

// ImageFile is one file of an image, as Image hands it over.
type ImageFile struct {
	Name string    // a plain file name, IsImageFile
	Size int64     // its size when it was opened (a table being deleted may yield less)
	R    io.Reader // its bytes
}

// Image hands each over the store's files as Badger would find them after
// a power cut at one moment, while the store goes on working: a store
// made of those files (Restore's job) holds every transaction committed
// before Image began, none half, and perhaps some committed meanwhile.
// Only the value-log GC, purges and Settle wait for it. A caller that
// needs the image to match something outside the store (the office's
// keyring) checks that this did not change meanwhile.
//
// The order makes the image whole without stopping Badger. First the
// memtable logs (they hold what the memtables hold), then every table,
// then the MANIFEST up to its last whole record, then the tables it names
// that appeared meanwhile, then the value logs (which only grow, so they
// hold every value anything before them points to). A memtable flushed in between is then in a table and
// in a log, which Badger's replay applies again to the same versions; a
// log or table deleted while it was read (Badger truncates a file before
// it deletes it) was already replaced by what the MANIFEST names. A table
// the MANIFEST names that is gone or came short means a second compaction
// overtook the image: ErrImageMoved. The KEYREGISTRY comes last, so it
// holds the data key of every table and log before it. A restore removes
// the tables the MANIFEST does not name (FinishImage).
func (s *Store) Image(ctx context.Context, each func(ImageFile) error) error {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	if err := s.image(ctx, each); err != nil {
		return fmt.Errorf("store image: %w", err)
	}
	return nil
}

func (s *Store) image(ctx context.Context, each func(ImageFile) error) error {
	logs := func(ext string) error {
		ents, err := os.ReadDir(s.dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if name := e.Name(); strings.HasSuffix(name, ext) {
				if _, err := s.imageFile(ctx, name, each); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
		}
		return nil
	}
	if err := logs(memLogExt); err != nil {
		return err
	}
	whole := map[string]bool{} // tables handed over whole
	tables := func(want func(name string) bool) error {
		ents, err := os.ReadDir(s.dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			name := e.Name()
			if _, done := whole[name]; done || !strings.HasSuffix(name, tableExt) || !want(name) {
				continue
			}
			ok, err := s.imageFile(ctx, name, each)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			whole[name] = ok && err == nil
		}
		return nil
	}
	if err := tables(func(string) bool { return true }); err != nil {
		return err
	}
	m, manifest, err := s.readImageManifest()
	if err != nil {
		return err
	}
	named := func(name string) bool {
		id, ok := table.ParseFileID(name)
		return ok && hasTable(m, id)
	}
	if err := tables(named); err != nil {
		return err
	}
	for id := range m.Tables {
		if name := table.IDToFilename(id); !whole[name] {
			return fmt.Errorf("table %s: %w", name, ErrImageMoved)
		}
	}
	if err := each(ImageFile{Name: manifestFile, Size: int64(len(manifest)), R: bytes.NewReader(manifest)}); err != nil {
		return err
	}
	// The value logs after every table and memtable log that may point
	// into them: a value is appended before anything points to it, and
	// only the value-log GC, which waits, deletes a value log.
	if err := logs(valueLogExt); err != nil {
		return err
	}
	for _, name := range []string{discardFile, badger.KeyRegistryFileName} {
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if errors.Is(err, fs.ErrNotExist) && name == discardFile {
			continue
		}
		if err != nil {
			return err
		}
		if err := each(ImageFile{Name: name, Size: int64(len(b)), R: bytes.NewReader(b)}); err != nil {
			return err
		}
	}
	return nil
}

// imageFile hands over one file of the store directory; whole reports
// that it yielded as many bytes as it had when opened.
func (s *Store) imageFile(ctx context.Context, name string, each func(ImageFile) error) (whole bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	f, err := os.Open(filepath.Join(s.dir, name))
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	cr := &countingReader{r: f}
	if err := each(ImageFile{Name: name, Size: fi.Size(), R: cr}); err != nil {
		return false, err
	}
	return cr.n == fi.Size(), nil
}

// readImageManifest reads the MANIFEST up to the end of its last whole
// record (Badger may be appending to it) and the tables it names. A
// rewrite replaces the file by a rename, so the open file stays one
// version of it.
func (s *Store) readImageManifest() (badger.Manifest, []byte, error) {
	f, err := os.Open(filepath.Join(s.dir, manifestFile))
	if err != nil {
		return badger.Manifest{}, nil, err
	}
	defer f.Close()
	m, end, err := badger.ReplayManifestFile(f, s.bopt.ExternalMagicVersion, s.bopt)
	if err != nil {
		return badger.Manifest{}, nil, fmt.Errorf("MANIFEST: %s: %w", badgerText(err), ErrCorrupt)
	}
	b := make([]byte, end)
	if _, err := f.ReadAt(b, 0); err != nil {
		return badger.Manifest{}, nil, fmt.Errorf("MANIFEST: %w", err)
	}
	return m, b, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func hasTable(m badger.Manifest, id uint64) bool {
	_, ok := m.Tables[id]
	return ok
}

// FinishImage makes the store folder dir, written from an image, a store
// that opens as a whole one: it removes the tables the MANIFEST does not
// name (a table a compaction replaced while the image was taken) and
// records the files as a clean Close does, so that Open does not read
// every table through again. That check already passed when the imaged
// store opened (Badger wrote its later tables), and a restore writes the
// bytes of an authenticated backup; Open still checks the MANIFEST, the
// KEYREGISTRY and the logs, and Badger every block it reads.
func FinishImage(dir string) error {
	f, err := os.Open(filepath.Join(dir, manifestFile))
	if err != nil {
		return fmt.Errorf("finish image: %w", err)
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dir))
	if err != nil {
		return fmt.Errorf("finish image: MANIFEST: %s: %w", badgerText(err), ErrCorrupt)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("finish image: %w", err)
	}
	for _, e := range ents {
		if id, ok := table.ParseFileID(e.Name()); ok && strings.HasSuffix(e.Name(), tableExt) && !hasTable(m, id) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("finish image: %w", err)
			}
		}
	}
	return recordCleanClose(dir)
}
