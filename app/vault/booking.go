package vault

import (
	"crypto/hpke"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// infoBooking derives an office's web-booking key seed from a contact key.
const infoBooking = "madoguchi booking key v1"

// BookingKey is the office's web-booking HPKE key pair of one version of the
// contact-class key. Requests from the public booking page are sealed to its
// public key on the server; every PC that holds the contact key derives the
// private key, so no key is distributed for booking.
type BookingKey struct {
	// Version is the contact key's version it comes from.
	Version uint32
	// ID names the public key (BookingKeyID).
	ID   string
	priv hpke.PrivateKey
}

// BookingKeys derives the booking key of every contact-key version the keys
// hold, newest first. It fails if the keys hold no contact class.
func (k *Keys) BookingKeys() ([]BookingKey, error) {
	versions := k.Versions(ClassContact)
	if len(versions) == 0 {
		return nil, fmt.Errorf("booking keys: no contact key: %w", ErrMalformed)
	}
	kemAlg, _, _ := hpkeSuite()
	out := make([]BookingKey, 0, len(versions))
	for i := len(versions) - 1; i >= 0; i-- {
		key, _ := k.Get(ClassContact, versions[i])
		seed := hkdfKey(key, infoBooking)
		priv, err := kemAlg.DeriveKeyPair(seed)
		clear(seed)
		if err != nil {
			return nil, fmt.Errorf("booking key %d: %w", versions[i], err)
		}
		out = append(out, BookingKey{Version: versions[i], ID: BookingKeyID(priv.PublicKey().Bytes()), priv: priv})
	}
	return out, nil
}

// Public returns the serialised HPKE public key that the server seals to.
func (b BookingKey) Public() []byte { return b.priv.PublicKey().Bytes() }

// Open opens a form sealed by SealBooking to this key with the same info.
// A wrong key, info or a changed byte wraps ErrTampered.
func (b BookingKey) Open(info, sealed []byte) ([]byte, error) {
	_, kdf, aead := hpkeSuite()
	pt, err := hpke.Open(b.priv, kdf, aead, info, sealed)
	if err != nil {
		return nil, fmt.Errorf("open booking request: %w", ErrTampered)
	}
	return pt, nil
}

// BookingKeyID names a booking public key: the first 8 bytes of its SHA-256,
// in hex.
func BookingKeyID(pub []byte) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SealBooking seals pt to the booking public key pub with info (the server's
// side; it holds no private key). A public key that is not one of the
// suite's wraps ErrMalformed.
func SealBooking(pub, info, pt []byte) ([]byte, error) {
	return wrapTo(pub, string(info), pt)
}
