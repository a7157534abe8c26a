package local

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Intersect returns, in id order, up to limit ids (limit <= 0: all) greater
// than after ("" for the first page) that have every one of the terms
// values in index. It leapfrogs through the
// sorted postings with seeks, so its cost follows the rarest term and the
// limit rather than the most common term: searching case text for a common
// word stays fast on a large store.
func (s *Store) Intersect(index string, values []string, after string, limit int) ([]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	if err := checkName("index", index); err != nil {
		return nil, err
	}
	var ids []string
	err := s.db.View(func(txn *badger.Txn) error {
		its := make([]*badger.Iterator, len(values))
		prefixes := make([][]byte, len(values))
		for i, v := range values {
			if err := checkPart("term value", v); err != nil {
				return err
			}
			prefixes[i] = []byte(string(termPrefix(index, v)) + sep)
			its[i] = txn.NewIterator(badger.IteratorOptions{Prefix: prefixes[i]})
			defer its[i].Close()
		}
		var err error
		ids, err = leapfrog(its, prefixes, after, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("intersect %s: %w", index, err)
	}
	return ids, nil
}

// leapfrog walks iterators over "prefix+id" keys to the ids all of them hold.
func leapfrog(its []*badger.Iterator, prefixes [][]byte, after string, limit int) ([]string, error) {
	var out []string
	target := after
	if after != "" {
		target += "\x00" // the smallest id after it
	}
	for {
		agreed := 0
		for i, it := range its {
			it.Seek(append(append([]byte(nil), prefixes[i]...), target...))
			if !it.Valid() {
				return out, nil
			}
			id, err := keyName("id", it.Item().Key(), prefixes[i])
			if err != nil {
				return nil, err
			}
			if id != target {
				target, agreed = id, 1
				continue
			}
			agreed++
		}
		if agreed < len(its) {
			continue
		}
		out = append(out, target)
		if limit > 0 && len(out) >= limit {
			return out, nil
		}
		target += "\x00" // the smallest id after target
	}
}
