package vault

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// EnvelopeVersion is the only envelope format version (Envelope.V).
const EnvelopeVersion = 1

// Limits of the envelope format; UnmarshalEnvelope refuses larger values.
const (
	MaxIDLen      = 256      // bytes of Envelope.ID and Envelope.Kind
	MaxParents    = 64       // entries of Envelope.Parents
	MaxCiphertext = 64 << 20 // bytes of Envelope.CT
	maxClassLen   = 32
)

// KeyRef names the office key an envelope is sealed under.
type KeyRef struct {
	Class   Class
	Version uint32
}

// Envelope is one sealed version of one record. CT is the XChaCha20-Poly1305
// encryption of the record's canonical JSON; the header (V, ID, Kind, Rev,
// Key and Parents) is bound as additional data, see AAD.
type Envelope struct {
	V       uint8 // EnvelopeVersion
	ID      string
	Kind    string
	Rev     Rev
	Parents []Rev
	Key     KeyRef
	Nonce   [24]byte
	CT      []byte
}

// Expect is what the caller of Open knows the envelope must be: the record
// id and kind it was looked up as, and optionally the exact rev.
type Expect struct {
	ID, Kind string
	Rev      *Rev // nil accepts any rev
}

// Seal encrypts plaintext under the current key of class c and returns the
// envelope. It fails with ErrNoKey if k holds no key of class c, and with
// ErrMalformed if a header field breaks the format limits.
func Seal(k *Keys, c Class, id, kind string, rev Rev, parents []Rev, plaintext []byte) (*Envelope, error) {
	var nonce [24]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, fmt.Errorf("seal %s: %w", id, err)
	}
	return sealWithNonce(k, c, id, kind, rev, parents, plaintext, nonce)
}

// sealWithNonce is Seal with a given nonce, for known-answer tests.
func sealWithNonce(k *Keys, c Class, id, kind string, rev Rev, parents []Rev, plaintext []byte, nonce [24]byte) (*Envelope, error) {
	if c != ClassFor(kind) {
		return nil, fmt.Errorf("seal %s: kind %s is not sealed under %s: %w", id, kind, c, ErrNoKey)
	}
	version, key, ok := k.Current(c)
	if !ok {
		return nil, fmt.Errorf("seal %s: class %s: %w", id, c, ErrNoKey)
	}
	e := &Envelope{V: EnvelopeVersion, ID: id, Kind: kind, Rev: rev, Key: KeyRef{c, version}, Nonce: nonce}
	if len(parents) > 0 {
		e.Parents = slices.Clone(parents)
	}
	if err := e.checkHeader(); err != nil {
		return nil, fmt.Errorf("seal %s: %w", id, err)
	}
	if len(plaintext) > MaxCiphertext-chacha20poly1305.Overhead {
		return nil, fmt.Errorf("seal %s: plaintext too large: %w", id, ErrMalformed)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", id, err)
	}
	e.CT = aead.Seal(nil, nonce[:], plaintext, e.AAD())
	return e, nil
}

// ClassFor returns the key class a record kind is sealed under: case for a
// kind ending in ".case", contact for every other. The kind decides, never
// the envelope, so content cannot be sealed under a key that more people
// hold.
func ClassFor(kind string) Class {
	if strings.HasSuffix(kind, ".case") {
		return ClassCase
	}
	return ClassContact
}

// Open checks that e's header matches want and decrypts e with the key it
// names. It returns an error wrapping ErrTampered if ID, Kind or (when
// set) Rev differ from want, the key class is not ClassFor(kind), or
// authentication fails, and ErrNoKey if k
// lacks the key class or version.
func Open(k *Keys, e *Envelope, want Expect) ([]byte, error) {
	if e.ID != want.ID || e.Kind != want.Kind || (want.Rev != nil && e.Rev != *want.Rev) {
		return nil, fmt.Errorf("open %s: header does not match: %w", want.ID, ErrTampered)
	}
	if e.V != EnvelopeVersion {
		return nil, fmt.Errorf("open %s: version %d: %w", want.ID, e.V, ErrMalformed)
	}
	if e.Key.Class != ClassFor(e.Kind) {
		return nil, fmt.Errorf("open %s: kind %s sealed under %s: %w", want.ID, e.Kind, e.Key.Class, ErrTampered)
	}
	key, ok := k.Get(e.Key.Class, e.Key.Version)
	if !ok {
		return nil, fmt.Errorf("open %s: key %s v%d: %w", want.ID, e.Key.Class, e.Key.Version, ErrNoKey)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", want.ID, err)
	}
	pt, err := aead.Open(nil, e.Nonce[:], e.CT, e.AAD())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", want.ID, ErrTampered)
	}
	return pt, nil
}

// AAD returns the additional data bound to e's ciphertext: the encoded
// header, that is V, ID, Kind, Rev, Key.Class, Key.Version and Parents,
// each with a fixed width or a length prefix (FORMAT.md). Binding Parents
// is an addition to the key design: a version cannot be re-parented.
func (e *Envelope) AAD() []byte {
	return e.appendHeader(nil)
}
