package vault

import (
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
