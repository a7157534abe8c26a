// Package vault holds madoguchi's key hierarchy and the formats that carry
// it: password-derived user keys (Argon2id, HKDF-SHA256), versioned office
// keys, sealed record envelopes (XChaCha20-Poly1305), hybrid logical clock
// revisions and the local keyring file with its login lockout.
//
// The byte formats are specified in FORMAT.md beside this file. Every
// decoder is strict and returns an error wrapping ErrMalformed for input it
// does not accept.
package vault

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Callers check them with errors.Is; functions of this
// package return them wrapped with context.
var (
	// ErrWrongPassword is returned by Unlock for a wrong password and also
	// for an unknown login, so the two cannot be told apart.
	ErrWrongPassword = errors.New("wrong password")
	// ErrLocked is matched by *LockedError: too many wrong passwords.
	ErrLocked = errors.New("account locked")
	// ErrTampered means an envelope or sealed blob failed authentication or
	// its header does not match what the caller expected (moved to another
	// id, replayed as another rev, other kind).
	ErrTampered = errors.New("tampered or misplaced data")
	// ErrNoKey means the caller does not hold the key class or version that
	// the data needs.
	ErrNoKey = errors.New("key not held")
	// ErrMalformed means a decoder got bytes it cannot parse.
	ErrMalformed = errors.New("malformed data")
	// ErrNewerFormat means a keyring was written by a newer version of the
	// program; it is not ErrMalformed, the caller should ask for an update.
	ErrNewerFormat = errors.New("keyring format is newer than this program")
	// ErrDisabled means the user account is disabled.
	ErrDisabled = errors.New("user disabled")
	// ErrUserExists is returned by AddUser for a login that is taken.
	ErrUserExists = errors.New("user exists")
	// ErrUnknownUser is returned by the admin operations of Keyring for a
	// login that does not exist (Unlock returns ErrWrongPassword instead).
	ErrUnknownUser = errors.New("unknown user")
	// ErrForged means the signed user table does not verify against the
	// admin key pinned in the person's bundle, belongs to another office,
	// or lists other public keys than the bundle holds: the keyring file
	// was edited.
	ErrForged = errors.New("user table signature does not verify")
	// ErrNoStoreKey is returned by StoreKeyBytes before InitStoreKey ran.
	ErrNoStoreKey = errors.New("no store key in keyring")
)

// LockedError is returned by Unlock while an account is locked out after
// repeated wrong passwords. errors.Is(err, ErrLocked) reports true for it.
type LockedError struct {
	// Until is the moment from which the next attempt is allowed.
	Until time.Time
}

// Error implements error.
func (e *LockedError) Error() string {
	return fmt.Sprintf("account locked until %s", e.Until.UTC().Format(time.RFC3339))
}

// Is reports whether target is ErrLocked.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }
