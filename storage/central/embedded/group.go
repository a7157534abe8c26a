package embedded

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Group commit. Badger is opened with SyncWrites, so every commit costs an
// fsync; pushes of many devices at once would each wait for the fsyncs of
// all before them. Instead a push queues its batch and waits for the write
// lock. Whoever takes the lock (a leader) takes every batch queued at that
// moment and applies them in queue order in one transaction, each checked
// against the state the batches before it left (Badger's transaction reads
// its own pending writes), commits once and answers each caller with its
// own result or error; the pushes queued meanwhile wait for the next
// leader, one of themselves. A batch's checks and reads all come before
// its writes, so a batch that fails a check writes nothing and the others
// of its group do not see it.
//
// A group that would exceed one transaction is cut before the batch that
// does not fit: the batches before it commit, the rest start a new
// transaction. If the commit fails, each batch of the group is tried again
// in its own transaction, so that each caller gets the answer of its own
// batch alone.

// pushReq is one queued push.
type pushReq struct {
	b    central.Batch
	res  central.PushResult
	err  error
	done chan struct{} // closed when res and err are set
}

// kv is one write of a staged batch.
type kv struct{ k, v []byte }

// Push stores a batch (central.Store).
func (s *Store) Push(ctx context.Context, b central.Batch) (central.PushResult, error) {
	b, err := central.CheckBatch(b)
	if err != nil {
		return central.PushResult{}, fmt.Errorf("push: %w", err)
	}
	res, err := s.push(ctx, b)
	if err != nil {
		return central.PushResult{}, fmt.Errorf("push of device %s to office %s: %w", b.Device, b.Office, err)
	}
	return res, nil
}

func (s *Store) push(ctx context.Context, b central.Batch) (central.PushResult, error) {
	if err := s.enter(ctx); err != nil {
		return central.PushResult{}, err
	}
	defer s.leave()
	r := &pushReq{b: b, done: make(chan struct{})}
	s.qmu.Lock()
	s.queue = append(s.queue, r)
	s.qmu.Unlock()
	select {
	case <-r.done:
	case s.wlock <- struct{}{}:
		// The lock is ours: every earlier leader has answered its group,
		// so r is answered or still queued, and then this group takes it.
		func() {
			defer s.unlock()
			s.lead()
		}()
	case <-ctx.Done():
		if s.dequeue(r) {
			return central.PushResult{}, ctx.Err()
		}
		// Taken by a leader: committed or not as a whole.
	}
	<-r.done
	return r.res, r.err
}

// dequeue removes r from the queue; false when a leader took it.
func (s *Store) dequeue(r *pushReq) bool {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	for i, q := range s.queue {
		if q == r {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			return true
		}
	}
	return false
}

// lead, under the write lock, commits every queued batch and answers them.
func (s *Store) lead() {
	s.qmu.Lock()
	reqs := s.queue
	s.queue = nil
	s.qmu.Unlock()
	answered := false
	defer func() {
		if !answered {
			// A panic: no caller may wait for ever. The panic goes on
			// in the leader's goroutine.
			for _, r := range reqs {
				r.res, r.err = central.PushResult{}, errors.New("group commit failed")
			}
		}
		for _, r := range reqs {
			close(r.done)
		}
	}()
	s.commitAll(reqs, true)
	answered = true
}

// errTooLarge is the answer to a batch that alone exceeds a transaction.
var errTooLarge = fmt.Errorf("too large for one transaction: %w", central.ErrInvalid)

// commitGroup applies a prefix of reqs (at least one) in one transaction,
// commits it and sets the answers of that prefix; it returns the prefix's
// length. With retry, a failed commit is tried again batch by batch.
func (s *Store) commitGroup(reqs []*pushReq, retry bool) int {
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	var size, count int64
	written := false // some batch's writes are in txn
	n := 0
	for ; n < len(reqs); n++ {
		r := reqs[n]
		w, res, err := stage(txn, r.b)
		if err != nil {
			r.res, r.err = central.PushResult{}, err
			continue
		}
		r.res, r.err = res, nil
		ws, wc := s.estimate(w)
		if written && (size+ws >= s.maxSize || count+wc >= s.maxCount) {
			break // commit what fits; r starts the next group
		}
		for _, e := range w {
			if err := txn.Set(e.k, e.v); err != nil {
				// Some of r's writes are in txn: the batches before
				// it go again in a new transaction, without it.
				txn.Discard()
				if errors.Is(err, badger.ErrTxnTooBig) {
					if written {
						// Badger counted otherwise than estimate: r
						// starts the next group.
						return s.commitAll(reqs[:n], retry)
					}
					err = errTooLarge // r alone is too large
				}
				s.commitAll(reqs[:n], retry)
				r.res, r.err = central.PushResult{}, err
				return n + 1
			}
		}
		if len(w) > 0 {
			written = true
			size += ws
			count += wc
		}
	}
	if !written {
		return n // nothing to write: every answer is set
	}
	if testHookBeforeCommit != nil {
		testHookBeforeCommit()
	}
	if err := commit(txn, n); err != nil {
		if !retry || n == 1 {
			for _, r := range reqs[:n] {
				if r.err == nil {
					r.res, r.err = central.PushResult{}, err
				}
			}
			return n
		}
		// Each batch alone, so that each gets its own answer.
		for i := 0; i < n; {
			i += s.commitGroup(reqs[i:i+1], false)
		}
	}
	return n
}

// testHookCommit, when set, is called with the number of batches of a
// group before it commits; an error stands for a failed commit.
var testHookCommit func(batches int) error

func commit(txn *badger.Txn, batches int) error {
	if testHookCommit != nil {
		if err := testHookCommit(batches); err != nil {
			return err
		}
	}
	return txn.Commit()
}

// commitAll commits reqs in as few groups as fit and returns len(reqs).
func (s *Store) commitAll(reqs []*pushReq, retry bool) int {
	for i := 0; i < len(reqs); {
		i += s.commitGroup(reqs[i:], retry)
	}
	return len(reqs)
}

// estimate returns the size and count that Badger charges a transaction
// for the writes w (Txn.checkSize).
func (s *Store) estimate(w []kv) (size, count int64) {
	for _, e := range w {
		v := int64(len(e.v))
		if v >= s.threshold {
			v = 12 // a value pointer
		}
		size += int64(len(e.k)) + v + 2 + 10
	}
	return size, int64(len(w))
}

// stage reads and checks a batch against the state of txn and returns its
// writes, not yet done, and its result.
func stage(txn *badger.Txn, b central.Batch) ([]kv, central.PushResult, error) {
	off, err := getOffice(txn, b.Office)
	if err != nil {
		return nil, central.PushResult{}, err
	}
	dev, err := getDevice(txn, b.Office, b.Device)
	if err != nil {
		return nil, central.PushResult{}, err
	}
	if dev.Revoked {
		return nil, central.PushResult{}, fmt.Errorf("device %s: %w", b.Device, central.ErrRevoked)
	}
	stored := map[central.Key][32]byte{}
	for _, e := range b.Envelopes {
		k := central.Key{ID: e.ID, Rev: e.Rev}
		v, err := get(txn, indexKey(b.Office, k), "")
		if errors.Is(err, central.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, central.PushResult{}, err
		}
		_, sum, err := decodeIndex(v)
		if err != nil {
			return nil, central.PushResult{}, err
		}
		stored[k] = sum
	}
	fresh, dups, err := central.Split(b.Envelopes, stored)
	if err != nil {
		return nil, central.PushResult{}, err
	}
	head, err := central.Continue(b.Device, dev.Chain, fresh)
	if err != nil {
		return nil, central.PushResult{}, err
	}
	changed := len(fresh) > 0
	if b.Anchor != nil {
		var moved bool
		if dev.Anchor, moved, err = central.Advance(b.Device, dev.Anchor, *b.Anchor); err != nil {
			return nil, central.PushResult{}, err
		}
		changed = changed || moved
	}
	var w []kv
	if len(fresh) > 0 {
		w = make([]kv, 0, 2*len(fresh)+2)
	}
	for _, e := range fresh {
		off.Last++
		sum := central.Sum(e)
		// A record erased on the server: its later versions are stored
		// redacted at once (their Sum stays that of the pushed bytes).
		order, err := redactedOrder(txn, b.Office, e.ID)
		if err != nil {
			return nil, central.PushResult{}, err
		}
		if order != "" {
			e = central.Redacted(e, order)
		}
		w = append(w, kv{cursorKey(b.Office, off.Last), encodeEnvelope(e)},
			kv{indexKey(b.Office, central.Key{ID: e.ID, Rev: e.Rev}), encodeIndex(off.Last, sum)})
	}
	dev.Chain = head
	if b.At.After(dev.LastContact) {
		dev.LastContact = b.At
		changed = true
	}
	res := central.PushResult{Stored: len(fresh), Duplicates: dups, Head: head, Last: off.Last}
	if !changed {
		return nil, res, nil
	}
	w = append(w, kv{officeKey(b.Office), encodeOffice(off)}, kv{deviceKey(b.Office, b.Device), encodeDevice(dev)})
	return w, res, nil
}
