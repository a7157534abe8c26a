package local

import (
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Head returns the current version of the record; ErrNotFound if there is
// none, which includes an id that Commit refuses (empty or holding NUL).
func (s *Store) Head(id string) (Version, error) {
	if !validName(id) {
		return Version{}, fmt.Errorf("head of %q: %w", id, ErrNotFound)
	}
	var v Version
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		v, err = getHead(txn, id)
		return err
	})
	if err != nil {
		return Version{}, fmt.Errorf("head of %q: %w", id, notFound(err))
	}
	return v, nil
}

// getHead reads the current version of record id in txn.
func getHead(txn *badger.Txn, id string) (Version, error) {
	item, err := txn.Get(headKey(id))
	if err != nil {
		return Version{}, err
	}
	return headVersion(txn, id, item)
}

// headVersion reads the version the head item of record id points to. A
// head without a valid rev or without its version is damage (ErrCorrupt),
// not a missing record.
func headVersion(txn *badger.Txn, id string, head *badger.Item) (Version, error) {
	rev, err := head.ValueCopy(nil)
	if err != nil {
		return Version{}, err
	}
	if !validName(string(rev)) {
		return Version{}, fmt.Errorf("head with an empty rev or a NUL in it: %w", ErrCorrupt)
	}
	v, err := getVersion(txn, id, string(rev))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return Version{}, fmt.Errorf("head rev without its version: %w", ErrCorrupt)
	}
	return v, err
}

func getVersion(txn *badger.Txn, id, rev string) (Version, error) {
	item, err := txn.Get(versionKey(id, rev))
	if err != nil {
		return Version{}, err
	}
	return itemVersion(item, id, rev)
}

func itemVersion(item *badger.Item, id, rev string) (Version, error) {
	v := Version{ID: id, Rev: rev}
	err := item.Value(func(b []byte) error {
		var err error
		v.Kind, v.Blob, err = decodeVersion(b)
		return err
	})
	return v, err
}

// History returns every stored version of the record, oldest first; an
// unknown id, or one that Commit refuses, gives an empty list.
func (s *Store) History(id string) ([]Version, error) {
	if !validName(id) {
		return nil, nil
	}
	var vs []Version
	prefix := versionPrefix(id)
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 16})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			rev, err := keyName("rev", item.Key(), prefix)
			if err != nil {
				return err
			}
			v, err := itemVersion(item, id, rev)
			if err != nil {
				return err
			}
			vs = append(vs, v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", id, err)
	}
	return vs, nil
}

// Find returns the ids that have exactly the term (index, value), sorted.
func (s *Store) Find(index, value string) ([]string, error) {
	var ids []string
	err := s.Terms(index, value, func(v, id string) bool {
		if v == value {
			ids = append(ids, id)
		}
		return v == value
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// FindPrefix returns the ids having a term of index that starts with
// prefix, sorted and unique. With limit > 0 it collects at most limit ids,
// the first ones in term order.
func (s *Store) FindPrefix(index, prefix string, limit int) ([]string, error) {
	seen := map[string]bool{}
	var ids []string
	err := s.Terms(index, prefix, func(_, id string) bool {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		return limit <= 0 || len(ids) < limit
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// Terms calls fn for every term of index whose value starts with prefix, in
// order of value, then id, until fn returns false. Date ranges use it with a
// year or month prefix, or "" and a stop at the end date.
func (s *Store) Terms(index, prefix string, fn func(value, id string) bool) error {
	if err := checkName("index", index); err != nil {
		return fmt.Errorf("terms: %w", err)
	}
	if err := checkPart("prefix", prefix); err != nil {
		return fmt.Errorf("terms: %w", err)
	}
	err := s.scanKeys(termPrefix(index, prefix), func(key []byte) (bool, error) {
		value, id, err := splitTermKey(key, index)
		if err != nil {
			return false, err
		}
		return fn(value, id), nil
	})
	if err != nil {
		return fmt.Errorf("terms of %q: %w", index, err)
	}
	return nil
}

// IDs returns the ids of all records of kind, sorted.
func (s *Store) IDs(kind string) ([]string, error) {
	var ids []string
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		ids, err = kindIDs(txn, kind)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ids of %q: %w", kind, err)
	}
	return ids, nil
}

// kindIDs returns the ids of all records of kind in txn, sorted.
func kindIDs(txn *badger.Txn, kind string) ([]string, error) {
	var ids []string
	prefix := kindPrefix(kind)
	err := scanTxnKeys(txn, prefix, func(key []byte) (bool, error) {
		id, err := keyName("id", key, prefix)
		if err != nil {
			return false, err
		}
		ids = append(ids, id)
		return true, nil
	})
	return ids, err
}

// Count returns the number of records of kind.
func (s *Store) Count(kind string) (int, error) {
	n := 0
	prefix := kindPrefix(kind)
	err := s.scanKeys(prefix, func(key []byte) (bool, error) {
		if _, err := keyName("id", key, prefix); err != nil {
			return false, err
		}
		n++
		return true, nil
	})
	if err != nil {
		return 0, fmt.Errorf("count %q: %w", kind, err)
	}
	return n, nil
}

// scanKeys calls fn for every key with prefix, in order, without reading
// values, until fn returns false or an error, which it returns. The key is
// valid only during the call.
func (s *Store) scanKeys(prefix []byte, fn func(key []byte) (bool, error)) error {
	return s.db.View(func(txn *badger.Txn) error { return scanTxnKeys(txn, prefix, fn) })
}

// scanTxnKeys is scanKeys in txn.
func scanTxnKeys(txn *badger.Txn, prefix []byte, fn func(key []byte) (bool, error)) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		more, err := fn(it.Item().Key())
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// Meta returns the value of a meta key; ErrNotFound if it is not set.
func (s *Store) Meta(key string) ([]byte, error) {
	var b []byte
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		b, err = getMeta(txn, key)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("meta %q: %w", key, notFound(err))
	}
	return b, nil
}

func getMeta(txn *badger.Txn, key string) ([]byte, error) {
	item, err := txn.Get(metaKey(key))
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// notFound maps Badger's missing key to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	}
	return err
}
