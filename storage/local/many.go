package local

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// firstChunk is the number of writes CommitMany tries in its first
// transaction. It halves on badger.ErrTxnTooBig and then grows again, by a
// quarter per transaction, but never back to a size that was too big.
const firstChunk = 256

// CommitMany applies a long list of writes (demo data, import) in as few
// transactions as fit. Each transaction holds whole writes and is all or
// nothing; on an error the writes before the failing transaction stay
// committed. progress, if not nil, is called with (done, total) after each
// transaction. The rules of Commit apply to every write.
func (s *Store) CommitMany(writes []Write, progress func(done, total int)) error {
	chunk, ceiling := firstChunk, len(writes)
	for done := 0; done < len(writes); {
		n := min(chunk, len(writes)-done)
		part := writes[done : done+n]
		err := s.update(func(txn *badger.Txn) error { return applyBatch(txn, Batch{Writes: part}) })
		if errors.Is(err, badger.ErrTxnTooBig) && n > 1 {
			chunk, ceiling = n/2, n-1
			continue
		}
		if err != nil {
			return fmt.Errorf("commit writes %d..%d: %w", done, done+n-1, err)
		}
		done += n
		chunk = min(n+n/4+1, ceiling)
		if progress != nil {
			progress(done, len(writes))
		}
	}
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	_ = s.sweepModes() // the data is committed; a failed sweep is retried by the next one
	return nil
}
