// Package pg is the central store on PostgreSQL, through pgx v5. Several
// server processes may serve one database at once (stateless servers
// behind a load balancer); PostgreSQL's own replication and backups make it
// durable. Open migrates the schema (schema.go).
//
// # Cursors with several servers
//
// A reader pulls "everything after the last cursor I saw". With cursors
// from a sequence that would lose rows: push A takes cursor 7, push B takes
// 8 and commits first, a reader sees 8 and moves past 7, and when A commits
// its row is never pulled. Here a push takes its office's row in
// central_offices FOR NO KEY UPDATE before anything else, gives out the
// cursors after the row's last_cursor, writes last_cursor back and commits,
// all in one transaction. The row lock is held to the commit, so the pushes
// of one office commit one after the other in cursor order; and a waiting
// push gets the row only once the push before it is committed and visible
// (PostgreSQL releases a transaction's locks after it has become visible).
// So a snapshot that holds cursor n holds every cursor below n, and since a
// rolled-back push gives its cursors back, the cursors of an office are
// 1, 2, 3, … without gaps. Pushes to other offices do not wait.
//
// Lock order: a push locks the office row, then the device row; Revoke,
// Touch and RenewDevice lock the device row only; Enroll locks the token row, then inserts;
// PutTable locks the office's row in central_tables only (its foreign key
// check takes a key-share lock on the office row, which a push's lock does
// not block); AddFirstLogin locks the office row FOR UPDATE, then inserts
// the login, and SetLogin takes a key-share lock on the office row, then
// writes the login. No two of them wait for each other in opposite orders.
package pg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Store is a central.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool

	life central.Life // open until Close, which waits for running calls
}

var _ central.Store = (*Store)(nil)

// testHookBeforeCommit, when set, runs inside a push after its cursors
// are given out and written and before it commits.
var testHookBeforeCommit func()

// Open connects to the database of dsn (a PostgreSQL connection string;
// pool settings such as pool_max_conns may be part of it) and migrates its
// schema.
func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open central database: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open central database: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool; it waits for running calls.
func (s *Store) Close() error {
	return s.life.Close(func() error { s.pool.Close(); return nil })
}

func (s *Store) enter(ctx context.Context) error { return s.life.Enter(ctx) }

func (s *Store) leave() { s.life.Leave() }

// tx runs fn in a read-committed transaction, whatever the database's
// default: a statement that waited for a row lock then reads the row as
// the transaction before it committed it, and every later statement sees
// that commit (under repeatable read or serializable it would fail instead).
func (s *Store) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	return ctxErr(ctx, pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, fn))
}

// ctxErr makes an error of a canceled call wrap the context's error.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// do runs fn outside a transaction.
func (s *Store) do(ctx context.Context, fn func() error) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	return ctxErr(ctx, fn())
}

func isCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}

const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// ts is a time as a query argument: NULL for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return central.Time(t)
}

// tm is a scanned time in the store's form.
func tm(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return central.Time(t.Time)
}

func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, central.ErrNotFound)
	}
	return err
}

// Push stores a batch (central.Store).
func (s *Store) Push(ctx context.Context, b central.Batch) (central.PushResult, error) {
	b, err := central.CheckBatch(b)
	if err != nil {
		return central.PushResult{}, fmt.Errorf("push: %w", err)
	}
	var res central.PushResult
	err = s.tx(ctx, func(tx pgx.Tx) error {
		// The office's row first: it orders the pushes of the office (see
		// the package comment).
		var last int64
		err := tx.QueryRow(ctx, `SELECT last_cursor FROM central_offices WHERE id = $1 FOR NO KEY UPDATE`, b.Office).Scan(&last)
		if err != nil {
			return notFound(err, "office "+b.Office)
		}
		var (
			revoked             bool
			lastContact, ancAt  pgtype.Timestamptz
			chainSeq, anchorSeq int64
			dev                 central.Device
		)
		err = tx.QueryRow(ctx, `SELECT revoked, last_contact, chain_seq, chain_hash, anchor_seq, anchor_hash, anchor_sig, anchor_at
FROM central_devices WHERE office = $1 AND id = $2 FOR NO KEY UPDATE`, b.Office, b.Device).Scan(
			&revoked, &lastContact, &chainSeq, &dev.Chain.Hash, &anchorSeq, &dev.Anchor.Hash, &dev.Anchor.Sig, &ancAt)
		if err != nil {
			return notFound(err, "device "+b.Device+" of office "+b.Office)
		}
		if revoked {
			return fmt.Errorf("device %s: %w", b.Device, central.ErrRevoked)
		}
		dev.Chain.Seq, dev.Anchor.Seq, dev.Anchor.At, dev.LastContact = uint64(chainSeq), uint64(anchorSeq), tm(ancAt), tm(lastContact)

		stored, redacted, err := storedSums(ctx, tx, b)
		if err != nil {
			return err
		}
		fresh, dups, err := central.Split(b.Envelopes, stored)
		if err != nil {
			return err
		}
		head, err := central.Continue(b.Device, dev.Chain, fresh)
		if err != nil {
			return err
		}
		anchorMoved := false
		if b.Anchor != nil {
			if dev.Anchor, anchorMoved, err = central.Advance(b.Device, dev.Anchor, *b.Anchor); err != nil {
				return err
			}
		}
		if len(fresh) > 0 {
			rows := make([][]any, len(fresh))
			for i, e := range fresh {
				sum := central.Sum(e)
				if order := redacted[e.ID]; order != "" {
					// A record erased on the server: stored redacted.
					e = central.Redacted(e, order)
				}
				rows[i] = []any{b.Office, last + int64(i) + 1, e.ID, e.Rev, e.Device, int64(e.Link.Seq),
					nonNil(e.Link.Prev), e.Link.Hash, nonNil(e.Link.Sig), sum[:], e.Data}
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"central_envelopes"},
				[]string{"office", "cursor_no", "id", "rev", "device", "seq", "prev", "hash", "sig", "sum", "data"},
				pgx.CopyFromRows(rows)); err != nil {
				return err
			}
			last += int64(len(fresh))
			if _, err := tx.Exec(ctx, `UPDATE central_offices SET last_cursor = $2 WHERE id = $1`, b.Office, last); err != nil {
				return err
			}
		}
		if len(fresh) > 0 || anchorMoved || b.At.After(dev.LastContact) {
			_, err := tx.Exec(ctx, `UPDATE central_devices SET chain_seq = $3, chain_hash = $4,
	anchor_seq = $5, anchor_hash = $6, anchor_sig = $7, anchor_at = $8, last_contact = GREATEST(last_contact, $9)
WHERE office = $1 AND id = $2`, b.Office, b.Device, int64(head.Seq), nonNil(head.Hash),
				int64(dev.Anchor.Seq), nonNil(dev.Anchor.Hash), nonNil(dev.Anchor.Sig), ts(dev.Anchor.At), ts(b.At))
			if err != nil {
				return err
			}
		}
		res = central.PushResult{Stored: len(fresh), Duplicates: dups, Head: head, Last: uint64(last)}
		if testHookBeforeCommit != nil && len(fresh) > 0 {
			testHookBeforeCommit()
		}
		return nil
	})
	if err != nil {
		return central.PushResult{}, fmt.Errorf("push of device %s to office %s: %w", b.Device, b.Office, err)
	}
	return res, nil
}

// nonNil keeps NOT NULL byte columns from getting NULL for an empty slice.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// storedSums returns the sums of the envelopes of the batch that are
// stored, and, in the same statement, the orders that erased the records
// of the batch on the server (central_redacted), by record id: a push
// pays no extra round trip for erasure.
func storedSums(ctx context.Context, tx pgx.Tx, b central.Batch) (map[central.Key][32]byte, map[string]string, error) {
	ids := make([]string, len(b.Envelopes))
	revs := make([]string, len(b.Envelopes))
	for i, e := range b.Envelopes {
		ids[i], revs[i] = e.ID, e.Rev
	}
	rows, err := tx.Query(ctx, `SELECT u.id, u.rev, e.sum, r.order_hash FROM unnest($2::text[], $3::text[]) AS u (id, rev)
LEFT JOIN central_envelopes e ON e.office = $1 AND e.id = u.id AND e.rev = u.rev
LEFT JOIN central_redacted r ON r.office = $1 AND r.id = u.id
WHERE e.sum IS NOT NULL OR r.order_hash IS NOT NULL`, b.Office, ids, revs)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	stored, redacted := map[central.Key][32]byte{}, map[string]string{}
	for rows.Next() {
		var k central.Key
		var sum []byte
		var order *string
		if err := rows.Scan(&k.ID, &k.Rev, &sum, &order); err != nil {
			return nil, nil, err
		}
		if order != nil {
			redacted[k.ID] = *order
		}
		if sum == nil {
			continue
		}
		if len(sum) != 32 {
			return nil, nil, fmt.Errorf("envelope %s %s with a sum of %d bytes: %w", k.ID, k.Rev, len(sum), central.ErrCorrupt)
		}
		stored[k] = [32]byte(sum)
	}
	return stored, redacted, rows.Err()
}

// Pull returns a page of envelopes (central.Store). One statement reads
// the page, so it reads one snapshot; see the package comment for why a
// snapshot never holds a cursor without the cursors below it.
func (s *Store) Pull(ctx context.Context, office string, after uint64, limit int) (central.Page, error) {
	if err := central.CheckID("office", office); err != nil {
		return central.Page{}, fmt.Errorf("pull: %w", err)
	}
	limit = central.PageLimit(limit)
	p := central.Page{Next: after}
	err := s.do(ctx, func() error {
		var last int64
		if err := s.pool.QueryRow(ctx, `SELECT last_cursor FROM central_offices WHERE id = $1`, office).Scan(&last); err != nil {
			return notFound(err, "office "+office)
		}
		p.Last = uint64(last)
		if after >= uint64(last) {
			return nil
		}
		// The page: up to limit rows, and after the first only while the
		// data adds up to MaxPageBytes (octet_length reads the size from
		// the TOAST pointer, not the data); has_next says whether another
		// row followed the last one returned.
		rows, err := s.pool.Query(ctx, `SELECT cursor_no, id, rev, device, seq, prev, hash, sig, data, has_next FROM (
	SELECT e.*, row_number() OVER w AS n, sum(octet_length(e.data)) OVER w AS running,
		lead(e.cursor_no) OVER w IS NOT NULL AS has_next
	FROM (SELECT cursor_no, id, rev, device, seq, prev, hash, sig, data FROM central_envelopes
		WHERE office = $1 AND cursor_no > $2 ORDER BY cursor_no LIMIT $3) e
	WINDOW w AS (ORDER BY e.cursor_no)
) x WHERE x.n <= $4 AND (x.n = 1 OR x.running <= $5) ORDER BY x.cursor_no`,
			office, int64(after), limit+1, limit, central.MaxPageBytes)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e central.Envelope
			var cursor, seq int64
			if err := rows.Scan(&cursor, &e.ID, &e.Rev, &e.Device, &seq, &e.Link.Prev, &e.Link.Hash, &e.Link.Sig, &e.Data, &p.More); err != nil {
				return err
			}
			e.Cursor, e.Link.Seq = uint64(cursor), uint64(seq)
			p.Envelopes = append(p.Envelopes, e)
			p.Next = e.Cursor
		}
		if err := rows.Err(); err != nil {
			return err
		}
		p.Last = max(p.Last, p.Next) // the page may have seen pushes after the first statement
		return nil
	})
	if err != nil {
		return central.Page{}, fmt.Errorf("pull of office %s after %d: %w", office, after, err)
	}
	return p, nil
}

// AddToken stores a token (central.Store).
func (s *Store) AddToken(ctx context.Context, t central.Token) error {
	t, err := central.CheckToken(t)
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	var office any
	if t.Office != "" {
		office = t.Office
	}
	err = s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `INSERT INTO central_tokens (hash, office, created, expires, first_admin) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (hash) DO NOTHING`, t.Hash, office, ts(t.Created), ts(t.Expires), t.FirstAdmin)
		switch {
		case isCode(err, foreignKeyViolation):
			return fmt.Errorf("office %s: %w", t.Office, central.ErrNotFound)
		case err != nil:
			return err
		case tag.RowsAffected() == 0:
			return fmt.Errorf("token stored before: %w", central.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// Token returns a stored token (central.Store).
func (s *Store) Token(ctx context.Context, hash []byte) (central.Token, error) {
	var (
		tok                  central.Token
		office               pgtype.Text
		created, exp, usedAt pgtype.Timestamptz
	)
	err := s.do(ctx, func() error {
		err := s.pool.QueryRow(ctx, `SELECT office, created, expires, used_at, used_by, first_admin FROM central_tokens WHERE hash = $1`,
			hash).Scan(&office, &created, &exp, &usedAt, &tok.UsedBy, &tok.FirstAdmin)
		return notFound(err, "token")
	})
	if err != nil {
		return central.Token{}, fmt.Errorf("token: %w", err)
	}
	tok.Hash = bytes.Clone(hash)
	tok.Office, tok.Created, tok.Expires, tok.UsedAt = office.String, tm(created), tm(exp), tm(usedAt)
	return tok, nil
}

// Enroll consumes a token and adds a device (central.Store).
func (s *Store) Enroll(ctx context.Context, hash []byte, d central.Device, now time.Time) (central.Device, error) {
	if err := central.CheckDevice(d); err != nil {
		return central.Device{}, fmt.Errorf("enroll: %w", err)
	}
	now = central.Time(now)
	var out central.Device
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var (
			tok                  central.Token
			office               pgtype.Text
			created, exp, usedAt pgtype.Timestamptz
		)
		err := tx.QueryRow(ctx, `SELECT office, created, expires, used_at, used_by FROM central_tokens WHERE hash = $1 FOR UPDATE`,
			hash).Scan(&office, &created, &exp, &usedAt, &tok.UsedBy)
		if err != nil {
			return notFound(err, "token")
		}
		tok.Office, tok.Created, tok.Expires, tok.UsedAt = office.String, tm(created), tm(exp), tm(usedAt)
		if err := central.TokenUsable(tok, now); err != nil {
			return err
		}
		officeID, create, err := central.EnrollOffice(tok, d)
		if err != nil {
			return err
		}
		if create {
			tag, err := tx.Exec(ctx, `INSERT INTO central_offices (id, created) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, officeID, now)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("office %s exists: %w", officeID, central.ErrConflict)
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO central_devices (office, id, name, cert_sha256, cert, created, last_contact)
VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (office, id) DO NOTHING`, officeID, d.ID, d.Name, d.CertSHA256, d.Cert, now)
		switch {
		case isCode(err, foreignKeyViolation):
			return fmt.Errorf("office %s: %w", officeID, central.ErrNotFound)
		case err != nil:
			return err
		case tag.RowsAffected() == 0:
			return fmt.Errorf("device %s exists in office %s: %w", d.ID, officeID, central.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE central_tokens SET used_at = $2, used_by = $3 WHERE hash = $1`, hash, now, d.ID); err != nil {
			return err
		}
		out = central.Device{Office: officeID, ID: d.ID, Name: d.Name, CertSHA256: d.CertSHA256, Cert: d.Cert, Created: now, LastContact: now}
		return nil
	})
	if err != nil {
		return central.Device{}, fmt.Errorf("enroll device %s: %w", d.ID, err)
	}
	return out, nil
}

const deviceColumns = `id, name, cert_sha256, created, last_contact, revoked, revoked_at,
	chain_seq, chain_hash, anchor_seq, anchor_hash, anchor_sig, anchor_at, cert, prev_cert_sha256`

func scanDevice(row pgx.Row, office string) (central.Device, error) {
	d := central.Device{Office: office}
	var created, last, revokedAt, anchorAt pgtype.Timestamptz
	var chainSeq, anchorSeq int64
	err := row.Scan(&d.ID, &d.Name, &d.CertSHA256, &created, &last, &d.Revoked, &revokedAt,
		&chainSeq, &d.Chain.Hash, &anchorSeq, &d.Anchor.Hash, &d.Anchor.Sig, &anchorAt, &d.Cert, &d.PrevCertSHA256)
	if err != nil {
		return central.Device{}, err
	}
	d.Created, d.LastContact, d.RevokedAt, d.Anchor.At = tm(created), tm(last), tm(revokedAt), tm(anchorAt)
	d.Chain.Seq, d.Anchor.Seq = uint64(chainSeq), uint64(anchorSeq)
	if len(d.Chain.Hash) == 0 {
		d.Chain.Hash = nil
	}
	if len(d.Anchor.Hash) == 0 {
		d.Anchor.Hash = nil
	}
	if len(d.Anchor.Sig) == 0 {
		d.Anchor.Sig = nil
	}
	if len(d.Cert) == 0 {
		d.Cert = nil
	}
	if len(d.PrevCertSHA256) == 0 {
		d.PrevCertSHA256 = nil
	}
	return d, nil
}

// Device returns a device (central.Store).
func (s *Store) Device(ctx context.Context, office, id string) (central.Device, error) {
	if err := central.CheckDeviceArgs(office, id); err != nil {
		return central.Device{}, err
	}
	var d central.Device
	err := s.do(ctx, func() error {
		var err error
		d, err = scanDevice(s.pool.QueryRow(ctx, `SELECT `+deviceColumns+` FROM central_devices WHERE office = $1 AND id = $2`, office, id), office)
		return notFound(err, "device "+id+" of office "+office)
	})
	return d, err
}

// Devices lists the devices of an office (central.Store).
func (s *Store) Devices(ctx context.Context, office string) ([]central.Device, error) {
	if err := central.CheckID("office", office); err != nil {
		return nil, err
	}
	var out []central.Device
	err := s.do(ctx, func() error {
		if err := s.officeExists(ctx, office); err != nil {
			return err
		}
		rows, err := s.pool.Query(ctx, `SELECT `+deviceColumns+` FROM central_devices WHERE office = $1 ORDER BY id COLLATE "C"`, office)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDevice(rows, office)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Store) officeExists(ctx context.Context, office string) error {
	var one int
	err := s.pool.QueryRow(ctx, `SELECT 1 FROM central_offices WHERE id = $1`, office).Scan(&one)
	return notFound(err, "office "+office)
}

// deviceState tells why an update of a device's row found none: the device
// is unknown (ErrNotFound) or revoked (ErrRevoked).
func (s *Store) deviceState(ctx context.Context, office, id string) error {
	var revoked bool
	err := s.pool.QueryRow(ctx, `SELECT revoked FROM central_devices WHERE office = $1 AND id = $2`, office, id).Scan(&revoked)
	if err != nil {
		return notFound(err, "device "+id+" of office "+office)
	}
	if revoked {
		return fmt.Errorf("device %s: %w", id, central.ErrRevoked)
	}
	return nil
}

// Revoke revokes a device (central.Store).
func (s *Store) Revoke(ctx context.Context, office, id string, at time.Time) error {
	if err := central.CheckDeviceArgs(office, id); err != nil {
		return err
	}
	return s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `UPDATE central_devices SET revoked = true, revoked_at = $3
WHERE office = $1 AND id = $2 AND NOT revoked`, office, id, ts(at))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		if err := s.deviceState(ctx, office, id); errors.Is(err, central.ErrRevoked) {
			return nil
		} else {
			return err
		}
	})
}

// Touch records a contact (central.Store).
func (s *Store) Touch(ctx context.Context, office, id string, at time.Time) error {
	if err := central.CheckDeviceArgs(office, id); err != nil {
		return err
	}
	return s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `UPDATE central_devices SET last_contact = GREATEST(last_contact, $3)
WHERE office = $1 AND id = $2 AND NOT revoked`, office, id, ts(at))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		return s.deviceState(ctx, office, id)
	})
}

// RenewDevice replaces the device's certificate fingerprint (central.Store):
// one UPDATE whose WHERE compares the stored fingerprint. A renewal that
// waits for another's row lock reads the row again once that one commits,
// finds another fingerprint and updates nothing; only then is the row read
// to tell why.
func (s *Store) RenewDevice(ctx context.Context, office, id string, oldSHA256, newCert []byte, at time.Time) error {
	newSHA256, err := central.CheckRenew(office, id, oldSHA256, newCert)
	if err != nil {
		return fmt.Errorf("renew device: %w", err)
	}
	err = s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `UPDATE central_devices SET cert_sha256 = $4, cert = $6, prev_cert_sha256 = $3,
	last_contact = GREATEST(last_contact, $5)
WHERE office = $1 AND id = $2 AND NOT revoked AND cert_sha256 = $3 AND cert_sha256 <> $4`,
			office, id, oldSHA256, newSHA256, ts(at), newCert)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		d := central.Device{Office: office, ID: id}
		err = s.pool.QueryRow(ctx, `SELECT revoked, cert_sha256 FROM central_devices WHERE office = $1 AND id = $2`,
			office, id).Scan(&d.Revoked, &d.CertSHA256)
		if err != nil {
			return notFound(err, "device "+id+" of office "+office)
		}
		if change, err := central.Renew(d, oldSHA256, newSHA256); err != nil || !change {
			return err
		}
		// The row held oldSHA256 again when read: it changed between the
		// two statements.
		return fmt.Errorf("device %s: renewed meanwhile: %w", id, central.ErrConflict)
	})
	if err != nil {
		return fmt.Errorf("renew device %s of office %s: %w", id, office, err)
	}
	return nil
}

// SetLogin stores a verifier (central.Store). It takes a key-share lock on
// the office's row before it writes the login (the foreign key check would
// take it only after): so it waits for a running AddFirstLogin of the
// office before it writes, taking the locks in AddFirstLogin's order, and
// the two of them cannot deadlock over the same login.
func (s *Store) SetLogin(ctx context.Context, office, login string, verifier []byte) error {
	if err := central.CheckLoginArgs(office, login); err != nil {
		return err
	}
	if err := central.CheckVerifier(verifier); err != nil {
		return err
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM central_offices WHERE id = $1 FOR KEY SHARE`, office).Scan(&one); err != nil {
			return notFound(err, "office "+office)
		}
		_, err := tx.Exec(ctx, `INSERT INTO central_logins (office, login, verifier) VALUES ($1, $2, $3)
ON CONFLICT (office, login) DO UPDATE SET verifier = EXCLUDED.verifier, failures = 0, last_failure = NULL, locked_until = NULL`,
			office, login, verifier)
		if isCode(err, foreignKeyViolation) {
			return fmt.Errorf("office %s: %w", office, central.ErrNotFound)
		}
		return err
	})
}

// AddFirstLogin stores the office's first login (central.Store). One
// transaction locks the office's row FOR UPDATE, then looks for a login of
// the office and inserts this one. The lock is held to the commit and
// conflicts with the key-share lock that every other insert of a login
// takes on the row (SetLogin's own, or a foreign key check's): racing
// first logins, through any servers, run one after the other, and the one
// that waited reads the office's logins after the winner's commit (read
// committed: a new snapshot for each statement) and finds its login.
func (s *Store) AddFirstLogin(ctx context.Context, office, login string, verifier []byte) error {
	if err := central.CheckLoginArgs(office, login); err != nil {
		return fmt.Errorf("first login: %w", err)
	}
	if err := central.CheckVerifier(verifier); err != nil {
		return fmt.Errorf("first login: %w", err)
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM central_offices WHERE id = $1 FOR UPDATE`, office).Scan(&one); err != nil {
			return notFound(err, "office "+office)
		}
		var has bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM central_logins WHERE office = $1)`, office).Scan(&has); err != nil {
			return err
		}
		if has {
			return fmt.Errorf("the office has a login already: %w", central.ErrConflict)
		}
		_, err := tx.Exec(ctx, `INSERT INTO central_logins (office, login, verifier) VALUES ($1, $2, $3)`, office, login, verifier)
		if isCode(err, uniqueViolation) {
			return fmt.Errorf("login %s stored meanwhile: %w", login, central.ErrConflict)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("first login of office %s: %w", office, err)
	}
	return nil
}

const loginColumns = `verifier, failures, last_failure, locked_until`

func scanLogin(row pgx.Row, office, login string) (central.Login, error) {
	l := central.Login{Office: office, Login: login}
	var last, locked pgtype.Timestamptz
	var failures int32
	if err := row.Scan(&l.Verifier, &failures, &last, &locked); err != nil {
		return central.Login{}, notFound(err, "login "+login)
	}
	l.Failures, l.LastFailure, l.LockedUntil = int(failures), tm(last), tm(locked)
	return l, nil
}

// Logins lists an office's logins (central.Store).
func (s *Store) Logins(ctx context.Context, office string) ([]central.Login, error) {
	if err := central.CheckID("office", office); err != nil {
		return nil, err
	}
	var out []central.Login
	err := s.do(ctx, func() error {
		out = nil
		rows, err := s.pool.Query(ctx, `SELECT login, `+loginColumns+` FROM central_logins WHERE office = $1 ORDER BY login COLLATE "C"`, office)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l := central.Login{Office: office}
			var last, locked pgtype.Timestamptz
			var failures int32
			if err := rows.Scan(&l.Login, &l.Verifier, &failures, &last, &locked); err != nil {
				return err
			}
			l.Failures, l.LastFailure, l.LockedUntil = int(failures), tm(last), tm(locked)
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// Login returns a login record (central.Store).
func (s *Store) Login(ctx context.Context, office, login string) (central.Login, error) {
	if err := central.CheckLoginArgs(office, login); err != nil {
		return central.Login{}, err
	}
	var l central.Login
	err := s.do(ctx, func() error {
		var err error
		l, err = scanLogin(s.pool.QueryRow(ctx, `SELECT `+loginColumns+` FROM central_logins WHERE office = $1 AND login = $2`, office, login), office, login)
		return err
	})
	return l, err
}

// LoginFailed counts a failure (central.Store): the increment and the
// lockout are one transaction on the locked row.
func (s *Store) LoginFailed(ctx context.Context, office, login string, now time.Time, p central.Lockout) (central.Login, error) {
	if err := central.CheckLoginArgs(office, login); err != nil {
		return central.Login{}, err
	}
	var l central.Login
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		l, err = scanLogin(tx.QueryRow(ctx, `UPDATE central_logins SET failures = failures + 1, last_failure = $3
WHERE office = $1 AND login = $2 RETURNING `+loginColumns, office, login, ts(now)), office, login)
		if err != nil {
			return err
		}
		l.LockedUntil = p.Until(l.Failures, now)
		_, err = tx.Exec(ctx, `UPDATE central_logins SET locked_until = $3 WHERE office = $1 AND login = $2`, office, login, ts(l.LockedUntil))
		return err
	})
	if err != nil {
		return central.Login{}, err
	}
	return l, nil
}

// LoginSucceeded clears the failures (central.Store).
func (s *Store) LoginSucceeded(ctx context.Context, office, login string) error {
	if err := central.CheckLoginArgs(office, login); err != nil {
		return err
	}
	return s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `UPDATE central_logins SET failures = 0, locked_until = NULL WHERE office = $1 AND login = $2`, office, login)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("login %s: %w", login, central.ErrNotFound)
		}
		return err
	})
}

// DeleteLogin removes a login (central.Store).
func (s *Store) DeleteLogin(ctx context.Context, office, login string) error {
	if err := central.CheckLoginArgs(office, login); err != nil {
		return err
	}
	return s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `DELETE FROM central_logins WHERE office = $1 AND login = $2`, office, login)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("login %s: %w", login, central.ErrNotFound)
		}
		return err
	})
}

// PutTable stores the office's user table if its serial is higher
// (central.Store). One statement inserts the row or, when the office has
// one, updates it only where its serial is lower: PostgreSQL's INSERT …
// ON CONFLICT DO UPDATE is atomic under concurrency, and it locks the
// conflicting row even when the WHERE refuses the update, re-checking the
// WHERE against the newest committed version. So of racing puts, through
// any servers, a lower serial never overwrites a higher one. When nothing
// was written, the row (locked to the commit) says why.
func (s *Store) PutTable(ctx context.Context, office string, t central.Table) error {
	t, err := central.CheckTable(office, t)
	if err != nil {
		return fmt.Errorf("put user table: %w", err)
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO central_tables AS t (office, serial, data, device, at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (office) DO UPDATE SET serial = EXCLUDED.serial, data = EXCLUDED.data, device = EXCLUDED.device, at = EXCLUDED.at
WHERE t.serial < EXCLUDED.serial`, office, int64(t.Serial), t.Data, t.Device, ts(t.At))
		switch {
		case isCode(err, foreignKeyViolation):
			return fmt.Errorf("office %s: %w", office, central.ErrNotFound)
		case err != nil:
			return err
		case tag.RowsAffected() == 1:
			return nil
		}
		// The stored table's serial is not below: compare its bytes by
		// their SHA-256, so that they need not travel again.
		var stored int64
		var sum []byte
		if err := tx.QueryRow(ctx, `SELECT serial, sha256(data) FROM central_tables WHERE office = $1`, office).Scan(&stored, &sum); err != nil {
			return notFound(err, "user table of office "+office)
		}
		want := sha256.Sum256(t.Data)
		_, err = central.ReplaceTable(office, uint64(stored), t.Serial, int64(t.Serial) == stored && bytes.Equal(sum, want[:]))
		return err
	})
	if err != nil {
		return fmt.Errorf("put user table %d of office %s: %w", t.Serial, office, err)
	}
	return nil
}

// Table returns the office's user table (central.Store).
func (s *Store) Table(ctx context.Context, office string) (central.Table, error) {
	if err := central.CheckID("office", office); err != nil {
		return central.Table{}, fmt.Errorf("user table: %w", err)
	}
	var t central.Table
	err := s.do(ctx, func() error {
		var serial int64
		var at pgtype.Timestamptz
		err := s.pool.QueryRow(ctx, `SELECT serial, data, device, at FROM central_tables WHERE office = $1`, office).Scan(
			&serial, &t.Data, &t.Device, &at)
		if err != nil {
			return notFound(err, "user table of office "+office)
		}
		if serial <= 0 {
			return fmt.Errorf("user table of office %s with serial %d: %w", office, serial, central.ErrCorrupt)
		}
		t.Serial, t.At = uint64(serial), tm(at)
		return nil
	})
	if err != nil {
		return central.Table{}, fmt.Errorf("user table: %w", err)
	}
	return t, nil
}
