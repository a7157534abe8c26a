package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"golang.org/x/crypto/chacha20poly1305"
)

// fixedNonceDomain starts the message of a fixed nonce (SealFixed).
const fixedNonceDomain = "madoguchi fixed nonce v1"

// SealFixed is Seal with a nonce derived from the key, the header and the
// plaintext instead of a random one, so that the same content under the
// same header seals to the same bytes every time: an access-log event
// that sync offers again after a lost answer must be sent byte for byte,
// and the server refuses other bytes under an id and rev it stores. It
// uses the current key of class c, as Seal does (SealFixedUnder names the
// key version).
//
// The nonce is the first 24 bytes of
//
//	HMAC-SHA256(key, fixedNonceDomain 0x00 uint32be(len(aad)) aad plaintext)
//
// with aad the envelope's AAD. Only use it for immutable content, whose id
// and rev never name other content (an access-log event): two seals with
// the same header are equal exactly when their plaintexts are, which
// anyone holding both envelopes can see. The plaintext is part of the
// nonce, so even other content under the same header never reuses a
// nonce with it (a synthetic IV), but nothing else is promised for such
// a misuse.
func SealFixed(k *Keys, c Class, id, kind string, rev Rev, parents []Rev, plaintext []byte) (*Envelope, error) {
	version, _, ok := k.Current(c)
	if !ok {
		return nil, fmt.Errorf("seal %s: class %s: %w", id, c, ErrNoKey)
	}
	return SealFixedUnder(k, KeyRef{Class: c, Version: version}, id, kind, rev, parents, plaintext)
}

// SealFixedUnder is SealFixed under the key version ref names (the one an
// earlier seal of the same content used, after a rotation). It fails with
// ErrNoKey if k lacks that key or ref.Class is not ClassFor(kind), and
// with ErrMalformed if a header field breaks the format limits.
func SealFixedUnder(k *Keys, ref KeyRef, id, kind string, rev Rev, parents []Rev, plaintext []byte) (*Envelope, error) {
	if ref.Class != ClassFor(kind) {
		return nil, fmt.Errorf("seal %s: kind %s is not sealed under %s: %w", id, kind, ref.Class, ErrNoKey)
	}
	key, ok := k.Get(ref.Class, ref.Version)
	if !ok {
		return nil, fmt.Errorf("seal %s: key %s v%d: %w", id, ref.Class, ref.Version, ErrNoKey)
	}
	e := &Envelope{V: EnvelopeVersion, ID: id, Kind: kind, Rev: rev, Key: ref}
	if len(parents) > 0 {
		e.Parents = slices.Clone(parents)
	}
	if err := e.checkHeader(); err != nil {
		return nil, fmt.Errorf("seal %s: %w", id, err)
	}
	if len(plaintext) > MaxCiphertext-chacha20poly1305.Overhead {
		return nil, fmt.Errorf("seal %s: plaintext too large: %w", id, ErrMalformed)
	}
	aad := e.AAD()
	e.Nonce = fixedNonce(key, aad, plaintext)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", id, err)
	}
	e.CT = aead.Seal(nil, e.Nonce[:], plaintext, aad)
	return e, nil
}

// fixedNonce derives SealFixed's nonce.
func fixedNonce(key, aad, plaintext []byte) [24]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(fixedNonceDomain))
	m.Write([]byte{0})
	m.Write(binary.BigEndian.AppendUint32(nil, uint32(len(aad))))
	m.Write(aad)
	m.Write(plaintext)
	var n [24]byte
	copy(n[:], m.Sum(nil))
	return n
}
