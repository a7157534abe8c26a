// Package central is the store of the central server: what the server keeps
// for each office, behind one interface with two backends, an embedded
// Badger store (storage/central/embedded, the default of a one-office
// server) and PostgreSQL (storage/central/pg, for several stateless server
// processes on one database). storage/central/centraltest is the
// conformance suite that both backends pass.
//
// The server never holds a key that opens an envelope. The store sees sealed
// envelopes as opaque bytes, with the few clear fields the protocol needs to
// route them: record id, revision, pushing device and the device's push-chain
// link. It stores the link's hash and signature as the client gives them and
// verifies no signature; it checks only that each device's chain continues
// (sequence and previous hash), which needs no key. Clients verify the
// signatures and the hashes of everything they pull.
//
// Per office the store holds:
//
//   - envelopes, keyed by (record id, rev), each with the server cursor it
//     was given when pushed: a per-office number that only grows, in which
//     order Pull returns them;
//   - devices (name, certificate fingerprint, last contact, revocation) with
//     the head of each device's push chain and its access-log anchor;
//   - one-time enrollment tokens, kept as hashes;
//   - login records: a slow-hash verifier of each person's auth key, and the
//     failure counter and lockout;
//   - the office's newest signed user table, as opaque bytes with the serial
//     its client declared (the server has no admin key to verify it; clients
//     do, and refuse a lower serial).
//
// Every method takes a context first; errors wrap the sentinels below (test
// with errors.Is). Implementations are safe for concurrent use.
package central

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors; errors of a Store wrap them.
var (
	// ErrNotFound: the office, device, token or login does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: something with that key exists with other content: an
	// envelope (id, rev) with other bytes, a device id or token already
	// stored, an office that a founding token would create again, a user
	// table whose serial is below the stored one's or equal to it with
	// other bytes.
	ErrConflict = errors.New("conflict with stored data")
	// ErrChainBroken: a push does not continue the device's stored chain
	// head (a gap, a replay, a fork), or an access-log anchor that goes
	// backwards or forks.
	ErrChainBroken = errors.New("device chain broken")
	// ErrTokenUsed: the enrollment token was consumed before.
	ErrTokenUsed = errors.New("enrollment token already used")
	// ErrTokenExpired: the enrollment token's time ran out.
	ErrTokenExpired = errors.New("enrollment token expired")
	// ErrRevoked: the device was revoked; it may not push or contact the
	// server any more.
	ErrRevoked = errors.New("device revoked")
	// ErrInvalid: an argument outside the limits (limits.go).
	ErrInvalid = errors.New("invalid argument")
	// ErrCorrupt: stored bytes that this program cannot have written.
	ErrCorrupt = errors.New("central store damaged")
	// ErrNewerSchema: the database was written by a newer program.
	ErrNewerSchema = errors.New("central store written by a newer program version")
	// ErrInUse: another process holds the store (the embedded backend locks
	// its directory).
	ErrInUse = errors.New("central store in use by another process")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("central store closed")
)

// Store is what the server keeps. Both backends pass centraltest.Run.
type Store interface {
	// Push stores a batch of envelopes of one device, atomically: all of
	// it or nothing. Envelopes already stored with the same content, by
	// (id, rev), are skipped, so a retried or duplicated batch changes
	// nothing; one with other content under a stored (id, rev) fails with
	// ErrConflict naming it. The new envelopes must continue the device's
	// push chain in batch order (ErrChainBroken); each gets the next
	// cursor of the office. The batch's anchor, if any, moves the
	// device's access-log anchor forward in the same transaction. An
	// unknown office or device gives ErrNotFound, a revoked device
	// ErrRevoked.
	Push(ctx context.Context, b Batch) (PushResult, error)
	// Pull returns up to limit envelopes of the office with a cursor above
	// after, in cursor order (limit ≤ 0 or above MaxPage means MaxPage; a
	// page also stops after MaxPageBytes of data). A reader that pulls
	// with the Next of each page sees every envelope exactly once, also
	// while others push (see the backends for why).
	Pull(ctx context.Context, office string, after uint64, limit int) (Page, error)

	// AddToken stores a new enrollment token (its hash). ErrConflict if
	// the hash is stored; ErrNotFound if it names an office that does not
	// exist.
	AddToken(ctx context.Context, t Token) error
	// Enroll consumes the token whose hash is given and adds the device,
	// in one transaction: the token is spent exactly when the device is
	// added. A token that names an office adds the device there (d.Office
	// empty or the same, else ErrConflict); a founding token (Office "")
	// creates the office d.Office, which must not exist (ErrConflict).
	// ErrNotFound, ErrTokenUsed, ErrTokenExpired (at now), and ErrConflict
	// for a device id the office has. The result is the stored device.
	Enroll(ctx context.Context, tokenHash []byte, d Device, now time.Time) (Device, error)
	// Token returns the stored token of a hash (ErrNotFound).
	Token(ctx context.Context, tokenHash []byte) (Token, error)
	// Device returns one device with its chain head and anchor.
	Device(ctx context.Context, office, id string) (Device, error)
	// Devices lists the office's devices by id (ErrNotFound for an
	// unknown office).
	Devices(ctx context.Context, office string) ([]Device, error)
	// Revoke marks the device revoked from at on; revoking again keeps the
	// first time.
	Revoke(ctx context.Context, office, id string, at time.Time) error
	// Touch records a contact of the device at at (its last contact only
	// moves forward). ErrRevoked for a revoked device, which the server
	// then tells to wipe its store.
	Touch(ctx context.Context, office, id string, at time.Time) error
	// RenewDevice replaces the device's certificate, of fingerprint
	// oldSHA256, by newCert (a renewed certificate, DER), as one
	// compare-and-set, also between server processes: the device's Cert
	// becomes newCert, CertSHA256 its SHA-256 and PrevCertSHA256
	// oldSHA256. ErrConflict when the stored fingerprint is not oldSHA256
	// (a concurrent renewal won), unless it is newCert's already, which
	// changes nothing (a retried renewal). ErrNotFound for an unknown
	// device, ErrRevoked for a revoked one. at is the time of the renewal,
	// a contact of the device (its last contact only moves forward).
	RenewDevice(ctx context.Context, office, id string, oldSHA256, newCert []byte, at time.Time) error

	// SetLogin stores the verifier of a login (new, or a new password),
	// clearing its failures and lockout. ErrNotFound for an unknown office.
	SetLogin(ctx context.Context, office, login string, verifier []byte) error
	// AddFirstLogin stores the verifier of a login only if the office has
	// no login at all: the check and the insert are one atomic step, also
	// between server processes, so of racing calls for one office exactly
	// one succeeds. ErrConflict when the office has a login (whichever);
	// ErrNotFound for an unknown office. It registers the office's first
	// admin: every later login is set by an admin's session, or against
	// the user table that only an admin stores, so an office without an
	// admin has no login yet.
	AddFirstLogin(ctx context.Context, office, login string, verifier []byte) error
	// Logins lists the office's logins by login (none for an office
	// without logins or unknown).
	Logins(ctx context.Context, office string) ([]Login, error)
	// Login returns a login record.
	Login(ctx context.Context, office, login string) (Login, error)
	// LoginFailed counts a failed login at now, atomically, and locks the
	// login as p says; it returns the record after the change.
	LoginFailed(ctx context.Context, office, login string, now time.Time, p Lockout) (Login, error)
	// LoginSucceeded clears the failures and the lockout.
	LoginSucceeded(ctx context.Context, office, login string) error
	// DeleteLogin removes a login (a person removed from the office).
	DeleteLogin(ctx context.Context, office, login string) error

	// PutTable stores t as the office's table when t.Serial is above the
	// stored one's; the same serial with the same bytes changes nothing
	// (no error); a lower serial, or the same serial with other bytes,
	// fails with ErrConflict (wrapping it with the stored serial).
	// ErrNotFound for an unknown office. The compare and the store are
	// one atomic step, also between server processes: racing puts never
	// lower the serial.
	PutTable(ctx context.Context, office string, t Table) error
	// Table returns the office's table; ErrNotFound when none was stored.
	Table(ctx context.Context, office string) (Table, error)

	// Redact erases the sealed bytes of every stored envelope of the
	// office whose record id is one of ids, replacing them by the
	// redaction mark of order (see Redaction), and remembers the ids, so
	// that envelopes pushed under them later are stored redacted. The old
	// bytes leave the backend's files (the embedded store drops and
	// collects them; PostgreSQL rewrites the table). It returns how many
	// envelopes it redacted now; a retried call returns 0. ErrNotFound for
	// an unknown office.
	Redact(ctx context.Context, office, order string, ids []string) (int, error)
	// Close releases the store; later calls give ErrClosed.
	Close() error
}

// Link is an envelope's place in its device's push chain. The client
// computes Hash over the envelope and Prev and signs it (Sig); the store
// keeps the three as they are and checks only that Seq and Prev continue
// the device's head.
type Link struct {
	Seq  uint64 // 1 for the device's first envelope, then +1 each
	Prev []byte // the Hash of the link at Seq−1; empty at Seq 1
	Hash []byte // this link's hash, 1–MaxHash bytes
	Sig  []byte // the device's signature, opaque, at most MaxSig bytes
}

// Envelope is one sealed version of one record as the server sees it.
type Envelope struct {
	ID     string // record id
	Rev    string // revision, vault's text form
	Device string // the device that pushed it
	Link   Link
	Data   []byte // the sealed envelope, opaque
	// Cursor is the office's server cursor given at push; zero in a Batch.
	Cursor uint64
}

// ChainHead is the last link a device pushed: Seq 0 and no Hash before its
// first push.
type ChainHead struct {
	Seq  uint64
	Hash []byte
}

// Anchor is the head of a device's access-log chain as the device reported
// it (sequence, hash, signature), anchored on the server: it only moves
// forward.
type Anchor struct {
	Seq  uint64
	Hash []byte
	Sig  []byte
	At   time.Time // when it was anchored (the batch's At)
}

// Batch is one push of one device.
type Batch struct {
	Office string
	Device string
	// Envelopes in chain order; each Envelope.Device must be Device (or
	// empty: it is filled in) and Cursor zero.
	Envelopes []Envelope
	// Anchor, when not nil, is the device's access-log head to anchor.
	Anchor *Anchor
	// At is the time of the push; the device's last contact.
	At time.Time
}

// PushResult says what a push changed.
type PushResult struct {
	Stored     int       // envelopes written
	Duplicates int       // envelopes skipped as already stored
	Head       ChainHead // the device's chain head after the push
	Last       uint64    // the office's highest cursor after the push
}

// EnvelopeReader is a Store that can also hand over a page's envelopes
// one at a time without building the page: a pull stream copies each into
// its answer and needs nothing else (the server uses it when the store
// has it).
type EnvelopeReader interface {
	// PullEach calls fn with each envelope of the page that Pull with the
	// same arguments returns, in cursor order, and returns that page
	// without its envelopes. The envelope's byte fields are the store's
	// own memory, valid only during the call: fn copies what it keeps. An
	// error from fn ends the page and PullEach returns it as it is.
	PullEach(ctx context.Context, office string, after uint64, limit int, fn func(*Envelope) error) (Page, error)
}

// Page is one answer of Pull.
type Page struct {
	Envelopes []Envelope
	// Next is the cursor to pull after next time: the last envelope's
	// cursor, or the after of the call when the page is empty.
	Next uint64
	// More is true when the page stopped at its limit (of count or
	// bytes) and more envelopes may follow.
	More bool
	// Last is the office's highest cursor when the page was read (for a
	// progress bar: Next of Last).
	Last uint64
}

// Device is an enrolled device of an office.
type Device struct {
	Office     string
	ID         string
	Name       string // shown to admins, e.g. "受付PC"
	CertSHA256 []byte // SHA-256 of its client certificate, 32 bytes
	// Cert is the DER of that certificate as issued (nil for a device
	// stored before the store kept it), and PrevCertSHA256 the
	// fingerprint of the certificate its last renewal replaced (nil
	// before any renewal): a device whose renewal answer was lost asks
	// again with that previous certificate and is given Cert again.
	Cert           []byte
	PrevCertSHA256 []byte
	Created        time.Time
	LastContact    time.Time // zero before the first contact
	Revoked        bool
	RevokedAt      time.Time
	// Chain and Anchor are kept by Push; their values in Enroll's argument
	// are ignored.
	Chain  ChainHead
	Anchor Anchor
}

// Token is a one-time enrollment token. The store keeps only its hash.
type Token struct {
	Hash    []byte // SHA-256 of the secret, 32 bytes
	Office  string // the office it enrolls into; "" founds a new office
	Created time.Time
	Expires time.Time
	UsedAt  time.Time // zero while unused
	UsedBy  string    // the device enrolled with it
	// FirstAdmin lets the device enrolled with it register the office's
	// first admin login (the server checks that none exists yet).
	FirstAdmin bool
}

// Login is the server's record of one person's login.
type Login struct {
	Office      string
	Login       string
	Verifier    []byte // slow hash of the auth key, opaque
	Failures    int    // failed logins in a row
	LastFailure time.Time
	LockedUntil time.Time // zero when not locked
}

// Table is the office's newest signed user table as the server keeps it:
// opaque bytes with the serial the client declared.
//
// The table (logins, roles, public keys, each person's sealed key bundle,
// wrapped office keys) is signed by the office admin key on the PCs. The
// server cannot open the bundles nor verify the signature; it keeps the
// newest table so that a new PC can join and every PC learns changes, and
// its only rule is that the serial never goes down.
type Table struct {
	Serial uint64 // 1 or more, at most 2^63−1 (PostgreSQL's bigint)
	Data   []byte // at most MaxTable bytes
	Device string // the device that stored it
	At     time.Time
}

// Locked reports whether the login is locked at now.
func (l Login) Locked(now time.Time) bool { return now.Before(l.LockedUntil) }

// Lockout is the policy of LoginFailed: from the After-th failure in a row
// on, the login is locked for Base × 2^(failures−After), at most Max.
type Lockout struct {
	After int
	Base  time.Duration
	Max   time.Duration
}

// DefaultLockout matches the vault's local lockout: five failures, then
// 30 s doubling up to an hour.
var DefaultLockout = Lockout{After: 5, Base: 30 * time.Second, Max: time.Hour}

// Until returns the end of the lockout after the given number of failures
// in a row at now; zero when that is not (yet) locked.
func (p Lockout) Until(failures int, now time.Time) time.Time {
	if p.After <= 0 || failures < p.After || p.Base <= 0 {
		return time.Time{}
	}
	d := p.Base
	for i := p.After; i < failures && d < 1<<60 && (p.Max <= 0 || d < p.Max); i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	return Time(now.Add(d))
}

// Time is how the store keeps a time: UTC, to the microsecond (what
// PostgreSQL keeps). Both backends return times in this form.
func Time(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}
