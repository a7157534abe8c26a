package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/encoding/protowire"
)

// Snapshot is a consistent view of the whole store (a read transaction):
// writes committed after NewSnapshot are not in it, and the store stays
// usable meanwhile. Close it when done.
type Snapshot struct{ txn *badger.Txn }

// NewSnapshot takes a snapshot of the store as it is now.
func (s *Store) NewSnapshot() *Snapshot { return &Snapshot{txn: s.db.NewTransaction(false)} }

// Close releases the snapshot.
func (sn *Snapshot) Close() { sn.txn.Discard() }

// Each calls fn with every key and value of the snapshot, in key order.
// The slices are valid only during the call. It stops at the first error
// of fn or when ctx is done.
func (sn *Snapshot) Each(ctx context.Context, fn func(key, value []byte) error) error {
	// Values are read in place, one after the other: prefetching starts a
	// goroutine per item, which cost more than the reads it saved (a
	// fifth of a backup's CPU time).
	it := sn.txn.NewIterator(badger.IteratorOptions{})
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
}

// loadBatch is how many bytes of keys and values Load hands Badger at once.
const loadBatch = 4 << 20

// Load makes a new store in dir, which must not exist or be empty, from the
// pairs next returns in strictly ascending key order until io.EOF (what
// Snapshot gave); next is called on the caller's goroutine. It writes
// Badger's tables directly (a stream writer), which is fast and leaves the
// store settled, and closes the store; Open then opens it with the same
// key. A key out of order wraps ErrInvalid. On an error dir may hold a
// partial store: the caller removes it.
func Load(dir string, key []byte, next func() (k, v []byte, err error)) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("load store into %s: folder not empty: %w", dir, ErrInvalid)
	}
	s, err := Open(dir, key, Options{Bulk: true})
	if err != nil {
		return fmt.Errorf("load store: %w", err)
	}
	if err := s.load(next); err != nil {
		_ = s.Close()
		return fmt.Errorf("load store into %s: %w", dir, err)
	}
	return s.Close()
}

func (s *Store) load(next func() (k, v []byte, err error)) error {
	sw := s.db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		return err
	}
	// Two goroutines: this one calls next (the caller's goroutine, as
	// Load promises) and frames the pairs into one buffer while the other
	// hands Badger the buffer filled before (on a restore, reading is
	// decrypting). Badger's own goroutine builds the tables.
	free := make(chan *z.Buffer, 2)
	full := make(chan *z.Buffer, 1)
	for range 2 {
		free <- z.NewBuffer(loadBatch+(1<<20), "local.Load")
	}
	stop := make(chan struct{})
	writeErr := make(chan error, 1)
	go func() {
		var err error
		for buf := range full {
			if err == nil {
				if err = sw.Write(buf); err != nil {
					close(stop)
				}
			}
			buf.Reset()
			free <- buf
		}
		writeErr <- err
	}()
	err := fill(next, free, full, stop)
	close(full)
	if werr := <-writeErr; werr != nil {
		err = werr
	}
	close(free)
	for buf := range free {
		_ = buf.Release()
	}
	if err != nil {
		sw.Cancel()
		return err
	}
	return sw.Flush()
}

// fill reads the pairs next returns into the buffers it takes from free,
// as Badger's stream writer reads them, and sends each on full once it
// holds loadBatch bytes, and the last one at io.EOF. It stops early when
// stop is closed (the writer failed).
func fill(next func() (k, v []byte, err error), free <-chan *z.Buffer, full chan<- *z.Buffer, stop <-chan struct{}) error {
	var buf *z.Buffer
	take := func() bool {
		select {
		case buf = <-free:
			return true
		case <-stop:
			return false
		}
	}
	if !take() {
		return nil
	}
	var prev []byte
	for {
		k, v, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if prev != nil && bytes.Compare(k, prev) <= 0 {
			return fmt.Errorf("key out of order: %w", ErrInvalid)
		}
		prev = append(prev[:0], k...)
		appendKV(buf, k, v)
		if buf.LenNoPadding() >= loadBatch {
			full <- buf
			if !take() {
				return nil
			}
		}
	}
	if buf.LenNoPadding() > 0 {
		full <- buf
	}
	return nil
}

// appendKV adds key and value to buf as the stream writer reads them: a
// pb.KV of version 1 in protobuf's wire form, as badger.KVToBuffer
// writes it, framed the other way. Written by hand because a restore
// hands over millions of small pairs, and the reflective encoder spent a
// fifth of the restore on them. TestAppendKV holds it to KVToBuffer.
func appendKV(buf *z.Buffer, key, value []byte) {
	n := 1 + protowire.SizeBytes(len(key)) + 1 + 1 // key, version
	if len(value) > 0 {
		n += 1 + protowire.SizeBytes(len(value))
	}
	b := buf.SliceAllocate(n)[:0]
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, key)
	if len(value) > 0 {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, value)
	}
	b = protowire.AppendTag(b, 4, protowire.VarintType)
	_ = protowire.AppendVarint(b, 1)
}

// Size is the store's size on disk in bytes (Badger's tables and value
// log), an estimate of what a snapshot holds.
func (s *Store) Size() int64 {
	lsm, vlog := s.db.Size()
	return lsm + vlog
}

// AuditKeySeq reports whether key, as Snapshot gives it, is an access-log
// entry, and its sequence number.
func AuditKeySeq(key []byte) (uint64, bool) {
	// Checked before auditSeq, which words an error for every other key
	// (a tenth of a restore's time went into those errors).
	if len(key) != len(auditPrefix)+8 || !bytes.HasPrefix(key, auditPrefix) {
		return 0, false
	}
	seq, err := auditSeq(key)
	return seq, err == nil
}
