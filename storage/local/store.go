// Package local is the device's encrypted record store: one Badger v4
// directory per office profile, encrypted at rest with the device store key.
//
// The store knows records only as opaque, already sealed envelope bytes
// (Version.Blob) plus the plain index terms the office layer derives from
// them. It keeps every version of a record, a head pointer per record, term
// and kind indexes, the device's hash-chained audit entries and a few meta
// keys, and applies a Batch of all of these in one transaction, so a crash
// leaves all of it or none of it.
//
// Key layout (every part that is not fixed is free of \x00, which makes the
// separators unambiguous and the prefixes collision free):
//
//	m/<key>                      meta value ("schema" holds the decimal schema version)
//	v/<id>\x00<rev>              one version: uvarint(len(kind)) kind blob
//	h/<id>                       head rev of the record
//	t/<id>                       current terms: index\x00value\x00 repeated
//	x/<index>\x00<value>\x00<id> term index entry (empty value)
//	k/<kind>\x00<id>             kind index entry (empty value)
//	a/<seq, 8 bytes big-endian>  audit entry
//
// Besides Badger's files the directory holds CLEAN-CLOSE, which Close
// writes and Open removes (see checkStore). Every file is 0600, the
// directory 0700.
package local

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// SchemaVersion is the layout version this program writes. A store with a
// lower version is migrated on Open; a higher one is refused.
const SchemaVersion = 1

// Sentinel errors; test for them with errors.Is.
var (
	// ErrLocked means another process (or another Store in this process)
	// holds the directory.
	ErrLocked = errors.New("store is in use by another program")
	// ErrWrongKey means the key does not open this store.
	ErrWrongKey = errors.New("wrong store key")
	// ErrNotFound means the record, meta key or audit entry does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema means the store was written by a newer program version.
	ErrNewerSchema = errors.New("store written by a newer program version")
	// ErrAuditSeqExists means an audit entry with that sequence number is
	// already stored; the chain is never overwritten.
	ErrAuditSeqExists = errors.New("audit sequence number already exists")
	// ErrRevExists means a version (id, rev) is already stored with a
	// different blob or kind; a version is never overwritten.
	ErrRevExists = errors.New("version already stored with different content")
	// ErrInvalid means an argument is unusable: empty id, kind or rev, a
	// \x00 in an id, kind, index or value, or a record changing its kind.
	ErrInvalid = errors.New("invalid argument")
	// ErrNoMigration means the store needs a migration that is not registered
	// or cannot run because the store is opened read-only.
	ErrNoMigration = errors.New("store needs a migration")
	// ErrCorrupt means the store is damaged: a file of the directory is
	// missing, truncated or garbled, or a key or value is not one this
	// program writes.
	ErrCorrupt = errors.New("store is damaged")
)

// KeySize is the required length of the store key (AES-256).
const KeySize = 32

// Migration upgrades a store from schema version From to From+1. Run is
// called inside one read-write transaction (txn); the new version is written
// in the same transaction, so a failed or interrupted migration leaves the
// store at From.
type Migration struct {
	From int
	Run  func(txn *Txn) error
}

// Options tune Open. The zero value opens read-write with no migrations.
type Options struct {
	// Migrations lists the available upgrades; order does not matter.
	Migrations []Migration
	// ReadOnly opens the store without taking the write lock; it cannot
	// create a store or run migrations.
	ReadOnly bool
	// Bulk opens the store for loading many records at once (demo data,
	// import into a new vault): no fsync per transaction. CommitMany and Close sync, so a
	// finished load is durable; a crash during a bulk load may lose the
	// transactions since the last sync, which is why normal use never sets it.
	Bulk bool

	// keyRotation, when not zero, replaces Badger's data-key rotation
	// period (10 days) so that tests can make Badger rotate its data key.
	keyRotation time.Duration
}

// Store is an open local store. Its methods are safe for concurrent use.
type Store struct {
	db  *badger.DB
	dir string
	// key is the store's own copy of the key, which Badger keeps and uses
	// to wrap every data key it makes (a rotation every 10 days). The
	// caller may zero its slice as soon as Open returns; this copy is
	// zeroed only after Badger is closed.
	key []byte
	// bopt are the options Badger was opened with.
	bopt badger.Options
	// fileMu keeps the value-log GC, purges and Settle (which rewrite
	// values and tables) from running while Image reads the files.
	fileMu sync.Mutex
	// log keeps Badger's last warnings for Warnings.
	log      *badgerLog
	readOnly bool

	// modeMu guards modesAt, the directory's modification time at the last
	// sweep of the file modes (see sweepModes).
	modeMu  sync.Mutex
	modesAt time.Time
	fixed   map[string]bool // files sweepModes already set to fileMode
}

// Open opens (or creates) the store in dir with the 32-byte key. It creates
// dir with mode 0700, or sets an existing dir to 0700, and keeps the files
// in it at 0600 (see fileMode). Open keeps a copy of the key, so the caller
// may zero key as soon as Open returns.
//
// Before Badger sees the directory, Open checks it for damage (see
// checkStore), which reads every table once. The error wraps ErrLocked
// when the directory is in use, ErrWrongKey when the key does not match,
// ErrCorrupt (with the directory in its text) when the store is damaged,
// ErrNewerSchema when the store is newer than SchemaVersion and
// ErrNoMigration when an upgrade is needed but not possible.
func Open(dir string, key []byte, opt Options) (*Store, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("open store: key is %d bytes, want %d: %w", len(key), KeySize, ErrInvalid)
	}
	if err := prepareDir(dir, opt.ReadOnly); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	own := bytes.Clone(key)
	log := &badgerLog{}
	bopt := badgerOptions(dir, own, opt, log)
	unlock, err := lockDir(dir, opt.ReadOnly)
	if err != nil {
		clear(own)
		return nil, fmt.Errorf("open store in %s: %w", dir, err)
	}
	err = checkStore(dir, own, bopt)
	unlock()
	if err != nil {
		clear(own)
		return nil, fmt.Errorf("open store in %s: %w", dir, err)
	}
	db, crashed, err := openBadger(bopt)
	if err != nil {
		if !crashed {
			// Badger has stopped. After a panic its goroutines may still
			// make data keys with the copy, which must not become zeros.
			clear(own)
		}
		return nil, fmt.Errorf("open store in %s: %w", dir, mapOpenError(err))
	}
	s := &Store{db: db, dir: dir, key: own, bopt: bopt, log: log, readOnly: opt.ReadOnly}
	if !opt.ReadOnly {
		err := forgetCleanClose(dir)
		if err == nil {
			err = fixModes(dir)
		}
		if err != nil {
			_ = s.db.Close()
			clear(own)
			return nil, fmt.Errorf("open store in %s: %w", dir, err)
		}
	}
	if err := s.upgrade(opt); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open store in %s: %w", dir, err)
	}
	return s, nil
}

// Close flushes and closes the store and zeroes its copy of the key. The
// Store must not be used afterwards.
func (s *Store) Close() error {
	err := s.db.Close()
	clear(s.key)
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	if !s.readOnly {
		err := recordCleanClose(s.dir)
		if err == nil {
			err = fixModes(s.dir)
		}
		if err != nil {
			return fmt.Errorf("close store: %w", err)
		}
	}
	return nil
}

// Dir returns the directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// GC reclaims value-log space (after updates and purges) by running Badger's
// value-log GC until it finds nothing more to rewrite.
func (s *Store) GC() error {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	return s.gc()
}

// gc is GC; the caller holds fileMu.
func (s *Store) gc() error {
	for {
		err := s.db.RunValueLogGC(0.5)
		if errors.Is(err, badger.ErrNoRewrite) {
			_ = s.sweepModes() // retried by the next sweep
			return nil
		}
		if err != nil {
			return fmt.Errorf("value log gc: %w", err)
		}
	}
}

func prepareDir(dir string, readOnly bool) error {
	if readOnly {
		if _, err := os.Stat(dir); err != nil {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// environmentErrors are the texts of errors of the machine, not of the
// store, that Badger passes on only as text.
var environmentErrors = []string{
	"permission denied", "operation not permitted", "no space left on device",
	"too many open files", "cannot allocate memory", "read-only file system",
}

// openBadger is badger.Open with a panic (damage that checkStore did not
// see) turned into an error wrapping ErrCorrupt; crashed reports it.
// Badger's own goroutines and its log.Fatal calls are out of reach of
// recover.
func openBadger(bopt badger.Options) (db *badger.DB, crashed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			// The panic text can hold stored bytes; it is not kept.
			db, crashed, err = nil, true, fmt.Errorf("badger crashed while opening: %w", ErrCorrupt)
		}
	}()
	db, err = badger.Open(bopt)
	return db, false, err
}

// mapOpenError turns Badger's open errors into our sentinels. Badger does not
// wrap its errors with %w, so the lock is recognised by its message (the
// same on Unix and Windows). Any other error that is not about the
// file system (permissions, space, a missing directory) means damage
// checkStore did not see.
func mapOpenError(err error) error {
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, ErrCorrupt):
		return err
	case errors.Is(err, badger.ErrEncryptionKeyMismatch):
		return ErrWrongKey
	case strings.Contains(err.Error(), "Another process is using this Badger database"):
		return ErrLocked
	case errors.As(err, &pathErr), errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist):
		return err
	}
	for _, e := range environmentErrors {
		if strings.Contains(err.Error(), e) {
			return err
		}
	}
	return fmt.Errorf("%s: %w", badgerText(err), ErrCorrupt)
}
