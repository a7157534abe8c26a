package local

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Erasure (消去). Deleting a key in Badger writes a tombstone: the older
// versions of the key, and the key itself with the tombstone, stay in the
// tables until a compaction at the last level drops them, and a value above
// the value threshold stays in the value log until its file is rewritten.
// Purge therefore removes keys with Badger's DropPrefix, which flushes the
// memtables (their write-ahead files are then deleted) and rewrites every
// table that holds one of the keys without it, every version at once; then
// it runs the value-log GC until it finds nothing more to rewrite.
//
// DropPrefix drops only keys that are visible, so a key that is deleted
// already (an old term of a renamed business: its tombstone still holds the
// term in its key) is first set again, empty, and then dropped. A prefix is
// a whole key; other live keys that merely begin with it (an id that extends
// an erased id) are read before the drop and written back after it.

// PurgeRequest says what Purge removes and what it writes around it.
type PurgeRequest struct {
	// IDs are store ids whose every trace goes: each version, the head, the
	// terms, the term and kind index entries and the outbox entries.
	IDs []string
	// Meta are meta keys removed the same way (all their versions); After
	// may set them again with other values.
	Meta []string
	// Before is committed first, in one transaction: what says that the
	// purge is under way (an order to finish after a crash, an event).
	Before Batch
	// After is committed once the keys are gone.
	After Batch
}

// PurgeResult counts what Purge removed.
type PurgeResult struct {
	// Versions is the number of record versions removed.
	Versions int
	// Keys is the number of store keys removed (versions included).
	Keys int
}

// Purge removes the records and meta keys of req from the store for good,
// as described above, committing req.Before first and req.After last. It
// blocks every other write to the store while the keys are dropped (a write
// then fails), so the caller serialises its writes around it. Running it
// again after a crash finishes the work: keys already gone are skipped.
func (s *Store) Purge(req PurgeRequest) (PurgeResult, error) {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	var res PurgeResult
	for _, id := range req.IDs {
		if !validName(id) {
			return res, fmt.Errorf("purge: id %q: %w", id, ErrInvalid)
		}
	}
	if err := s.Commit(req.Before); err != nil {
		return res, fmt.Errorf("purge: %w", err)
	}
	keys, versions, err := s.purgeKeys(req)
	if err != nil {
		return res, fmt.Errorf("purge: %w", err)
	}
	keep, err := s.bystanders(keys)
	if err != nil {
		return res, fmt.Errorf("purge: %w", err)
	}
	if err := s.touch(keys); err != nil {
		return res, fmt.Errorf("purge: %w", err)
	}
	if len(keys) > 0 {
		if err := s.db.DropPrefix(keys...); err != nil {
			return res, fmt.Errorf("purge: drop keys: %w", err)
		}
	}
	err = s.update(func(txn *badger.Txn) error {
		for _, kv := range keep {
			if err := txn.Set(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return applyBatch(txn, req.After)
	})
	if err != nil {
		return res, fmt.Errorf("purge: %w", err)
	}
	if err := s.collect(); err != nil {
		return res, fmt.Errorf("purge: %w", err)
	}
	return PurgeResult{Versions: versions, Keys: len(keys)}, nil
}

// purgeKeys lists every key of the request, in any version, deleted ones
// included, and counts the distinct record versions among them.
func (s *Store) purgeKeys(req PurgeRequest) (keys [][]byte, versions int, err error) {
	seen := map[string]bool{}
	add := func(k []byte) {
		if !seen[string(k)] {
			seen[string(k)] = true
			keys = append(keys, bytes.Clone(k))
		}
	}
	suffixes := make([][]byte, len(req.IDs))
	for i, id := range req.IDs {
		suffixes[i] = []byte(sep + id)
	}
	err = s.db.View(func(txn *badger.Txn) error {
		for _, id := range req.IDs {
			err := allVersions(txn, versionPrefix(id), func(k []byte) {
				if !seen[string(k)] {
					versions++
				}
				add(k)
			})
			if err != nil {
				return err
			}
			for _, k := range [][]byte{headKey(id), termsKey(id)} {
				if err := exactKey(txn, k, add); err != nil {
					return err
				}
			}
		}
		for _, m := range req.Meta {
			if err := exactKey(txn, metaKey(m), add); err != nil {
				return err
			}
		}
		// Index, kind and outbox keys end in NUL and the id.
		for _, p := range []string{"x/", "k/", "o/"} {
			err := allVersions(txn, []byte(p), func(k []byte) {
				for _, suf := range suffixes {
					if bytes.HasSuffix(k, suf) {
						add(k)
					}
				}
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return keys, versions, err
}

// allVersions calls fn with the key of every version, deleted ones
// included, of every key under prefix.
func allVersions(txn *badger.Txn, prefix []byte, fn func(key []byte)) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, AllVersions: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		fn(it.Item().Key())
	}
	return nil
}

// exactKey calls fn with key if any version of it is stored.
func exactKey(txn *badger.Txn, key []byte, fn func(key []byte)) error {
	return allVersions(txn, key, func(k []byte) {
		if bytes.Equal(k, key) {
			fn(k)
		}
	})
}

// bystanders returns the live keys and values that begin with one of keys
// without being one of them: DropPrefix would take them too.
func (s *Store) bystanders(keys [][]byte) ([][2][]byte, error) {
	drop := make(map[string]bool, len(keys))
	for _, k := range keys {
		drop[string(k)] = true
	}
	var keep [][2][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		for _, p := range keys {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: false})
			for it.Rewind(); it.Valid(); it.Next() {
				item := it.Item()
				if drop[string(item.Key())] {
					continue
				}
				v, err := item.ValueCopy(nil)
				if err != nil {
					it.Close()
					return err
				}
				keep = append(keep, [2][]byte{item.KeyCopy(nil), v})
			}
			it.Close()
		}
		return nil
	})
	return keep, err
}

// touch makes every key visible (DropPrefix skips a prefix with no visible
// key): a deleted key is set again, empty; a live key is left as it is.
func (s *Store) touch(keys [][]byte) error {
	wb := s.db.NewWriteBatch()
	err := s.db.View(func(txn *badger.Txn) error {
		for _, k := range keys {
			_, err := txn.Get(k)
			switch {
			case err == nil:
				continue
			case !errors.Is(err, badger.ErrKeyNotFound):
				return err
			}
			if err := wb.Set(bytes.Clone(k), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		wb.Cancel()
		return err
	}
	return wb.Flush()
}

// collect runs the value-log GC with a low ratio until it finds no file
// to rewrite, so that a file holding any value a purge dropped is rewritten
// without it.
func (s *Store) collect() error {
	for {
		err := s.db.RunValueLogGC(0.01)
		if errors.Is(err, badger.ErrNoRewrite) {
			_ = s.sweepModes() // retried by the next sweep
			return nil
		}
		if err != nil {
			return fmt.Errorf("value log gc: %w", err)
		}
	}
}
