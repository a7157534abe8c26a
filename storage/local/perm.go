package local

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// fileMode is the mode of every file of the store. Badger creates its
// tables, value and memtable logs and DISCARD file 0666 (so 0644 under the
// usual umask) and has no option for it; the store sets them to 0600 after
// Open, after every Commit, CommitMany and GC that left the directory
// changed, and on Close. Files Badger adds in the background (flushes and
// compactions) between two of these are covered by the directory's mode
// 0700 until the next one.
//
// Windows has no owner, group and other bits: there os.Chmod only sets the
// read-only attribute, and on a file Badger holds open it fails with a
// sharing violation. What keeps the files private there is the folder's
// access list (the person's own profile, %AppData%), so the store sets no
// modes on Windows.
const fileMode fs.FileMode = 0o600

// setModes says whether the store sets file modes (not on Windows).
const setModes = runtime.GOOS != "windows"

// modeSettle is how long after a change of the directory the store keeps
// sweeping: a file created in the same timestamp tick as the previous
// sweep does not move the directory's modification time.
const modeSettle = 2 * time.Second

// fixModes sets every regular file directly in dir to fileMode. A file
// Badger removes meanwhile is skipped.
func fixModes(dir string) error {
	if !setModes {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("set file modes: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("set file modes: %w", err)
		}
		if fi.Mode().Perm() == fileMode {
			continue
		}
		err = os.Chmod(filepath.Join(dir, e.Name()), fileMode)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("set file modes: %w", err)
		}
	}
	return nil
}

// sweepModes sets new files to fileMode when the directory changed since
// the last sweep (one stat when it did not). While Badger compacts the
// directory changes with nearly every commit, so only names not seen at an
// earlier sweep are looked at: one directory read, no stat per known file.
// (A file Badger replaces under the same name, such as KEYREGISTRY after a
// data-key rotation, is set at Close; the directory's 0700 covers it until
// then.) A read-only store is left alone.
func (s *Store) sweepModes() error {
	if s.readOnly || !setModes {
		return nil
	}
	fi, err := os.Stat(s.dir)
	if err != nil {
		return fmt.Errorf("set file modes: %w", err)
	}
	s.modeMu.Lock()
	defer s.modeMu.Unlock()
	if fi.ModTime().Equal(s.modesAt) {
		return nil
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("set file modes: %w", err)
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		name := e.Name()
		if s.fixed[name] || !e.Type().IsRegular() {
			seen[name] = s.fixed[name]
			continue
		}
		err := os.Chmod(filepath.Join(s.dir, name), fileMode)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("set file modes: %w", err)
		}
		seen[name] = err == nil
	}
	s.fixed = seen
	if time.Since(fi.ModTime()) > modeSettle {
		s.modesAt = fi.ModTime()
	}
	return nil
}
