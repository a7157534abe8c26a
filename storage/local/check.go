package local

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/dgraph-io/ristretto/v2/z"
)

// Names of Badger's files in the store directory.
const (
	manifestFile = "MANIFEST"
	tableExt     = ".sst"
	valueLogExt  = ".vlog"
	memLogExt    = ".mem"
	// cleanCloseFile is the store's own file in the directory: Close writes
	// the size of the MANIFEST into it, Open removes it (see checkStore).
	cleanCloseFile = "CLEAN-CLOSE"
	// logHeaderSize is the key id and IV at the start of a value or
	// memtable log file.
	logHeaderSize = 20
	// tableMinSize is the smallest table footer: the two lengths.
	tableMinSize = 8
	// maxCheckWorkers bounds the tables checkStore reads at once.
	maxCheckWorkers = 4
	// registryHeaderSize is the IV and encrypted check text at the start of
	// KEYREGISTRY; a wrong key and garbled bytes here look the same.
	registryHeaderSize = 16 + 12
)

// storeFiles is what checkStore found in the directory.
type storeFiles struct {
	manifest, registry bool
	tables             map[uint64]bool
	logs               []string // value and memtable logs
}

func (f storeFiles) hasData() bool { return f.registry || len(f.tables) > 0 || len(f.logs) > 0 }

// checkStore looks at the store in dir before Badger opens it, for damage
// that Badger does not report as an error but answers by crashing the
// process (a table it cannot parse panics in a goroutine of Badger's, out of
// reach of recover), by deleting data (Badger drops every table the
// MANIFEST does not name, so a missing or truncated MANIFEST empties the
// store) or by starting over (a missing KEYREGISTRY). It reads every table
// through and checks its block checksums, so that no damaged table reaches
// Badger's readers and compactions.
//
// A MANIFEST cut exactly between two records cannot be told from one that
// Badger was about to append to when the program stopped. After a clean
// Close it can: Close records the MANIFEST's size in CLEAN-CLOSE, and a
// MANIFEST shorter than that is damage.
//
// Reading every table costs time at each login (a quarter of a second on a
// store of 100k versions), so a table that is exactly as the last clean
// Close left it (same size and modification time, recorded in CLEAN-CLOSE)
// is not read again: those are the bytes Badger wrote and read, and it
// checks each block's checksum as it reads it. After a crash, or for a table
// changed since, every table is read through.
//
// It returns nil for an intact or a new store, an error wrapping
// ErrWrongKey when key does not open the KEYREGISTRY, and one wrapping
// ErrCorrupt for damage. The value and memtable logs are not read: Badger
// reads a damaged memtable log as one cut by a crash and drops the rest of
// it, and the reads of a value it cannot read from a damaged value log get
// an empty value (ErrCorrupt for a version).
func checkStore(dir string, key []byte, bopt badger.Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// The panic text can hold stored bytes; it is not kept.
			err = fmt.Errorf("reading the store crashed: %w", ErrCorrupt)
		}
	}()
	files, err := listStore(dir)
	if err != nil {
		return err
	}
	if !files.manifest {
		switch {
		case files.hasData():
			return fmt.Errorf("MANIFEST is missing: %w", ErrCorrupt)
		case bopt.ReadOnly:
			return fmt.Errorf("no store to open read-only: %w", fs.ErrNotExist)
		}
		return nil // a new store
	}
	m, size, partial, err := readManifest(dir, bopt)
	if err != nil {
		return err
	}
	if closed, ok := cleanCloseSize(dir); ok && size < closed {
		return fmt.Errorf("MANIFEST of %d bytes is shorter than at the last Close (%d): %w", size, closed, ErrCorrupt)
	}
	if !files.registry {
		if len(m.Tables) > 0 || files.hasData() {
			return fmt.Errorf("KEYREGISTRY is missing: %w", ErrCorrupt)
		}
		return nil // Badger stopped while creating the store
	}
	reg, err := openRegistry(dir, key)
	if err != nil {
		return err
	}
	defer reg.Close()
	if partial {
		// A MANIFEST that ends inside a record was cut; Badger would drop
		// the tables of the lost records. A crash while Badger appended to
		// it looks the same, and is reported as damage too.
		for id := range files.tables {
			if _, ok := m.Tables[id]; !ok {
				return fmt.Errorf("MANIFEST is truncated and does not name table %d: %w", id, ErrCorrupt)
			}
		}
	}
	for _, name := range files.logs {
		if err := checkLogHeader(filepath.Join(dir, name), bopt.ReadOnly); err != nil {
			return err
		}
	}
	for id := range m.Tables {
		if !files.tables[id] {
			return fmt.Errorf("table %d is missing: %w", id, ErrCorrupt)
		}
	}
	// Badger reads the index of an encrypted table only through a cache.
	indexes, err := ristretto.NewCache(&ristretto.Config[uint64, *fb.TableIndex]{
		NumCounters: 1 << 10, MaxCost: indexCacheSize, BufferItems: 64,
	})
	if err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	defer indexes.Close()
	return checkTables(dir, m, reg, indexes, bopt, cleanCloseTables(dir))
}

// stamp is what identifies an unchanged table file: its size and
// modification time.
type stamp struct {
	size, mtime int64
}

// tableStamp reads the stamp of a table file.
func tableStamp(path string) (stamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	return stamp{fi.Size(), fi.ModTime().UnixNano()}, nil
}

// cleanCloseTables returns the table stamps the last clean Close recorded
// (none after a crash).
func cleanCloseTables(dir string) map[uint64]stamp {
	b, err := os.ReadFile(filepath.Join(dir, cleanCloseFile))
	if err != nil {
		return nil
	}
	out := map[uint64]stamp{}
	for _, line := range strings.Split(string(b), "\n") {
		var id uint64
		var st stamp
		if n, _ := fmt.Sscanf(line, "table %d %d %d", &id, &st.size, &st.mtime); n == 3 {
			out[id] = st
		}
	}
	return out
}

// cleanCloseSize returns the MANIFEST size that the last clean Close
// recorded; ok is false when there is none (a crash, a read-only session,
// a store older than the record) or it does not parse.
func cleanCloseSize(dir string) (size int64, ok bool) {
	b, err := os.ReadFile(filepath.Join(dir, cleanCloseFile))
	if err != nil {
		return 0, false
	}
	_, err = fmt.Sscanf(string(b), "MANIFEST %d\n", &size)
	return size, err == nil && size > 0
}

// recordCleanClose writes the MANIFEST's size into CLEAN-CLOSE, after
// Badger closed.
func recordCleanClose(dir string) error {
	fi, err := os.Stat(filepath.Join(dir, manifestFile))
	if err != nil {
		return fmt.Errorf("record clean close: %w", err)
	}
	rec := fmt.Appendf(nil, "MANIFEST %d\n", fi.Size())
	names, _ := filepath.Glob(filepath.Join(dir, "*"+tableExt))
	for _, name := range names {
		id, ok := table.ParseFileID(filepath.Base(name))
		st, err := tableStamp(name)
		if ok && err == nil {
			rec = fmt.Appendf(rec, "table %d %d %d\n", id, st.size, st.mtime)
		}
	}
	err = os.WriteFile(filepath.Join(dir, cleanCloseFile), rec, fileMode)
	if err != nil {
		return fmt.Errorf("record clean close: %w", err)
	}
	return nil
}

// forgetCleanClose removes CLEAN-CLOSE once Badger is open and may append
// to, or rewrite, the MANIFEST.
func forgetCleanClose(dir string) error {
	err := os.Remove(filepath.Join(dir, cleanCloseFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove clean close record: %w", err)
	}
	return nil
}

// checkTables runs checkTable on every table of m, a few at a time, and
// returns the error of the first damaged table in id order.
func checkTables(dir string, m badger.Manifest, reg *badger.KeyRegistry,
	indexes *ristretto.Cache[uint64, *fb.TableIndex], bopt badger.Options, clean map[uint64]stamp) error {
	ids := slices.Sorted(maps.Keys(m.Tables))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, min(runtime.GOMAXPROCS(0), maxCheckWorkers))
	var wg sync.WaitGroup
	for i, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			st, err := tableStamp(filepath.Join(dir, table.IDToFilename(id)))
			known, ok := clean[id]
			errs[i] = checkTable(dir, id, m.Tables[id], reg, indexes, bopt, err == nil && ok && st == known)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// listStore sorts the files of dir into Badger's kinds.
func listStore(dir string) (storeFiles, error) {
	f := storeFiles{tables: map[uint64]bool{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return f, fmt.Errorf("list store: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == manifestFile:
			f.manifest = true
		case name == badger.KeyRegistryFileName:
			f.registry = true
		case strings.HasSuffix(name, tableExt):
			id, ok := table.ParseFileID(name)
			if !ok {
				return f, fmt.Errorf("table file %q without an id: %w", name, ErrCorrupt)
			}
			f.tables[id] = true
		case strings.HasSuffix(name, valueLogExt), strings.HasSuffix(name, memLogExt):
			f.logs = append(f.logs, name)
		}
	}
	return f, nil
}

// readManifest replays the MANIFEST and returns its size; partial reports
// a last record cut short, which Badger would silently drop.
func readManifest(dir string, bopt badger.Options) (m badger.Manifest, size int64, partial bool, err error) {
	fp, err := os.Open(filepath.Join(dir, manifestFile))
	if err != nil {
		return m, 0, false, fmt.Errorf("open MANIFEST: %w", err)
	}
	defer fp.Close()
	fi, err := fp.Stat()
	if err != nil {
		return m, 0, false, fmt.Errorf("open MANIFEST: %w", err)
	}
	m, end, err := badger.ReplayManifestFile(fp, bopt.ExternalMagicVersion, bopt)
	if err != nil {
		return m, 0, false, fmt.Errorf("MANIFEST: %s: %w", badgerText(err), ErrCorrupt)
	}
	return m, fi.Size(), end < fi.Size(), nil
}

// openRegistry reads KEYREGISTRY, the data keys wrapped under key.
func openRegistry(dir string, key []byte) (*badger.KeyRegistry, error) {
	fi, err := os.Stat(filepath.Join(dir, badger.KeyRegistryFileName))
	if err != nil {
		return nil, fmt.Errorf("open KEYREGISTRY: %w", err)
	}
	if fi.Size() < registryHeaderSize {
		return nil, fmt.Errorf("KEYREGISTRY of %d bytes is truncated: %w", fi.Size(), ErrCorrupt)
	}
	reg, err := badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dir, ReadOnly: true, EncryptionKey: key})
	switch {
	case errors.Is(err, badger.ErrEncryptionKeyMismatch):
		return nil, ErrWrongKey
	case err != nil:
		return nil, fmt.Errorf("KEYREGISTRY: %s: %w", badgerText(err), ErrCorrupt)
	}
	return reg, nil
}

// checkLogHeader refuses a value or memtable log too short for its header.
// An empty one holds nothing (Badger made it and stopped before it wrote
// the header): a read-write open removes it, because Badger would refuse it
// after growing it to full size and then, on the next Open, start over on
// it. A read-only open cannot, and reports it as damage.
func checkLogHeader(path string, readOnly bool) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", filepath.Base(path), err)
	}
	if fi.Size() == 0 && !readOnly {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("remove empty %s: %w", filepath.Base(path), err)
		}
		return nil
	}
	if fi.Size() < logHeaderSize {
		return fmt.Errorf("%s of %d bytes is truncated: %w", filepath.Base(path), fi.Size(), ErrCorrupt)
	}
	return nil
}

// checkTable reads table id through, unless it is unchanged since the last
// clean Close: its footer, the checksum of its index and the checksum of
// every block. Badger reads a footer that points outside
// the file with log.Fatal (an exit), so the footer is checked first; a panic
// while reading the rest (an index or block that does not parse) is damage.
func checkTable(dir string, id uint64, tm badger.TableManifest, reg *badger.KeyRegistry,
	indexes *ristretto.Cache[uint64, *fb.TableIndex], bopt badger.Options, unchanged bool) (err error) {
	name := table.IDToFilename(id)
	if unchanged {
		// The bytes Badger wrote and read until the last clean Close; it
		// checks each block's checksum as it reads it.
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			// The panic text can hold stored bytes; it is not kept.
			err = fmt.Errorf("%s does not parse: %w", name, ErrCorrupt)
		}
	}()
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("check %s: %w", name, err)
	}
	if fi.Size() < tableMinSize {
		return fmt.Errorf("%s of %d bytes is truncated: %w", name, fi.Size(), ErrCorrupt)
	}
	mf, err := z.OpenMmapFile(filepath.Join(dir, name), os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("check %s: %w", name, err)
	}
	defer mf.Close(-1)
	if !tableFooterFits(mf.Data) {
		return fmt.Errorf("%s of %d bytes is truncated or garbled: %w", name, len(mf.Data), ErrCorrupt)
	}
	dk, err := reg.DataKey(tm.KeyID)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, badgerText(err), ErrCorrupt)
	}
	topt := table.Options{BlockSize: bopt.BlockSize, Compression: tm.Compression, DataKey: dk, IndexCache: indexes}
	t, err := table.OpenInMemoryTable(mf.Data, id, &topt)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, badgerText(err), ErrCorrupt)
	}
	if err := t.VerifyChecksum(); err != nil {
		return fmt.Errorf("%s: %s: %w", name, badgerText(err), ErrCorrupt)
	}
	return nil
}

// tableFooterFits reports whether the footer of a table (index, index
// length, checksum, checksum length, from the end) lies inside data.
func tableFooterFits(data []byte) bool {
	n := uint64(len(data))
	if n < 8 {
		return false
	}
	checksumLen := uint64(binary.BigEndian.Uint32(data[n-4:]))
	if checksumLen > n-8 {
		return false
	}
	end := n - 4 - checksumLen
	indexLen := uint64(binary.BigEndian.Uint32(data[end-4 : end]))
	return indexLen <= end-4
}

// badgerText shortens a Badger error for our message. Badger's errors name
// files and offsets, never stored keys or values.
func badgerText(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
