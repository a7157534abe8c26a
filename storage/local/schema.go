package local

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/dgraph-io/badger/v4"
)

const schemaKey = "schema"

// upgrade brings the store to SchemaVersion: a fresh store gets the version
// written, an older one runs its migrations, a newer one is refused.
func (s *Store) upgrade(opt Options) error {
	v, err := s.schema()
	if err != nil {
		return err
	}
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("schema %d, this program knows %d: %w", v, SchemaVersion, ErrNewerSchema)
	case v == SchemaVersion:
		return nil
	case opt.ReadOnly:
		return fmt.Errorf("schema %d is read-only: %w", v, ErrNoMigration)
	case v < 0:
		return s.update(func(txn *badger.Txn) error { return setSchema(txn, SchemaVersion) })
	}
	for ; v < SchemaVersion; v++ {
		if err := s.migrate(v, opt.Migrations); err != nil {
			return err
		}
	}
	return nil
}

// schema returns the stored schema version, or -1 for a fresh store.
func (s *Store) schema() (int, error) {
	b, err := s.Meta(schemaKey)
	if errors.Is(err, ErrNotFound) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(string(b))
	if err != nil || v < 0 || strconv.Itoa(v) != string(b) {
		return 0, fmt.Errorf("schema version of %d bytes is not a version number: %w", len(b), ErrCorrupt)
	}
	return v, nil
}

// migrate runs the migration from version v and records v+1 in the same
// transaction.
func (s *Store) migrate(v int, ms []Migration) error {
	for _, m := range ms {
		if m.From != v {
			continue
		}
		err := s.update(func(txn *badger.Txn) error {
			t := &Txn{txn: txn}
			err := m.Run(t)
			t.txn = nil // the transaction ends here
			if err != nil {
				return err
			}
			return setSchema(txn, v+1)
		})
		if err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
		return nil
	}
	return fmt.Errorf("no migration from schema %d: %w", v, ErrNoMigration)
}

func setSchema(txn *badger.Txn, v int) error {
	return txn.Set(metaKey(schemaKey), []byte(strconv.Itoa(v)))
}

// Txn is the read-write transaction a Migration runs in. It reads and
// writes in the store's terms (records, versions, terms, meta keys), as the
// Store methods of the same names do, and sees its own writes. It is valid
// only during Migration.Run; afterwards its methods fail with ErrInvalid.
// Everything a migration writes is one transaction, so a migration that
// rewrites much of a large store may exceed what one transaction can hold
// and fail; the store then stays at the old version.
type Txn struct {
	txn *badger.Txn
}

// errTxnOver is returned by a Txn used after its migration returned.
var errTxnOver = fmt.Errorf("migration transaction is over: %w", ErrInvalid)

// Meta returns the value of a meta key; ErrNotFound if it is not set.
func (t *Txn) Meta(key string) ([]byte, error) {
	if t.txn == nil {
		return nil, errTxnOver
	}
	b, err := getMeta(t.txn, key)
	if err != nil {
		return nil, fmt.Errorf("meta %q: %w", key, notFound(err))
	}
	return b, nil
}

// DeleteMeta removes a meta key; removing a key that is not set is no error.
func (t *Txn) DeleteMeta(key string) error {
	if t.txn == nil {
		return errTxnOver
	}
	if err := t.txn.Delete(metaKey(key)); err != nil {
		return fmt.Errorf("delete meta %q: %w", key, err)
	}
	return nil
}

// Head returns the current version of the record; ErrNotFound if there is
// none.
func (t *Txn) Head(id string) (Version, error) {
	if t.txn == nil {
		return Version{}, errTxnOver
	}
	if !validName(id) {
		return Version{}, fmt.Errorf("head of %q: %w", id, ErrNotFound)
	}
	v, err := getHead(t.txn, id)
	if err != nil {
		return Version{}, fmt.Errorf("head of %q: %w", id, notFound(err))
	}
	return v, nil
}

// IDs returns the ids of all records of kind, sorted.
func (t *Txn) IDs(kind string) ([]string, error) {
	if t.txn == nil {
		return nil, errTxnOver
	}
	ids, err := kindIDs(t.txn, kind)
	if err != nil {
		return nil, fmt.Errorf("ids of %q: %w", kind, err)
	}
	return ids, nil
}

// Apply applies b in the transaction, with the rules of Commit.
func (t *Txn) Apply(b Batch) error {
	if t.txn == nil {
		return errTxnOver
	}
	if err := applyBatch(t.txn, b); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	return nil
}
