package local

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// wholeChunk is how many writes CommitWhole hands CommitMany between two
// looks at its context.
const wholeChunk = 2000

// CommitWhole applies a long list of writes of new records (an import) so
// that they land whole or not at all: they go in as CommitMany puts them,
// and when a transaction fails or ctx ends the writes already committed
// are taken out again before CommitWhole returns. Every write must be
// Fresh (a new id), which is what makes taking it out exact; anything else
// fails with ErrInvalid before the first write. The caller keeps other
// writers of these ids away until it returns. A crash in the middle
// leaves the committed part (the caller can mark the batch to clear it).
func (s *Store) CommitWhole(ctx context.Context, writes []Write, progress func(done, total int)) error {
	for _, w := range writes {
		if !w.Fresh || w.History || w.ForceHead {
			return fmt.Errorf("commit whole: record %q is not a fresh write: %w", w.Version.ID, ErrInvalid)
		}
	}
	for done := 0; done < len(writes); {
		err := ctx.Err()
		n := min(wholeChunk, len(writes)-done)
		if err == nil {
			err = s.CommitMany(writes[done:done+n], nil)
		}
		if err != nil {
			if uerr := s.Forget(writes[:done+n]); uerr != nil {
				return errors.Join(fmt.Errorf("commit whole: %w", err), uerr)
			}
			return fmt.Errorf("commit whole: %w", err)
		}
		done += n
		if progress != nil {
			progress(done, len(writes))
		}
	}
	return nil
}

// Forget takes out what the fresh writes put in: the version, head, kind,
// terms and outbox entry of each. Keys that are not there are skipped, so
// it may be given writes that were never committed. It is for undoing an
// import that did not finish, never for erasing records people used.
func (s *Store) Forget(writes []Write) error {
	for start := 0; start < len(writes); start += firstChunk {
		part := writes[start:min(start+firstChunk, len(writes))]
		err := s.update(func(txn *badger.Txn) error {
			for _, w := range part {
				if err := forgetFresh(txn, w); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("forget writes %d..: %w", start, err)
		}
	}
	return nil
}

func forgetFresh(txn *badger.Txn, w Write) error {
	v := w.Version
	keys := [][]byte{versionKey(v.ID, v.Rev), headKey(v.ID), kindKey(v.Kind, v.ID), termsKey(v.ID), outboxKey(v.Rev, v.ID)}
	for _, t := range uniqueTerms(w.Terms) {
		keys = append(keys, termKey(t, v.ID))
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Settle brings the store to the state of one that has been in use for a
// while after a bulk write: every level compacted into the last ones
// (Badger's Flatten) and the value log garbage-collected, so the searches
// and saves that follow do not compete with background compaction.
func (s *Store) Settle() error {
	if err := s.db.Flatten(2); err != nil {
		return fmt.Errorf("settle: flatten: %w", err)
	}
	return s.GC()
}
