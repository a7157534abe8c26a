// Package syncer is the PC's side of sync: it pushes this device's new
// versions to the central server and pulls and applies everything the
// other devices pushed, checking every device's signed push chain on the
// way (syncproto). It talks to two interfaces: Local, the vault of this PC
// (implemented by app/office for a logged-in person), and Remote, the
// server (implemented by app/syncclient over the pinned mTLS channel, and by
// test doubles that misbehave on purpose).
package syncer

import (
	"context"
)

// Outgoing is one version made on this device that the server has not
// acknowledged yet: the sealed envelope as stored locally, byte for byte.
type Outgoing struct {
	ID   string // storage record id (a case part ends in "#case")
	Rev  string // the version's rev, vault text form
	Data []byte // the sealed envelope (vault.Envelope.Marshal)
	// Event marks an access-log event rather than a record's version
	// (counted apart in Result).
	Event bool
}

// Incoming is one version pulled from the server, already checked against
// its device's chain; Apply still checks that the sealed header names the
// same id and rev.
type Incoming struct {
	ID   string
	Rev  string
	Data []byte
	// Redacted, when not empty, is the hash of the purge order under
	// which the server erased this version: Data is the redaction mark,
	// not sealed bytes. The Local stores nothing of it, and must find that
	// order, verified, among what it has or pulls before the pull ends
	// (PullChecker).
	Redacted string
}

// Applied counts what one Apply did.
type Applied struct {
	New       int // versions stored that this device did not have
	Known     int // versions it had already (the same bytes): nothing changed
	Merged    int // records whose concurrent versions were merged automatically
	Conflicts int // records newly marked 競合 (a field changed on two sides)
	Unopened  int // versions stored without being opened (no key for them on this session): indexed later
}

// Anchor is the head of this device's access log, signed by the person
// logged in (the newest checkpoint), for the server to anchor.
type Anchor struct {
	Seq  uint64
	Hash []byte
	Sig  []byte
}

// Local is this PC's vault as sync sees it, bound to one logged-in person.
// State keys are the engine's own (cursor, chain heads); Local stores
// them opaquely under its "sync/" namespace and writes them in the same
// transaction as the versions or acknowledgements they go with, so a crash
// at any point leaves the vault either before or after the whole step.
type Local interface {
	// Outbox returns up to limit versions waiting to be pushed, oldest
	// rev first; the same call after a crash returns the same versions
	// in the same order (what was not acknowledged).
	Outbox(ctx context.Context, limit int) ([]Outgoing, error)
	// Acknowledge removes versions from the outbox and sets state, in one
	// transaction.
	Acknowledge(ctx context.Context, done []Outgoing, state map[string][]byte) error
	// Apply stores pulled versions (idempotent by id and rev: a version
	// stored before with the same bytes changes nothing; other bytes under
	// a stored id and rev is an error), merges concurrent versions,
	// indexes what it can open and sets state, all in one transaction.
	Apply(ctx context.Context, in []Incoming, state map[string][]byte) (Applied, error)
	// State returns the value stored under key by Acknowledge or Apply,
	// nil when none.
	State(ctx context.Context, key string) ([]byte, error)
	// Signer is the logged-in person's login and Ed25519 signing function;
	// it signs this device's push chain.
	Signer() (login string, sign func(msg []byte) []byte)
	// SignKeys returns the Ed25519 public keys (current and former) of a
	// login in the verified user table; none for an unknown login.
	SignKeys(login string) [][]byte
	// Anchor returns the newest signed access-log checkpoint, ok false
	// when there is none yet.
	Anchor(ctx context.Context) (a Anchor, ok bool, err error)
}

// PullChecker is a Local that checks what it pulled once a pull has caught
// up with the server: Run calls PulledAll then, and fails with its error
// (a version the server erased under an order this PC never got, or that
// does not name it).
type PullChecker interface {
	PulledAll(ctx context.Context) error
}

// Rejoiner is a Local that may have to pull the whole office before it
// pushes anything: a vault restored from a backup, whose outbox may hold
// versions its former PC pushed after the backup was made. While
// Rejoining reports true, Run pulls first and then calls Rejoined, and
// pushes only in the same or a later Run.
type Rejoiner interface {
	Rejoining(ctx context.Context) (bool, error)
	Rejoined(ctx context.Context) error
}
