package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Snapshot calls fn with every key and value of the store in key order,
// from one read transaction: a consistent view (the store must be open
// in this process, which the running server's lock on the folder allows
// only to the server itself). The slices are valid during the call.
func (s *Store) Snapshot(ctx context.Context, fn func(key, value []byte) error) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			if err := item.Value(func(v []byte) error { return fn(item.Key(), v) }); err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
		}
		return nil
	})
}

// Load makes a new store in dir, which must not exist or be empty, from
// the pairs next returns in strictly ascending key order until io.EOF
// (what Snapshot gave), with Badger's stream writer, and closes it. A key
// out of order wraps central.ErrInvalid. On an error dir may hold a
// partial store: the caller removes it.
func Load(dir string, next func() (k, v []byte, err error)) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("load central store into %s: folder not empty: %w", dir, central.ErrInvalid)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("load central store: %w", err)
	}
	db, err := badger.Open(badgerOptions(dir))
	if err != nil {
		return fmt.Errorf("load central store: %w", err)
	}
	if err := load(db, next); err != nil {
		db.Close()
		return fmt.Errorf("load central store into %s: %w", dir, err)
	}
	return db.Close()
}

func load(db *badger.DB, next func() (k, v []byte, err error)) error {
	sw := db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		return err
	}
	buf := z.NewBuffer(5<<20, "embedded.Load")
	defer func() { _ = buf.Release() }()
	var prev []byte
	for {
		k, v, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil && prev != nil && bytes.Compare(k, prev) <= 0 {
			err = fmt.Errorf("key out of order: %w", central.ErrInvalid)
		}
		if err == nil {
			prev = append(prev[:0], k...)
			badger.KVToBuffer(&pb.KV{Key: k, Value: v, Version: 1}, buf)
			if buf.LenNoPadding() >= 4<<20 {
				err = sw.Write(buf)
				buf.Reset()
			}
		}
		if err != nil {
			sw.Cancel()
			return err
		}
	}
	if buf.LenNoPadding() > 0 {
		if err := sw.Write(buf); err != nil {
			sw.Cancel()
			return err
		}
	}
	return sw.Flush()
}
