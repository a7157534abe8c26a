// Package embedded is the central store on an embedded Badger database: one
// directory, one server process (Badger locks the directory). It is the
// default of `madoguchi server`; storage/central/pg serves several server
// processes from one PostgreSQL database.
//
// Cursors: every write goes through one lock, and a push gives out its
// cursors and commits inside it, so envelopes commit in cursor order.
// Concurrent pushes share a transaction and its fsync (group commit,
// group.go): one push at a time holds the lock and commits every push
// queued at that moment, in queue order, each checked against the state
// the ones before it left.
// Badger hands a reader a snapshot at a timestamp below which every commit
// has finished, so a reader that sees cursor n sees every cursor below n:
// polling with the last cursor seen never skips one.
//
// The directory holds only what the server may hold: sealed envelopes,
// device records, token hashes, login verifiers and the offices' signed
// user tables (whose key bundles are sealed). Badger's compression is
// off (ciphertext does not compress), so a scan of the files for plaintext
// sees the bytes as stored.
package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// SchemaVersion is the key layout this program writes (codec.go).
const SchemaVersion = 1

// Store is a central.Store on a Badger directory.
type Store struct {
	db *badger.DB

	life central.Life // open until Close, which waits for running calls
	// wlock (capacity 1) is the write lock: it serialises the writes, so
	// that cursors are given out and committed in one order. A channel,
	// so that a caller waiting for it can give up when its context ends.
	wlock chan struct{}

	// queue holds the pushes waiting for a group commit (group.go).
	qmu   sync.Mutex
	queue []*pushReq
	// maxSize and maxCount bound a group's transaction as Badger counts
	// it; threshold is the value size from which Badger counts a value
	// pointer instead of the value (tests raise maxSize and maxCount to
	// let Badger refuse with ErrTxnTooBig).
	maxSize, maxCount, threshold int64
}

var _ central.Store = (*Store)(nil)

// testHookBeforeCommit, when set, runs inside a push after its cursors
// are given out and before it commits (tests widen that window with it).
var testHookBeforeCommit func()

// Open opens or creates the store in dir (mode 0700). Another process (or
// Store) on the same directory gives ErrInUse.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open central store: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open central store: %w", err)
	}
	db, err := badger.Open(badgerOptions(dir))
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("open central store %s: %w", dir, central.ErrInUse)
		}
		return nil, fmt.Errorf("open central store %s: %w", dir, err)
	}
	s := &Store{db: db, wlock: make(chan struct{}, 1),
		maxSize: db.MaxBatchSize(), maxCount: db.MaxBatchCount(), threshold: db.Opts().ValueThreshold}
	if err := s.checkSchema(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open central store %s: %w", dir, err)
	}
	if err := s.finishPending(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open central store %s: %w", dir, err)
	}
	return s, nil
}

// valueThreshold is the size from which Badger keeps a value in its value
// log and a pointer to it in the tables (badgerOptions); tests raise it.
var valueThreshold int64 = 1 << 10

// badgerOptions: SyncWrites, so a push that returned is on disk; no
// compression; values of valueThreshold bytes and more in the value log.
// That is where envelopes go (all but the smallest): written once, never
// again by a compaction, and a pull reads them in place from Badger's map
// of the file, where a value in a table is copied twice by Badger's
// iterator before anyone sees it. It also keeps the largest batch
// (MaxBatch envelopes, MaxBatchBytes) well within one transaction of a
// 64 MiB memtable (Badger's largest is 15 % of it). The values that
// change on every push (office, device: a few hundred bytes) stay in the
// tables, where compactions drop their old versions; the value log is
// rewritten only by a redaction (redact.go).
func badgerOptions(dir string) badger.Options {
	return badger.DefaultOptions(dir).
		WithSyncWrites(true).
		WithCompression(options.None).
		WithMemTableSize(64 << 20).
		WithValueThreshold(valueThreshold).
		WithBlockCacheSize(64 << 20).
		WithNumVersionsToKeep(1).
		WithLogger(nil)
}

func (s *Store) checkSchema() error {
	return s.db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(schemaKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			// A new store, or one whose schema key is gone.
			it := txn.NewIterator(badger.IteratorOptions{})
			defer it.Close()
			if it.Rewind(); it.Valid() {
				return fmt.Errorf("a store without its schema version: %w", central.ErrCorrupt)
			}
			return txn.Set(schemaKey, []byte(strconv.Itoa(SchemaVersion)))
		}
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(string(v))
		switch {
		case err != nil || n < 1:
			return fmt.Errorf("schema version %q: %w", v, central.ErrCorrupt)
		case n > SchemaVersion:
			return fmt.Errorf("schema version %d, this program knows %d: %w", n, SchemaVersion, central.ErrNewerSchema)
		}
		return nil
	})
}

// Close closes the database; it waits for running calls.
func (s *Store) Close() error {
	return s.life.Close(s.db.Close)
}

func (s *Store) enter(ctx context.Context) error { return s.life.Enter(ctx) }

func (s *Store) leave() { s.life.Leave() }

// update runs fn in a read-write transaction under the write lock.
func (s *Store) update(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	if err := fn(txn); err != nil {
		if errors.Is(err, badger.ErrTxnTooBig) {
			return fmt.Errorf("too large for one transaction: %w", central.ErrInvalid)
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return txn.Commit()
}

// lock takes the write lock, or gives up with the context's error.
func (s *Store) lock(ctx context.Context) error {
	select {
	case s.wlock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) unlock() { <-s.wlock }

// view runs fn in a read-only transaction.
func (s *Store) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	return s.db.View(fn)
}

// get returns a copy of the value of key, or ErrNotFound naming what.
func get(txn *badger.Txn, key []byte, what string) ([]byte, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("%s: %w", what, central.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

func getOffice(txn *badger.Txn, id string) (office, error) {
	v, err := get(txn, officeKey(id), "office "+id)
	if err != nil {
		return office{}, err
	}
	return decodeOffice(v)
}

func getDevice(txn *badger.Txn, officeID, id string) (central.Device, error) {
	if _, err := getOffice(txn, officeID); err != nil {
		return central.Device{}, err
	}
	v, err := get(txn, deviceKey(officeID, id), "device "+id+" of office "+officeID)
	if err != nil {
		return central.Device{}, err
	}
	return decodeDevice(v, officeID, id)
}

func getLogin(txn *badger.Txn, officeID, login string) (central.Login, error) {
	if _, err := getOffice(txn, officeID); err != nil {
		return central.Login{}, err
	}
	v, err := get(txn, loginKey(officeID, login), "login "+login)
	if err != nil {
		return central.Login{}, err
	}
	return decodeLogin(v, officeID, login)
}

// Pull returns a page of envelopes (central.Store).
func (s *Store) Pull(ctx context.Context, officeID string, after uint64, limit int) (central.Page, error) {
	// Each envelope's byte fields are copied once into the page's arena.
	var envs []central.Envelope
	var a arena
	p, err := s.pull(ctx, officeID, after, limit, func(e *central.Envelope) error {
		c := *e
		c.Link.Prev, c.Link.Hash, c.Link.Sig = a.copy(e.Link.Prev), a.copy(e.Link.Hash), a.copy(e.Link.Sig)
		c.Data = a.copy(e.Data)
		envs = append(envs, c)
		return nil
	})
	if err != nil {
		return central.Page{}, err
	}
	p.Envelopes = envs
	return p, nil
}

var _ central.EnvelopeReader = (*Store)(nil)

// PullEach hands over the envelopes of the page Pull returns one at a
// time, their byte fields read in place (central.EnvelopeReader).
func (s *Store) PullEach(ctx context.Context, officeID string, after uint64, limit int, fn func(*central.Envelope) error) (central.Page, error) {
	return s.pull(ctx, officeID, after, limit, fn)
}

// pull reads the page after after in one transaction and calls fn with
// each envelope, whose byte fields are Badger's memory (valid during the
// call).
func (s *Store) pull(ctx context.Context, officeID string, after uint64, limit int, fn func(*central.Envelope) error) (central.Page, error) {
	if err := central.CheckID("office", officeID); err != nil {
		return central.Page{}, fmt.Errorf("pull: %w", err)
	}
	limit = central.PageLimit(limit)
	var p central.Page
	var fnErr error
	err := s.view(ctx, func(txn *badger.Txn) error {
		off, err := getOffice(txn, officeID)
		if err != nil {
			return err
		}
		p = central.Page{Next: after, Last: off.Last}
		if after >= off.Last {
			return nil
		}
		// Values are read in place (no prefetch: its goroutine and copy
		// per item cost more than the read). Envelopes are in the value
		// log (badgerOptions), so in place means Badger's map of the file.
		prefix := cursorPrefix(officeID)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		var dev string         // the last envelope's device: a page holds few
		var e central.Envelope // one for the page: fn gets its address
		n, data := 0, 0
		for it.Seek(cursorKey(officeID, after+1)); it.Valid(); it.Next() {
			item := it.Item()
			if n == limit {
				p.More = true
				break
			}
			c, err := splitCursorKey(item.Key(), prefix)
			if err != nil {
				return err
			}
			more := false
			err = item.Value(func(v []byte) error {
				if e, err = viewEnvelope(v, &dev); err != nil {
					return fmt.Errorf("cursor %d: %w", c, err)
				}
				if n > 0 && data+len(e.Data) > central.MaxPageBytes {
					more = true
					return nil
				}
				e.Cursor = c
				if err := fn(&e); err != nil {
					fnErr = err
					return err
				}
				n++
				data += len(e.Data)
				p.Next = c
				return nil
			})
			if err != nil {
				return err
			}
			if more {
				p.More = true
				break
			}
		}
		return ctx.Err()
	})
	if fnErr != nil && errors.Is(err, fnErr) {
		return central.Page{}, fnErr
	}
	if err != nil {
		return central.Page{}, fmt.Errorf("pull of office %s after %d: %w", officeID, after, err)
	}
	return p, nil
}

// AddToken stores a token (central.Store).
func (s *Store) AddToken(ctx context.Context, t central.Token) error {
	t, err := central.CheckToken(t)
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	err = s.update(ctx, func(txn *badger.Txn) error {
		if t.Office != "" {
			if _, err := getOffice(txn, t.Office); err != nil {
				return err
			}
		}
		if _, err := get(txn, tokenKey(t.Hash), ""); err == nil {
			return fmt.Errorf("token stored before: %w", central.ErrConflict)
		} else if !errors.Is(err, central.ErrNotFound) {
			return err
		}
		return txn.Set(tokenKey(t.Hash), encodeToken(t))
	})
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// Token returns a stored token (central.Store).
func (s *Store) Token(ctx context.Context, hash []byte) (central.Token, error) {
	var t central.Token
	err := s.view(ctx, func(txn *badger.Txn) error {
		v, err := get(txn, tokenKey(hash), "token")
		if err != nil {
			return err
		}
		t, err = decodeToken(v, hash)
		return err
	})
	if err != nil {
		return central.Token{}, fmt.Errorf("token: %w", err)
	}
	return t, nil
}

// Enroll consumes a token and adds a device (central.Store).
func (s *Store) Enroll(ctx context.Context, hash []byte, d central.Device, now time.Time) (central.Device, error) {
	if err := central.CheckDevice(d); err != nil {
		return central.Device{}, fmt.Errorf("enroll: %w", err)
	}
	now = central.Time(now)
	var out central.Device
	err := s.update(ctx, func(txn *badger.Txn) error {
		v, err := get(txn, tokenKey(hash), "token")
		if err != nil {
			return err
		}
		tok, err := decodeToken(v, hash)
		if err != nil {
			return err
		}
		if err := central.TokenUsable(tok, now); err != nil {
			return err
		}
		officeID, create, err := central.EnrollOffice(tok, d)
		if err != nil {
			return err
		}
		if _, err := getOffice(txn, officeID); err == nil && create {
			return fmt.Errorf("office %s exists: %w", officeID, central.ErrConflict)
		} else if err != nil && !(create && errors.Is(err, central.ErrNotFound)) {
			return err
		}
		if create {
			if err := txn.Set(officeKey(officeID), encodeOffice(office{Created: now})); err != nil {
				return err
			}
		}
		if _, err := get(txn, deviceKey(officeID, d.ID), ""); err == nil {
			return fmt.Errorf("device %s exists in office %s: %w", d.ID, officeID, central.ErrConflict)
		} else if !errors.Is(err, central.ErrNotFound) {
			return err
		}
		out = central.Device{Office: officeID, ID: d.ID, Name: d.Name, CertSHA256: bytes.Clone(d.CertSHA256),
			Cert: bytes.Clone(d.Cert), Created: now, LastContact: now}
		if err := txn.Set(deviceKey(officeID, d.ID), encodeDevice(out)); err != nil {
			return err
		}
		tok.UsedAt, tok.UsedBy = now, d.ID
		return txn.Set(tokenKey(hash), encodeToken(tok))
	})
	if err != nil {
		return central.Device{}, fmt.Errorf("enroll device %s: %w", d.ID, err)
	}
	return out, nil
}

// Device returns a device (central.Store).
func (s *Store) Device(ctx context.Context, officeID, id string) (central.Device, error) {
	if err := central.CheckDeviceArgs(officeID, id); err != nil {
		return central.Device{}, err
	}
	var d central.Device
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		d, err = getDevice(txn, officeID, id)
		return err
	})
	return d, err
}

// Devices lists the devices of an office (central.Store).
func (s *Store) Devices(ctx context.Context, officeID string) ([]central.Device, error) {
	if err := central.CheckID("office", officeID); err != nil {
		return nil, err
	}
	var out []central.Device
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := getOffice(txn, officeID); err != nil {
			return err
		}
		pfx := devicePrefix(officeID)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: pfx, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			id := string(it.Item().Key()[len(pfx):])
			if central.CheckID("device", id) != nil {
				return fmt.Errorf("device key %q: %w", it.Item().Key(), central.ErrCorrupt)
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			d, err := decodeDevice(v, officeID, id)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// Logins lists an office's logins (central.Store).
func (s *Store) Logins(ctx context.Context, officeID string) ([]central.Login, error) {
	if err := central.CheckID("office", officeID); err != nil {
		return nil, err
	}
	var out []central.Login
	err := s.view(ctx, func(txn *badger.Txn) error {
		pfx := loginKey(officeID, "")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: pfx, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			login := string(it.Item().Key()[len(pfx):])
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			l, err := decodeLogin(v, officeID, login)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}

// Revoke revokes a device (central.Store).
func (s *Store) Revoke(ctx context.Context, officeID, id string, at time.Time) error {
	if err := central.CheckDeviceArgs(officeID, id); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		d, err := getDevice(txn, officeID, id)
		if err != nil || d.Revoked {
			return err
		}
		d.Revoked, d.RevokedAt = true, central.Time(at)
		return txn.Set(deviceKey(officeID, id), encodeDevice(d))
	})
}

// Touch records a contact (central.Store).
func (s *Store) Touch(ctx context.Context, officeID, id string, at time.Time) error {
	if err := central.CheckDeviceArgs(officeID, id); err != nil {
		return err
	}
	at = central.Time(at)
	return s.update(ctx, func(txn *badger.Txn) error {
		d, err := getDevice(txn, officeID, id)
		if err != nil {
			return err
		}
		if d.Revoked {
			return fmt.Errorf("device %s: %w", id, central.ErrRevoked)
		}
		if !at.After(d.LastContact) {
			return nil
		}
		d.LastContact = at
		return txn.Set(deviceKey(officeID, id), encodeDevice(d))
	})
}

// RenewDevice replaces the device's certificate fingerprint (central.Store).
// The read and the write are one transaction under the write lock, so two
// renewals of one device run one after the other and the second sees the
// first's fingerprint.
func (s *Store) RenewDevice(ctx context.Context, officeID, id string, oldSHA256, newCert []byte, at time.Time) error {
	newSHA256, err := central.CheckRenew(officeID, id, oldSHA256, newCert)
	if err != nil {
		return fmt.Errorf("renew device: %w", err)
	}
	at = central.Time(at)
	err = s.update(ctx, func(txn *badger.Txn) error {
		d, err := getDevice(txn, officeID, id)
		if err != nil {
			return err
		}
		change, err := central.Renew(d, oldSHA256, newSHA256)
		if err != nil || !change {
			return err
		}
		d.CertSHA256, d.Cert, d.PrevCertSHA256 = newSHA256, bytes.Clone(newCert), bytes.Clone(oldSHA256)
		if at.After(d.LastContact) {
			d.LastContact = at
		}
		return txn.Set(deviceKey(officeID, id), encodeDevice(d))
	})
	if err != nil {
		return fmt.Errorf("renew device %s of office %s: %w", id, officeID, err)
	}
	return nil
}

// SetLogin stores a verifier (central.Store).
func (s *Store) SetLogin(ctx context.Context, officeID, login string, verifier []byte) error {
	if err := central.CheckLoginArgs(officeID, login); err != nil {
		return err
	}
	if err := central.CheckVerifier(verifier); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := getOffice(txn, officeID); err != nil {
			return err
		}
		return txn.Set(loginKey(officeID, login), encodeLogin(central.Login{Verifier: verifier}))
	})
}

// AddFirstLogin stores the office's first login (central.Store). The look
// for a login of the office and the write are one transaction under the
// write lock, which every write of the Store takes and Badger's directory
// lock keeps to one process: no login can be stored between them.
func (s *Store) AddFirstLogin(ctx context.Context, officeID, login string, verifier []byte) error {
	if err := central.CheckLoginArgs(officeID, login); err != nil {
		return fmt.Errorf("first login: %w", err)
	}
	if err := central.CheckVerifier(verifier); err != nil {
		return fmt.Errorf("first login: %w", err)
	}
	err := s.update(ctx, func(txn *badger.Txn) error {
		if _, err := getOffice(txn, officeID); err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: loginKey(officeID, "")})
		it.Rewind()
		has := it.Valid()
		it.Close()
		if has {
			return fmt.Errorf("the office has a login already: %w", central.ErrConflict)
		}
		return txn.Set(loginKey(officeID, login), encodeLogin(central.Login{Verifier: verifier}))
	})
	if err != nil {
		return fmt.Errorf("first login of office %s: %w", officeID, err)
	}
	return nil
}

// Login returns a login record (central.Store).
func (s *Store) Login(ctx context.Context, officeID, login string) (central.Login, error) {
	if err := central.CheckLoginArgs(officeID, login); err != nil {
		return central.Login{}, err
	}
	var l central.Login
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		l, err = getLogin(txn, officeID, login)
		return err
	})
	return l, err
}

// LoginFailed counts a failure (central.Store).
func (s *Store) LoginFailed(ctx context.Context, officeID, login string, now time.Time, p central.Lockout) (central.Login, error) {
	if err := central.CheckLoginArgs(officeID, login); err != nil {
		return central.Login{}, err
	}
	var l central.Login
	err := s.update(ctx, func(txn *badger.Txn) error {
		var err error
		if l, err = getLogin(txn, officeID, login); err != nil {
			return err
		}
		l.Failures++
		l.LastFailure = central.Time(now)
		l.LockedUntil = p.Until(l.Failures, now)
		return txn.Set(loginKey(officeID, login), encodeLogin(l))
	})
	if err != nil {
		return central.Login{}, err
	}
	return l, nil
}

// LoginSucceeded clears the failures (central.Store).
func (s *Store) LoginSucceeded(ctx context.Context, officeID, login string) error {
	if err := central.CheckLoginArgs(officeID, login); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		l, err := getLogin(txn, officeID, login)
		if err != nil {
			return err
		}
		if l.Failures == 0 && l.LockedUntil.IsZero() {
			return nil
		}
		l.Failures, l.LockedUntil = 0, time.Time{}
		return txn.Set(loginKey(officeID, login), encodeLogin(l))
	})
}

// DeleteLogin removes a login (central.Store).
func (s *Store) DeleteLogin(ctx context.Context, officeID, login string) error {
	if err := central.CheckLoginArgs(officeID, login); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := getLogin(txn, officeID, login); err != nil {
			return err
		}
		return txn.Delete(loginKey(officeID, login))
	})
}

// PutTable stores the office's user table if its serial is higher
// (central.Store). The read of the stored serial and the write are one
// transaction under the write lock, which every write of the Store takes
// and Badger's directory lock keeps to one process: no write can commit
// between them, so the commit meets no conflict and the serial never goes
// down.
func (s *Store) PutTable(ctx context.Context, officeID string, t central.Table) error {
	t, err := central.CheckTable(officeID, t)
	if err != nil {
		return fmt.Errorf("put user table: %w", err)
	}
	err = s.update(ctx, func(txn *badger.Txn) error {
		if _, err := getOffice(txn, officeID); err != nil {
			return err
		}
		var stored central.Table
		v, err := get(txn, tableKey(officeID), "")
		switch {
		case err == nil:
			if stored, err = decodeTable(v); err != nil {
				return err
			}
		case !errors.Is(err, central.ErrNotFound):
			return err
		}
		replace, err := central.ReplaceTable(officeID, stored.Serial, t.Serial,
			t.Serial == stored.Serial && bytes.Equal(t.Data, stored.Data))
		if err != nil || !replace {
			return err
		}
		return txn.Set(tableKey(officeID), encodeTable(t))
	})
	if err != nil {
		return fmt.Errorf("put user table %d of office %s: %w", t.Serial, officeID, err)
	}
	return nil
}

// Table returns the office's user table (central.Store).
func (s *Store) Table(ctx context.Context, officeID string) (central.Table, error) {
	if err := central.CheckID("office", officeID); err != nil {
		return central.Table{}, fmt.Errorf("user table: %w", err)
	}
	var t central.Table
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := getOffice(txn, officeID); err != nil {
			return err
		}
		v, err := get(txn, tableKey(officeID), "user table of office "+officeID)
		if err != nil {
			return err
		}
		t, err = decodeTable(v)
		return err
	})
	if err != nil {
		return central.Table{}, fmt.Errorf("user table: %w", err)
	}
	return t, nil
}
