package vault

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// KeyringFormat is the keyring file format this package writes.
const KeyringFormat = 2

// Keyring is the local keyring file: everything needed to log in offline
// and open the local store. Only Table is trusted, and only once its
// signature verified against the admin key pinned in a bundle (Unlock does
// that); the other fields are local bookkeeping that anyone with the file
// can edit, and FORMAT.md says what each edit can and cannot achieve. It
// is not safe for concurrent use.
type Keyring struct {
	Format int    `json:"format"`
	Office string `json:"office"`
	Device string `json:"device"`
	// Table is the signed user table.
	Table SignedTable `json:"table"`
	// Local holds the login failure counters (not signed: see FORMAT.md).
	Local []LocalState `json:"local"`
	// StoreKey is the device store key sealed under an office contact key.
	StoreKey SealedBlob `json:"store_key"`
	// Pending are failed logins sealed to the supervisors, numbered by
	// PendingSeq so that a removed one is noticed.
	Pending    []SealedEvent `json:"pending"`
	PendingSeq uint64        `json:"pending_seq"`
	// Checkpoint is the newest signed access-log checkpoint this device
	// wrote, kept outside the store so a truncated log is noticed.
	Checkpoint CheckpointRef `json:"checkpoint,omitzero"`
	// LegacyPins authenticate the admin key for people carried over from
	// format 1, who have no pinned key yet (an HMAC under the office key of
	// each class, made at conversion).
	LegacyPins []LegacyPin `json:"legacy_pins,omitempty"`
	// Upgrades are identities made by carried-over people at their first
	// login, waiting for an admin to sign them into the table.
	Upgrades []Upgrade `json:"upgrades,omitempty"`
	// LastRev is the highest rev this device issued or observed. Callers
	// feed it to Clock.Observe after loading and update it before Save.
	LastRev Rev `json:"last_rev,omitzero"`

	table         *UserTable     // decoded Table.Body, not verified
	format1       bool           // read from a format-1 file, not converted
	legacyPending []PendingEvent // format-1 failed logins, in the clear
}

// LocalState is one person's login failure count on this device.
type LocalState struct {
	Login       string    `json:"login"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// SealedEvent is a failed login sealed to each supervisor: Wraps holds the
// event JSON sealed with HPKE to each supervisor's key.
type SealedEvent struct {
	N     uint64    `json:"n"`
	At    time.Time `json:"at"`
	Wraps []Wrap    `json:"wraps"`
}

// Wrap is data sealed to one person.
type Wrap struct {
	Login string `json:"login"`
	CT    []byte `json:"ct"`
}

// CheckpointRef names a signed access-log checkpoint.
type CheckpointRef struct {
	Seq    uint64 `json:"seq"`
	Hash   string `json:"hash"`
	Signer string `json:"signer"`
}

// LegacyPin is HMAC(HKDF(office key of Class v1, "madoguchi legacy pin
// v1"), office | admin public key).
type LegacyPin struct {
	Class Class  `json:"class"`
	MAC   []byte `json:"mac"`
}

// Upgrade is an identity a carried-over person made at login: the public
// keys, the new bundle, and an HMAC under the office key of Class v1 that
// an admin checks before signing it into the table.
type Upgrade struct {
	Login   string     `json:"login"`
	Class   Class      `json:"class"`
	KEMPub  []byte     `json:"kem_pub"`
	SignPub []byte     `json:"sign_pub"`
	Bundle  SealedBlob `json:"bundle"`
	MAC     []byte     `json:"mac"`
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// storeKeyAAD is the additional data of the sealed store key.
func storeKeyAAD(office, device string) string {
	return "madoguchi store key v1|" + office + "|" + device
}

// Format1 reports whether the keyring was read from a format-1 file and has
// not been converted yet (see Convert).
func (kr *Keyring) Format1() bool { return kr.format1 }

// UnsafeTable returns the decoded user table without checking its
// signature. Use it only for what needs no trust (counting people for a
// login screen); VerifiedTable is the trusted view.
func (kr *Keyring) UnsafeTable() *UserTable { return kr.table }

// VerifiedTable returns the user table after checking its signature with
// adminPub (from an Unlocked) and that it belongs to this office. It fails
// with ErrForged otherwise.
func (kr *Keyring) VerifiedTable(adminPub []byte) (*UserTable, error) {
	if kr.format1 || kr.table == nil {
		return nil, fmt.Errorf("user table: unsigned format 1: %w", ErrForged)
	}
	if !kr.Table.verify(adminPub) || string(kr.table.AdminPub) != string(adminPub) || kr.table.Office != kr.Office {
		return nil, fmt.Errorf("user table: %w", ErrForged)
	}
	return kr.table, nil
}

// InitStoreKey makes a random 32-byte device store key, seals it under the
// current contact key of k, keeps it in kr and returns it. It replaces any
// store key kr held, so call it only when creating the store. It fails
// with ErrNoKey if k holds no contact key.
func (kr *Keyring) InitStoreKey(k *Keys) ([]byte, error) {
	sk := randomBytes(KeySize)
	if err := kr.sealStoreKey(k, sk); err != nil {
		return nil, fmt.Errorf("init store key: %w", err)
	}
	return sk, nil
}

// sealStoreKey seals sk under the current contact key of k.
func (kr *Keyring) sealStoreKey(k *Keys, sk []byte) error {
	version, key, ok := k.Current(ClassContact)
	if !ok {
		return ErrNoKey
	}
	blob, err := sealBlob(key, storeKeyAAD(kr.Office, kr.Device), sk)
	if err != nil {
		return err
	}
	blob.Class, blob.Version = ClassContact, version
	kr.StoreKey = blob
	return nil
}

// StoreKeyBytes unseals the device store key. It fails with ErrNoStoreKey
// before InitStoreKey, ErrNoKey if k lacks the contact key version it is
// sealed under, and ErrTampered if it does not authenticate (also when the
// keyring's office or device id was changed).
func (kr *Keyring) StoreKeyBytes(k *Keys) ([]byte, error) {
	if kr.StoreKey.isZero() {
		return nil, fmt.Errorf("store key: %w", ErrNoStoreKey)
	}
	key, ok := k.Get(kr.StoreKey.Class, kr.StoreKey.Version)
	if !ok {
		return nil, fmt.Errorf("store key: contact v%d: %w", kr.StoreKey.Version, ErrNoKey)
	}
	sk, err := openBlob(key, storeKeyAAD(kr.Office, kr.Device), kr.StoreKey)
	if err != nil {
		return nil, fmt.Errorf("store key: %w", err)
	}
	return sk, nil
}

// local returns the failure state of login (a zero state if none).
func (kr *Keyring) local(login string) LocalState {
	for _, s := range kr.Local {
		if s.Login == login {
			return s
		}
	}
	return LocalState{Login: login}
}

// setLocal stores the failure state of login, dropping a clean one.
func (kr *Keyring) setLocal(s LocalState) {
	out := kr.Local[:0]
	for _, x := range kr.Local {
		if x.Login != s.Login {
			out = append(out, x)
		}
	}
	if s.Failures != 0 || !s.LockedUntil.IsZero() {
		out = append(out, s)
	}
	kr.Local = out
}

// LockedUntil returns when login's lockout ends (zero when not locked).
func (kr *Keyring) LockedUntil(login string) time.Time { return kr.local(login).LockedUntil }

// marshalJSON is json.MarshalIndent with a final newline.
func marshalJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode keyring: %w", err)
	}
	return append(b, '\n'), nil
}
