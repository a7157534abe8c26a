package local

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// The outbox lists the versions made on this device that the sync server
// has not acknowledged yet: one key per version, "o/" rev NUL id, with an
// empty value. Its keys sort by rev, and the revs this device makes only
// grow, so the outbox reads oldest first. A version enters it in the same
// transaction that stores it (Write.Outbox) and leaves it in the same
// transaction as whatever records the acknowledgement (Batch.Acked), so a
// crash at any point leaves it either before or after the whole step.

var outboxPrefix = []byte("o/")

func outboxKey(rev, id string) []byte { return []byte("o/" + rev + sep + id) }

// OutboxRef names one outbox entry: a version of a record.
type OutboxRef struct{ ID, Rev string }

// splitOutboxKey returns the rev and id of an outbox key.
func splitOutboxKey(key []byte) (rev, id string, err error) {
	name, err := keyNameRaw("outbox", key, outboxPrefix)
	if err != nil {
		return "", "", err
	}
	for i := 0; i < len(name); i++ {
		if name[i] == 0 {
			rev, id = name[:i], name[i+1:]
			if validName(rev) && validName(id) {
				return rev, id, nil
			}
			break
		}
	}
	return "", "", fmt.Errorf("outbox key without a rev and an id: %w", ErrCorrupt)
}

// keyNameRaw returns the part of key after prefix, which may hold NULs.
func keyNameRaw(what string, key, prefix []byte) (string, error) {
	if len(key) < len(prefix) || string(key[:len(prefix)]) != string(prefix) {
		return "", fmt.Errorf("%s key outside its prefix: %w", what, ErrCorrupt)
	}
	return string(key[len(prefix):]), nil
}

// Outbox returns up to limit versions of the outbox (all when limit <= 0),
// in rev order, with their kinds and blobs. An entry whose version is not
// stored is damage (ErrCorrupt): the two are written in one transaction.
func (s *Store) Outbox(limit int) ([]Version, error) {
	var out []Version
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: outboxPrefix})
		defer it.Close()
		for it.Rewind(); it.Valid() && (limit <= 0 || len(out) < limit); it.Next() {
			rev, id, err := splitOutboxKey(it.Item().Key())
			if err != nil {
				return err
			}
			v, err := getVersion(txn, id, rev)
			if errors.Is(err, badger.ErrKeyNotFound) {
				return fmt.Errorf("outbox entry %q %q without its version: %w", id, rev, ErrCorrupt)
			}
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// seedChunk is how many outbox keys SeedOutbox writes per transaction: a
// key of about 80 bytes, far below Badger's largest batch.
const seedChunk = 4096

// SeedOutbox puts every stored version, all history, into the outbox, in
// transactions of at most seedChunk keys: a vault that existed before sync
// pushes everything once. It is idempotent (an entry already there is
// written again, unchanged); a crash between transactions leaves part of
// the history in the outbox, and running it again completes it. progress,
// if not nil, is called with (done, total) after each transaction.
func (s *Store) SeedOutbox(progress func(done, total int)) error {
	var refs []OutboxRef
	err := s.scanKeys([]byte("v/"), func(key []byte) (bool, error) {
		name, err := keyNameRaw("version", key, []byte("v/"))
		if err != nil {
			return false, err
		}
		for i := 0; i < len(name); i++ {
			if name[i] == 0 {
				id, rev := name[:i], name[i+1:]
				if !validName(id) || !validName(rev) {
					break
				}
				refs = append(refs, OutboxRef{ID: id, Rev: rev})
				return true, nil
			}
		}
		return false, fmt.Errorf("version key without an id and a rev: %w", ErrCorrupt)
	})
	if err != nil {
		return fmt.Errorf("seed outbox: %w", err)
	}
	for done := 0; done < len(refs); {
		part := refs[done:min(done+seedChunk, len(refs))]
		err := s.update(func(txn *badger.Txn) error {
			for _, r := range part {
				if err := txn.Set(outboxKey(r.Rev, r.ID), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed outbox: %w", err)
		}
		done += len(part)
		if progress != nil {
			progress(done, len(refs))
		}
	}
	return nil
}

// ackOutbox deletes the outbox entries of refs; an entry that is not there
// is no error (acknowledged twice after a crash).
func ackOutbox(txn *badger.Txn, refs []OutboxRef) error {
	for _, r := range refs {
		if err := checkName("id", r.ID); err != nil {
			return err
		}
		if err := checkName("rev", r.Rev); err != nil {
			return err
		}
		if err := txn.Delete(outboxKey(r.Rev, r.ID)); err != nil {
			return err
		}
	}
	return nil
}

// MetaKeys returns up to limit meta keys (all when limit <= 0) that start
// with prefix, in order, without their values.
func (s *Store) MetaKeys(prefix string, limit int) ([]string, error) {
	var out []string
	p := metaKey(prefix)
	err := s.scanKeys(p, func(key []byte) (bool, error) {
		out = append(out, prefix+string(key[len(p):]))
		return limit <= 0 || len(out) < limit, nil
	})
	if err != nil {
		return nil, fmt.Errorf("meta keys %q: %w", prefix, err)
	}
	return out, nil
}

// Queued reports whether the version (id, rev) is in the outbox: made here
// and not yet acknowledged by the server.
func (s *Store) Queued(id, rev string) (bool, error) {
	err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(outboxKey(rev, id))
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return false, nil
	}
	return false, fmt.Errorf("outbox: %w", err)
}
