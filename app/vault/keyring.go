package vault

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// KeyringFormat is the keyring file format this package writes.
const KeyringFormat = 1

// Keyring is the local keyring file: everything needed to log in offline
// and open the local store. It is not safe for concurrent use.
type Keyring struct {
	Format   int            `json:"format"` // KeyringFormat
	Office   string         `json:"office"` // office id
	Device   string         `json:"device"` // this device's id
	Users    []UserEntry    `json:"users"`
	StoreKey SealedBlob     `json:"store_key"` // see InitStoreKey
	Pending  []PendingEvent `json:"pending"`   // see TakePending
	// LastRev is the highest rev this device issued or observed. Callers
	// feed it to Clock.Observe after loading and update it before Save.
	LastRev Rev `json:"last_rev,omitzero"`
}

// UserEntry is one user of the keyring.
type UserEntry struct {
	Login    string    `json:"login"`
	Name     string    `json:"name"`
	Roles    []string  `json:"roles"`
	Disabled bool      `json:"disabled"`
	KDF      KDFParams `json:"kdf"`
	Salt     []byte    `json:"salt"` // 16 bytes
	// Bundle is the JSON of the user's office keys sealed under the user
	// KEK with AAD "madoguchi bundle v1|"+Login.
	Bundle      SealedBlob `json:"bundle"`
	Failures    int        `json:"failures"` // consecutive wrong passwords
	LockedUntil time.Time  `json:"locked_until,omitzero"`
}

// PendingEvent is an audit event recorded while the store is closed (a
// failed login); the caller writes it to the audit log once it is open.
type PendingEvent struct {
	At     time.Time `json:"at"`
	Login  string    `json:"login"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

// NewKeyring returns an empty keyring. An empty office id becomes 16
// random hex bytes, an empty device id 4 random hex bytes (8 characters).
func NewKeyring(office string, device string) *Keyring {
	if office == "" {
		office = randomHex(16)
	}
	if device == "" {
		device = randomHex(4)
	}
	return &Keyring{Format: KeyringFormat, Office: office, Device: device}
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// storeKeyAAD is the additional data of the sealed store key.
func (kr *Keyring) storeKeyAAD() string {
	return "madoguchi store key v1|" + kr.Office + "|" + kr.Device
}

// InitStoreKey makes a random 32-byte device store key, seals it under the
// current contact key of k, keeps it in kr and returns it. It replaces any
// store key kr held, so call it only when creating the store. It fails
// with ErrNoKey if k holds no contact key.
func (kr *Keyring) InitStoreKey(k *Keys) ([]byte, error) {
	version, key, ok := k.Current(ClassContact)
	if !ok {
		return nil, fmt.Errorf("init store key: %w", ErrNoKey)
	}
	sk := make([]byte, KeySize)
	if _, err := rand.Read(sk); err != nil {
		return nil, fmt.Errorf("init store key: %w", err)
	}
	blob, err := sealBlob(key, kr.storeKeyAAD(), sk)
	if err != nil {
		return nil, fmt.Errorf("init store key: %w", err)
	}
	blob.Class, blob.Version = ClassContact, version
	kr.StoreKey = blob
	return sk, nil
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
	sk, err := openBlob(key, kr.storeKeyAAD(), kr.StoreKey)
	if err != nil {
		return nil, fmt.Errorf("store key: %w", err)
	}
	return sk, nil
}

// find returns the entry of login, or nil.
func (kr *Keyring) find(login string) *UserEntry {
	for i := range kr.Users {
		if kr.Users[i].Login == login {
			return &kr.Users[i]
		}
	}
	return nil
}

// User returns a copy of the entry of login.
func (kr *Keyring) User(login string) (*UserEntry, bool) {
	u := kr.find(login)
	if u == nil {
		return nil, false
	}
	c := *u
	c.Roles = slices.Clone(u.Roles)
	c.Salt = slices.Clone(u.Salt)
	c.Bundle.Nonce = slices.Clone(u.Bundle.Nonce)
	c.Bundle.CT = slices.Clone(u.Bundle.CT)
	return &c, true
}

// TakePending returns the pending audit events and clears them.
func (kr *Keyring) TakePending() []PendingEvent {
	p := kr.Pending
	kr.Pending = nil
	return p
}
