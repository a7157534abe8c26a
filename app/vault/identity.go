package vault

import (
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"encoding/binary"
	"fmt"
)

// Identity is one person's key pairs, made when the account is created (or
// its password reset): an Ed25519 key that signs (approvals, access-log
// checkpoints) and a hybrid ML-KEM-768+X25519 HPKE key that receives office
// keys. Both are derived from 32-byte seeds, which live only inside the
// person's bundle, sealed under their KEK.
type Identity struct {
	signSeed []byte
	kemSeed  []byte
	sign     ed25519.PrivateKey
	kem      hpke.PrivateKey
}

// The HPKE suite of every wrap: RFC 9180 with the hybrid post-quantum KEM
// of Go's crypto/hpke, HKDF-SHA256 and ChaCha20-Poly1305.
func hpkeSuite() (hpke.KEM, hpke.KDF, hpke.AEAD) {
	return hpke.MLKEM768X25519(), hpke.HKDFSHA256(), hpke.ChaCha20Poly1305()
}

// NewIdentity makes an identity from fresh random seeds.
func NewIdentity() (*Identity, error) {
	sign, kem := make([]byte, KeySize), make([]byte, KeySize)
	_, _ = rand.Read(sign) // crypto/rand.Read never fails (Go 1.24+)
	_, _ = rand.Read(kem)
	return identityFromSeeds(sign, kem)
}

// identityFromSeeds derives both key pairs; it keeps the seed slices.
func identityFromSeeds(signSeed, kemSeed []byte) (*Identity, error) {
	if len(signSeed) != ed25519.SeedSize || len(kemSeed) != KeySize {
		return nil, fmt.Errorf("identity seeds: %w", ErrMalformed)
	}
	kemAlg, _, _ := hpkeSuite()
	kem, err := kemAlg.DeriveKeyPair(kemSeed)
	if err != nil {
		return nil, fmt.Errorf("identity kem key: %w", err)
	}
	return &Identity{signSeed: signSeed, kemSeed: kemSeed, sign: ed25519.NewKeyFromSeed(signSeed), kem: kem}, nil
}

// SignPublic returns the Ed25519 public key (32 bytes).
func (id *Identity) SignPublic() []byte { return []byte(id.sign.Public().(ed25519.PublicKey)) }

// KEMPublic returns the serialised HPKE public key (1216 bytes).
func (id *Identity) KEMPublic() []byte { return id.kem.PublicKey().Bytes() }

// Sign signs msg with the person's Ed25519 key.
func (id *Identity) Sign(msg []byte) []byte { return ed25519.Sign(id.sign, msg) }

// Zero wipes the seeds and the signing key. The HPKE key object cannot be
// wiped from outside crypto/hpke; dropping the Identity lets it go.
func (id *Identity) Zero() {
	if id == nil {
		return
	}
	clear(id.signSeed)
	clear(id.kemSeed)
	clear(id.sign)
	id.kem = nil
}

// Verify reports whether sig is a valid Ed25519 signature of msg by pub.
// A pub of the wrong length is simply not valid.
func Verify(pub, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
}

// wrapTo seals pt to the HPKE public key pub with the given info, which binds
// the wrap to its purpose (office, recipient, class, version).
func wrapTo(pub []byte, info string, pt []byte) ([]byte, error) {
	kemAlg, kdf, aead := hpkeSuite()
	pk, err := kemAlg.NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("wrap: public key: %w", ErrMalformed)
	}
	ct, err := hpke.Seal(pk, kdf, aead, []byte(info), pt)
	if err != nil {
		return nil, fmt.Errorf("wrap: %w", err)
	}
	return ct, nil
}

// unwrap opens a wrap made by wrapTo for this identity. A wrong recipient,
// info or a changed byte wraps ErrTampered.
func (id *Identity) unwrap(info string, ct []byte) ([]byte, error) {
	_, kdf, aead := hpkeSuite()
	pt, err := hpke.Open(id.kem, kdf, aead, []byte(info), ct)
	if err != nil {
		return nil, fmt.Errorf("unwrap: %w", ErrTampered)
	}
	return pt, nil
}

// lp appends s with a 4-byte big-endian length prefix; the signed and bound
// messages of this package are built from such fields so that no field can
// shift into another.
func lp(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// lpb is lp for bytes.
func lpb(b []byte, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
