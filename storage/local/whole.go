package local

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// wholeChunk is how many writes CommitWhole adds between two looks at its
// context and two progress calls.
const wholeChunk = 1000

// WholeBatch is a batch of writes of new records (an import) that lands
// whole or not at all: Add puts writes in through Badger's write batch
// (transactions committed back to back, their syncs shared), Commit makes
// them durable, and Abort, or a Commit that fails, takes out again what
// was committed. Every write must be Fresh (a new id), which is what makes
// taking it out exact. The caller keeps other writers of these ids away
// until the batch ends. A crash in the middle leaves the committed part.
type WholeBatch struct {
	s       *Store
	wb      *badger.WriteBatch
	added   []addedRef // what Abort takes out
	err     error
	flushed bool
}

// addedRef is what Abort needs of a write: its keys, and its index terms
// encoded as the record's terms value (a few bytes each, where a []Term
// held two string headers per term: a 20,000-row import kept 50 MB of
// them).
type addedRef struct {
	id, rev, kind string
	terms         []byte
}

// BeginWhole starts a WholeBatch; end it with Commit or Abort.
func (s *Store) BeginWhole() *WholeBatch { return &WholeBatch{s: s, wb: s.db.NewWriteBatch()} }

// Add checks and applies writes. A write that is not Fresh, or is History
// or ForceHead, fails with ErrInvalid. After an error only Abort is left.
func (b *WholeBatch) Add(writes []Write) error {
	if b.err != nil {
		return b.err
	}
	for _, w := range writes {
		if !w.Fresh || w.History || w.ForceHead {
			b.err = fmt.Errorf("whole batch: record %q is not a fresh write: %w", w.Version.ID, ErrInvalid)
			return b.err
		}
		if err := checkWrite(w); err != nil {
			b.err = fmt.Errorf("whole batch: %w", err)
			return b.err
		}
	}
	for _, w := range writes {
		sets := freshSets(w)
		ref := addedRef{id: w.Version.ID, rev: w.Version.Rev, kind: w.Version.Kind}
		if n := len(sets); n > 3 {
			ref.terms = sets[n-1][1] // freshSets ends with the terms value when there are terms
		}
		b.added = append(b.added, ref)
		if w.Outbox {
			sets = append(sets, [2][]byte{outboxKey(w.Version.Rev, w.Version.ID), nil})
		}
		for _, kv := range sets {
			if err := b.wb.Set(kv[0], kv[1]); err != nil {
				b.err = fmt.Errorf("whole batch: %w", err)
				return b.err
			}
		}
	}
	return nil
}

// Commit flushes and syncs the batch. When that fails the batch is taken
// out again (Abort) and the error returned.
func (b *WholeBatch) Commit() error {
	err := b.err
	if err == nil {
		err, b.flushed = b.wb.Flush(), true
	}
	if err == nil {
		err = b.s.db.Sync()
	}
	if err != nil {
		if uerr := b.Abort(); uerr != nil {
			return errors.Join(fmt.Errorf("whole batch: %w", err), uerr)
		}
		return fmt.Errorf("whole batch: %w", err)
	}
	_ = b.s.sweepModes() // the data is committed; a failed sweep is retried by the next one
	return nil
}

// Abort takes out everything the batch committed, also after a Commit
// (when what was to follow it failed).
func (b *WholeBatch) Abort() error {
	if !b.flushed {
		b.wb.Cancel()
	}
	return b.s.forgetRefs(b.added)
}

// forgetRefs takes out what the writes of refs put in, as Forget does.
func (s *Store) forgetRefs(refs []addedRef) error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, r := range refs {
		ts, err := decodeTerms(r.terms)
		if err != nil {
			return fmt.Errorf("forget writes: %w", err)
		}
		keys := [][]byte{versionKey(r.id, r.rev), headKey(r.id), kindKey(r.kind, r.id), termsKey(r.id), outboxKey(r.rev, r.id)}
		for _, t := range ts {
			keys = append(keys, termKey(t, r.id))
		}
		for _, k := range keys {
			if err := wb.Delete(k); err != nil {
				return fmt.Errorf("forget writes: %w", err)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("forget writes: %w", err)
	}
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("forget writes: sync: %w", err)
	}
	return nil
}

// CommitWhole applies writes as one WholeBatch, looking at ctx every
// wholeChunk writes: all of them land, or none.
func (s *Store) CommitWhole(ctx context.Context, writes []Write, progress func(done, total int)) error {
	b := s.BeginWhole()
	for done := 0; done < len(writes); {
		n := min(wholeChunk, len(writes)-done)
		err := ctx.Err()
		if err == nil {
			err = b.Add(writes[done : done+n])
		}
		if err != nil {
			if uerr := b.Abort(); uerr != nil {
				return errors.Join(fmt.Errorf("commit whole: %w", err), uerr)
			}
			return fmt.Errorf("commit whole: %w", err)
		}
		done += n
		if progress != nil {
			progress(done, len(writes))
		}
	}
	return b.Commit()
}

// Forget takes out what the fresh writes put in: the version, head, kind,
// terms and outbox entry of each. Keys that are not there are skipped, so
// it may be given writes that were never committed. It is for undoing an
// import that did not finish, never for erasing records people used.
func (s *Store) Forget(writes []Write) error {
	refs := make([]addedRef, len(writes))
	for i, w := range writes {
		refs[i] = addedRef{id: w.Version.ID, rev: w.Version.Rev, kind: w.Version.Kind, terms: encodeTerms(uniqueTerms(w.Terms))}
	}
	return s.forgetRefs(refs)
}

// Settle brings the store to the state of one that has been in use for a
// while after a bulk write: every level compacted into the last ones
// (Badger's Flatten) and the value log garbage-collected, so the searches
// and saves that follow do not compete with background compaction.
func (s *Store) Settle() error {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	if err := s.db.Flatten(2); err != nil {
		return fmt.Errorf("settle: flatten: %w", err)
	}
	return s.gc()
}
