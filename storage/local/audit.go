package local

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// LastAudit returns the audit entry with the highest seq; ErrNotFound when
// the log is empty.
func (s *Store) LastAudit() (AuditEntry, error) {
	var a AuditEntry
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: auditPrefix, Reverse: true})
		defer it.Close()
		it.Seek(auditKey(^uint64(0)))
		if !it.Valid() {
			return ErrNotFound
		}
		var err error
		a, err = itemAudit(it.Item())
		return err
	})
	if err != nil {
		return AuditEntry{}, fmt.Errorf("last audit entry: %w", err)
	}
	return a, nil
}

// AuditRange calls fn for every audit entry with seq >= from, in ascending
// order, and stops at fn's first error, which it returns unchanged.
func (s *Store) AuditRange(from uint64, fn func(AuditEntry) error) error {
	var fnErr error
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: auditPrefix, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Seek(auditKey(from)); it.Valid(); it.Next() {
			a, err := itemAudit(it.Item())
			if err != nil {
				return err
			}
			if fnErr = fn(a); fnErr != nil {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit range from %d: %w", from, err)
	}
	return fnErr
}

func itemAudit(item *badger.Item) (AuditEntry, error) {
	seq, err := auditSeq(item.Key())
	if err != nil {
		return AuditEntry{}, err
	}
	data, err := item.ValueCopy(nil)
	if err != nil {
		return AuditEntry{}, err
	}
	return AuditEntry{Seq: seq, Data: data}, nil
}
