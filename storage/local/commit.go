package local

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Version is one stored version of a record.
type Version struct {
	ID   string
	Kind string
	// Rev orders the versions of a record: a lexicographically greater rev
	// is a later version.
	Rev string
	// Blob is the sealed envelope; the store never looks inside.
	Blob []byte
}

// Term is one index entry of a record, e.g. {"phone", "0355550101"}.
type Term struct{ Index, Value string }

// Write stores one version of a record.
type Write struct {
	Version Version
	// Terms is the complete set of index terms of the record when this
	// version becomes its head; the terms of the previous head that are not
	// in the set are removed. Ignored when the version does not become head.
	Terms []Term
	// Fresh asserts that the record has no stored version yet (a new random
	// id, as in an import). The store then skips looking for one, which
	// makes bulk loads several times faster on a large store; a wrong
	// assertion would leave the old version's terms in the index, so only
	// writers that just made the id set it.
	Fresh bool
	// Outbox also puts the version in the outbox (see outbox.go), in the
	// same transaction: a version made on this device, for sync to push.
	Outbox bool
	// ForceHead makes this version the record's head even when a stored
	// version has a greater rev, replacing the terms: a merge of concurrent
	// versions, which is later than its parents but need not be greater
	// than every rev, or a stored version made head again. The version may
	// be stored already (the same bytes: only the head and terms change).
	ForceHead bool
	// History stores the version without looking at the head: the head
	// and the terms stay as they are (the caller writes the head in the
	// same batch, e.g. with ForceHead). The record must exist or get its
	// head in the same batch. It excludes ForceHead and Fresh.
	History bool
}

// AuditEntry is one encoded audit event under its sequence number.
type AuditEntry struct {
	Seq  uint64
	Data []byte
}

// Batch is what Commit applies in one transaction.
type Batch struct {
	Writes []Write
	Audit  []AuditEntry
	// Meta keys to set in the same transaction.
	Meta map[string][]byte
	// Acked lists outbox entries to delete in the same transaction (the
	// server acknowledged them); an entry that is not there is skipped.
	Acked []OutboxRef
	// DropMeta lists meta keys to delete in the same transaction, before
	// Meta is set.
	DropMeta []string
}

// maxConflictRetries bounds the retries of a transaction that lost a race
// against a concurrent Commit in this process.
const maxConflictRetries = 5

// Commit applies the whole batch in one transaction: all of it or nothing.
//
// For each write it stores the version, and makes it the record's head if its
// rev is not older than the current head (or it says ForceHead), replacing
// the record's terms. An older rev is kept as history only. A write with
// Outbox also enters the outbox, and the Acked entries leave it. Writing the same (id, rev) again with
// the same kind and blob is a no-op; with other content it fails with
// ErrRevExists. Audit entries are appended; a seq that already exists fails
// with ErrAuditSeqExists. Invalid arguments fail with ErrInvalid.
func (s *Store) Commit(b Batch) error {
	if err := s.update(func(txn *badger.Txn) error { return applyBatch(txn, b) }); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	_ = s.sweepModes() // the data is committed; a failed sweep is retried by the next one
	return nil
}

// update runs fn in a read-write transaction, retrying on a conflict with a
// concurrent transaction.
func (s *Store) update(fn func(txn *badger.Txn) error) error {
	for i := 0; ; i++ {
		err := s.db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) || i == maxConflictRetries {
			return err
		}
	}
}

func applyBatch(txn *badger.Txn, b Batch) error {
	for _, w := range b.Writes {
		if err := applyWrite(txn, w); err != nil {
			return err
		}
	}
	for _, a := range b.Audit {
		if err := appendAudit(txn, a); err != nil {
			return err
		}
	}
	if err := ackOutbox(txn, b.Acked); err != nil {
		return err
	}
	for _, k := range b.DropMeta {
		if err := txn.Delete(metaKey(k)); err != nil {
			return fmt.Errorf("delete meta %q: %w", k, err)
		}
	}
	for k, v := range b.Meta {
		if err := txn.Set(metaKey(k), v); err != nil {
			return fmt.Errorf("set meta %q: %w", k, err)
		}
	}
	return nil
}

func checkWrite(w Write) error {
	v := w.Version
	for _, c := range []struct{ what, s string }{{"id", v.ID}, {"kind", v.Kind}, {"rev", v.Rev}} {
		if err := checkName(c.what, c.s); err != nil {
			return err
		}
	}
	for _, t := range w.Terms {
		if err := checkName("index", t.Index); err != nil {
			return err
		}
		if err := checkPart("term value", t.Value); err != nil {
			return err
		}
	}
	return nil
}

func applyWrite(txn *badger.Txn, w Write) error {
	if err := checkWrite(w); err != nil {
		return err
	}
	v := w.Version
	if w.Outbox {
		if err := txn.Set(outboxKey(v.Rev, v.ID), nil); err != nil {
			return err
		}
	}
	if w.History {
		if w.ForceHead || w.Fresh {
			return fmt.Errorf("record %q: a history write cannot be head: %w", v.ID, ErrInvalid)
		}
		head, headKind, err := currentHead(txn, v.ID)
		if err != nil {
			return err
		}
		if head != "" && headKind != v.Kind {
			return fmt.Errorf("record %q is %q, not %q: %w", v.ID, headKind, v.Kind, ErrInvalid)
		}
		return putVersion(txn, v)
	}
	if w.Fresh {
		return applyFresh(txn, w)
	}
	head, headKind, err := currentHead(txn, v.ID)
	if err != nil {
		return err
	}
	if head != "" && headKind != v.Kind {
		return fmt.Errorf("record %q is %q, not %q: %w", v.ID, headKind, v.Kind, ErrInvalid)
	}
	if err := putVersion(txn, v); err != nil {
		return err
	}
	if head > v.Rev && !w.ForceHead {
		return nil
	}
	if err := txn.Set(headKey(v.ID), []byte(v.Rev)); err != nil {
		return err
	}
	if head == "" {
		if err := txn.Set(kindKey(v.Kind, v.ID), nil); err != nil {
			return err
		}
	}
	return replaceTerms(txn, v.ID, w.Terms)
}

// applyFresh writes the first version of a record without reading anything.
func applyFresh(txn *badger.Txn, w Write) error {
	for _, kv := range freshSets(w) {
		if err := txn.Set(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// freshSets are the keys and values of the first version of a record:
// the version, head, kind and terms (the outbox entry is the caller's).
func freshSets(w Write) [][2][]byte {
	v := w.Version
	sets := [][2][]byte{{versionKey(v.ID, v.Rev), encodeVersion(v.Kind, v.Blob)}, {headKey(v.ID), []byte(v.Rev)}, {kindKey(v.Kind, v.ID), nil}}
	ts := uniqueTerms(w.Terms)
	for _, t := range ts {
		sets = append(sets, [2][]byte{termKey(t, v.ID), nil})
	}
	if len(ts) > 0 {
		sets = append(sets, [2][]byte{termsKey(v.ID), encodeTerms(ts)})
	}
	return sets
}

// currentHead returns the record's head rev and kind, or "" for a new record.
func currentHead(txn *badger.Txn, id string) (rev, kind string, err error) {
	item, err := txn.Get(headKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	hv, err := headVersion(txn, id, item)
	if err != nil {
		return "", "", err
	}
	return hv.Rev, hv.Kind, nil
}

// putVersion stores v unless the same version is stored already.
func putVersion(txn *badger.Txn, v Version) error {
	val := encodeVersion(v.Kind, v.Blob)
	item, err := txn.Get(versionKey(v.ID, v.Rev))
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return txn.Set(versionKey(v.ID, v.Rev), val)
	case err != nil:
		return err
	}
	old, err := item.ValueCopy(nil)
	if err != nil {
		return err
	}
	if !bytes.Equal(old, val) {
		return fmt.Errorf("record %q rev %q: %w", v.ID, v.Rev, ErrRevExists)
	}
	return nil
}

// replaceTerms makes ts the record's complete term set.
func replaceTerms(txn *badger.Txn, id string, ts []Term) error {
	old, err := storedTerms(txn, id)
	if err != nil {
		return err
	}
	ts = uniqueTerms(ts)
	for _, t := range old {
		if !slices.Contains(ts, t) {
			if err := txn.Delete(termKey(t, id)); err != nil {
				return err
			}
		}
	}
	for _, t := range ts {
		if err := txn.Set(termKey(t, id), nil); err != nil {
			return err
		}
	}
	if len(ts) == 0 {
		return txn.Delete(termsKey(id))
	}
	return txn.Set(termsKey(id), encodeTerms(ts))
}

func storedTerms(txn *badger.Txn, id string) ([]Term, error) {
	item, err := txn.Get(termsKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := item.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	return decodeTerms(b)
}

func uniqueTerms(ts []Term) []Term {
	out := slices.Clone(ts)
	slices.SortFunc(out, func(a, b Term) int {
		if c := cmp.Compare(a.Index, b.Index); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return slices.Compact(out)
}

func appendAudit(txn *badger.Txn, a AuditEntry) error {
	_, err := txn.Get(auditKey(a.Seq))
	switch {
	case err == nil:
		return fmt.Errorf("audit seq %d: %w", a.Seq, ErrAuditSeqExists)
	case !errors.Is(err, badger.ErrKeyNotFound):
		return err
	}
	return txn.Set(auditKey(a.Seq), a.Data)
}
