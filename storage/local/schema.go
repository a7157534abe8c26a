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
			if err := m.Run(txn); err != nil {
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
