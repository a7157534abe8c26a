package vault

import (
	"crypto/cipher"
	"crypto/rand"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// SealedBlob is a small secret sealed with XChaCha20-Poly1305. For the
// device store key Class and Version name the office key it is sealed
// under; for user bundles they are empty (the key is the user's KEK).
type SealedBlob struct {
	Class   Class  `json:"class,omitempty"`
	Version uint32 `json:"version,omitempty"`
	Nonce   []byte `json:"nonce"` // 24 bytes
	CT      []byte `json:"ct"`
}

// isZero reports whether b holds nothing.
func (b SealedBlob) isZero() bool {
	return b.Class == "" && b.Version == 0 && len(b.Nonce) == 0 && len(b.CT) == 0
}

// sealBlob encrypts pt under key with a random nonce, binding aad.
func sealBlob(key []byte, aad string, pt []byte) (SealedBlob, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return SealedBlob{}, fmt.Errorf("seal blob: %w", err)
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return SealedBlob{}, fmt.Errorf("seal blob: %w", err)
	}
	return SealedBlob{Nonce: nonce, CT: aead.Seal(nil, nonce, pt, []byte(aad))}, nil
}

// openBlob decrypts b under key, binding aad. A failed authentication
// wraps ErrTampered.
func openBlob(key []byte, aad string, b SealedBlob) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	if len(b.Nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("open blob: nonce length %d: %w", len(b.Nonce), ErrMalformed)
	}
	pt, err := aead.Open(nil, b.Nonce, b.CT, []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", ErrTampered)
	}
	return pt, nil
}

// ValueSealer seals small values under one key with XChaCha20-Poly1305 and
// a random nonce, binding an aad: nonce | ciphertext. It keeps the cipher
// set up, for callers that seal many values (the blind index).
type ValueSealer struct {
	aead cipher.AEAD
}

// NewValueSealer returns a ValueSealer for a 32-byte key.
func NewValueSealer(key []byte) (*ValueSealer, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("value sealer: %w", err)
	}
	return &ValueSealer{aead: aead}, nil
}

// Seal encrypts pt bound to aad.
func (v *ValueSealer) Seal(aad string, pt []byte) []byte {
	out := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(pt)+chacha20poly1305.Overhead)
	_, _ = rand.Read(out) // crypto/rand.Read never fails (Go 1.24+)
	return v.aead.Seal(out, out, pt, []byte(aad))
}

// Open reverses Seal; a wrong key, aad or a changed byte wraps ErrTampered.
func (v *ValueSealer) Open(aad string, sealed []byte) ([]byte, error) {
	if len(sealed) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("open value: %w", ErrMalformed)
	}
	pt, err := v.aead.Open(nil, sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:], []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("open value: %w", ErrTampered)
	}
	return pt, nil
}
