package vault

import (
	"fmt"
	"time"
)

// maxOfficeLen bounds the office id.
const maxOfficeLen = 64

// check validates a decoded keyring.
func (kr *Keyring) check() error {
	if kr.Office == "" || len(kr.Office) > maxOfficeLen || !validDevice(kr.Office) {
		return fmt.Errorf("office id: %w", ErrMalformed)
	}
	if kr.Device == "" || !validDevice(kr.Device) || !kr.LastRev.valid() {
		return fmt.Errorf("device id: %w", ErrMalformed)
	}
	if err := checkStoreKey(kr.StoreKey); err != nil {
		return err
	}
	for _, e := range kr.Pending {
		if !encodableTime(e.At) {
			return fmt.Errorf("pending event time: %w", ErrMalformed)
		}
	}
	seen := map[string]bool{}
	for i := range kr.Users {
		u := &kr.Users[i]
		if seen[u.Login] {
			return fmt.Errorf("user %d: duplicate login: %w", i, ErrMalformed)
		}
		seen[u.Login] = true
		if err := u.check(); err != nil {
			return fmt.Errorf("user %d: %w", i, err)
		}
	}
	return nil
}

// check validates one decoded user entry.
func (u *UserEntry) check() error {
	switch {
	case !validLogin(u.Login):
		return fmt.Errorf("login: %w", ErrMalformed)
	case !u.KDF.valid():
		return fmt.Errorf("kdf params out of range: %w", ErrMalformed)
	case len(u.Salt) != SaltSize:
		return fmt.Errorf("salt length %d: %w", len(u.Salt), ErrMalformed)
	case !encodableTime(u.LockedUntil):
		return fmt.Errorf("locked until: %w", ErrMalformed)
	case u.Failures < 0:
		return fmt.Errorf("failures %d: %w", u.Failures, ErrMalformed)
	case u.Bundle.Class != "" || u.Bundle.Version != 0:
		return fmt.Errorf("bundle names a key: %w", ErrMalformed)
	}
	return checkBlob(u.Bundle, maxBundleLen)
}

// checkStoreKey validates the sealed store key, which may be absent.
func checkStoreKey(b SealedBlob) error {
	if b.isZero() {
		return nil
	}
	if b.Class != ClassContact || b.Version == 0 {
		return fmt.Errorf("store key class: %w", ErrMalformed)
	}
	if len(b.CT) != KeySize+16 {
		return fmt.Errorf("store key length: %w", ErrMalformed)
	}
	return checkBlob(b, KeySize+16)
}

// checkBlob validates nonce and ciphertext lengths.
func checkBlob(b SealedBlob, maxCT int) error {
	if len(b.Nonce) != 24 {
		return fmt.Errorf("nonce length %d: %w", len(b.Nonce), ErrMalformed)
	}
	if len(b.CT) < 16 || len(b.CT) > maxCT {
		return fmt.Errorf("ciphertext length %d: %w", len(b.CT), ErrMalformed)
	}
	return nil
}

// normalize puts decoded values in the form this package creates them:
// times in UTC and an absent store key as the zero value.
func (kr *Keyring) normalize() {
	if kr.StoreKey.isZero() {
		kr.StoreKey = SealedBlob{}
	}
	for i := range kr.Users {
		kr.Users[i].LockedUntil = kr.Users[i].LockedUntil.UTC()
	}
	for i := range kr.Pending {
		kr.Pending[i].At = kr.Pending[i].At.UTC()
	}
}

// encodableTime reports whether t (in UTC) has a year JSON can carry.
func encodableTime(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}
