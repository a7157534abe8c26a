package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Redaction in Badger. Setting a key again leaves its older version, with
// the sealed bytes, in the tables until a compaction drops it and in the
// value log until its file is rewritten. Redact therefore works in chunks
// of redactChunk envelopes, each crash-safe:
//
//  1. commit the chunk's redacted envelopes under a pending key
//     p/<office>\x00<order>\x00<chunk>, and the ids under r/<office>\x00<id>;
//  2. drop the chunk's envelope keys from every table with DropPrefix (an
//     envelope key is fixed-length, so the prefix is the key alone);
//  3. set the redacted envelopes again and delete the pending key;
//
// and then runs the value-log GC until it finds nothing to rewrite. A
// crash after 1 leaves the pending key, which Open finishes (2 and 3
// again). All of it runs under the write lock, so no push writes while
// DropPrefix blocks writes.
const redactChunk = 1000

var (
	pendingPfx = []byte("p/")
)

func redactKey(office, id string) []byte { return []byte("r/" + office + sep + id) }

func pendingKey(office, order string, chunk uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte("p/"+office+sep+order+sep), chunk)
}

// redactedOrder returns the order that redacted id in office ("" when
// none did).
func redactedOrder(txn *badger.Txn, office, id string) (string, error) {
	v, err := get(txn, redactKey(office, id), "")
	if errors.Is(err, central.ErrNotFound) {
		return "", nil
	}
	return string(v), err
}

// encodePending encodes a chunk: per envelope its cursor and its encoded
// (redacted) value.
func encodePending(cursors []uint64, values [][]byte) []byte {
	w := writer{}
	w.u8(valueV1)
	w.u64(uint64(len(cursors)))
	for i, c := range cursors {
		w.u64(c)
		w.bytes(values[i])
	}
	return w.b
}

func decodePending(b []byte) (cursors []uint64, values [][]byte, err error) {
	r := newReader("pending redaction", b)
	n := r.u64()
	if r.err == nil && n > redactChunk {
		r.fail("%d envelopes", n)
	}
	for i := uint64(0); i < n && r.err == nil; i++ {
		cursors = append(cursors, r.u64())
		values = append(values, r.bytes(maxString))
	}
	return cursors, values, r.end()
}

// Redact redacts the office's envelopes of ids (central.Store).
func (s *Store) Redact(ctx context.Context, office, order string, ids []string) (int, error) {
	if err := central.CheckRedact(office, order, ids); err != nil {
		return 0, fmt.Errorf("redact: %w", err)
	}
	if err := s.enter(ctx); err != nil {
		return 0, err
	}
	if err := s.lock(ctx); err != nil {
		s.leave()
		return 0, err
	}
	n, err := s.redact(office, order, ids)
	s.unlock()
	s.leave()
	if err == nil && n > 0 {
		err = s.life.Exclusive(s.rotate)
	}
	if err != nil {
		return n, fmt.Errorf("redact records of office %s: %w", office, err)
	}
	return n, nil
}

// rotate reopens the database, which starts a new value-log file (Badger
// never collects the file it writes to), and collects the files that held
// dropped values. Run with no call running (Life.Exclusive).
func (s *Store) rotate() error {
	opts := s.db.Opts()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close to start a new value log: %w", err)
	}
	db, err := badger.Open(opts)
	if err != nil {
		return fmt.Errorf("reopen after a redaction: %w", err)
	}
	s.db = db
	return s.collect()
}

func (s *Store) redact(office, order string, ids []string) (int, error) {
	var cursors []uint64
	var values [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		if _, err := getOffice(txn, office); err != nil {
			return err
		}
		for _, id := range ids {
			c, v, err := toRedact(txn, office, order, id)
			if err != nil {
				return fmt.Errorf("record %s: %w", id, err)
			}
			cursors, values = append(cursors, c...), append(values, v...)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	wb := s.db.NewWriteBatch()
	for _, id := range ids {
		if err := wb.Set(redactKey(office, id), []byte(order)); err != nil {
			wb.Cancel()
			return 0, err
		}
	}
	if err := wb.Flush(); err != nil {
		return 0, err
	}
	for chunk := 0; chunk*redactChunk < len(cursors); chunk++ {
		lo, hi := chunk*redactChunk, min((chunk+1)*redactChunk, len(cursors))
		key := pendingKey(office, order, uint32(chunk))
		err := s.db.Update(func(txn *badger.Txn) error {
			return txn.Set(key, encodePending(cursors[lo:hi], values[lo:hi]))
		})
		if err != nil {
			return lo, err
		}
		if err := s.finishChunk(office, key, cursors[lo:hi], values[lo:hi]); err != nil {
			return lo, err
		}
	}
	return len(cursors), nil
}

// toRedact returns the cursors of the stored envelopes of record id that
// are not redacted yet, with their redacted values.
func toRedact(txn *badger.Txn, office, order, id string) ([]uint64, [][]byte, error) {
	var cursors []uint64
	var values [][]byte
	// indexKey of an empty rev: the prefix of every rev of id.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: indexKey(office, central.Key{ID: id})})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, nil, err
		}
		c, _, err := decodeIndex(v)
		if err != nil {
			return nil, nil, err
		}
		ev, err := get(txn, cursorKey(office, c), "envelope")
		if err != nil {
			return nil, nil, err
		}
		e, err := decodeEnvelope(ev)
		if err != nil {
			return nil, nil, err
		}
		if _, _, marked := central.ParseRedaction(e.Data); !marked {
			cursors = append(cursors, c)
			values = append(values, encodeEnvelope(central.Redacted(e, order)))
		}
	}
	return cursors, values, nil
}

// finishChunk drops the chunk's envelope keys, sets their redacted values
// and deletes the pending key.
func (s *Store) finishChunk(office string, pending []byte, cursors []uint64, values [][]byte) error {
	keys := make([][]byte, len(cursors))
	for i, c := range cursors {
		keys[i] = cursorKey(office, c)
	}
	if err := s.db.DropPrefix(keys...); err != nil {
		return fmt.Errorf("drop the sealed bytes: %w", err)
	}
	return s.db.Update(func(txn *badger.Txn) error {
		for i, k := range keys {
			if err := txn.Set(k, values[i]); err != nil {
				return err
			}
		}
		return txn.Delete(pending)
	})
}

// finishPending finishes the redactions a crash interrupted (at Open).
func (s *Store) finishPending() error {
	type chunk struct {
		key     []byte
		cursors []uint64
		values  [][]byte
	}
	var todo []chunk
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: pendingPfx})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			c, vals, err := decodePending(v)
			if err != nil {
				return err
			}
			todo = append(todo, chunk{it.Item().KeyCopy(nil), c, vals})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read pending redactions: %w", err)
	}
	for _, c := range todo {
		office, _, ok := bytes.Cut(c.key[len(pendingPfx):], []byte(sep))
		if !ok {
			return fmt.Errorf("pending redaction key %q: %w", c.key, central.ErrCorrupt)
		}
		if err := s.finishChunk(string(office), c.key, c.cursors, c.values); err != nil {
			return fmt.Errorf("finish a redaction: %w", err)
		}
	}
	if len(todo) > 0 {
		return s.collect()
	}
	return nil
}

// collect runs the value-log GC with a low ratio until it finds no file
// to rewrite, so that a file holding sealed bytes a redaction dropped is
// rewritten without them.
func (s *Store) collect() error {
	for {
		// The smallest ratio: a file with any dropped value is rewritten.
		err := s.db.RunValueLogGC(1e-9)
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("value log gc: %w", err)
		}
	}
}
