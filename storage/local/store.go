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
package local

import (
	"errors"
	"fmt"
	"os"
	"strings"

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
)

// KeySize is the required length of the store key (AES-256).
const KeySize = 32

// Migration upgrades a store from schema version From to From+1. Run is
// called inside one read-write transaction; the new version is written in
// the same transaction, so a failed or interrupted migration leaves the
// store at From.
type Migration struct {
	From int
	Run  func(txn *badger.Txn) error
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
}

// Store is an open local store. Its methods are safe for concurrent use.
type Store struct {
	db  *badger.DB
	dir string
}

// Open opens (or creates) the store in dir with the 32-byte key. It creates
// dir with mode 0700, or sets an existing dir to 0700. The error wraps
// ErrLocked when the directory is in use, ErrWrongKey when the key does not
// match, ErrNewerSchema when the store is newer than SchemaVersion and
// ErrNoMigration when an upgrade is needed but not possible.
func Open(dir string, key []byte, opt Options) (*Store, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("open store: key is %d bytes, want %d: %w", len(key), KeySize, ErrInvalid)
	}
	if err := prepareDir(dir, opt.ReadOnly); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := badger.Open(badgerOptions(dir, key, opt))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", mapOpenError(err))
	}
	s := &Store{db: db, dir: dir}
	if err := s.upgrade(opt); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// Close flushes and closes the store. The Store must not be used afterwards.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Dir returns the directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// GC reclaims value-log space (after updates and purges) by running Badger's
// value-log GC until it finds nothing more to rewrite.
func (s *Store) GC() error {
	for {
		err := s.db.RunValueLogGC(0.5)
		if errors.Is(err, badger.ErrNoRewrite) {
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

// mapOpenError turns Badger's open errors into our sentinels. Badger does not
// wrap the flock error with %w, so the lock is recognised by its message.
func mapOpenError(err error) error {
	switch {
	case errors.Is(err, badger.ErrEncryptionKeyMismatch):
		return ErrWrongKey
	case strings.Contains(err.Error(), "Cannot acquire directory lock"):
		return ErrLocked
	}
	return err
}
