package vault

import (
	"crypto/cipher"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// StreamOverhead is what sealing adds to each chunk of a stream.
const StreamOverhead = chacha20poly1305.Overhead

// Stream seals and opens the chunks of one file under one random file key,
// as age's STREAM does: chunk i is sealed with XChaCha20-Poly1305 under
// the nonce 15 zero bytes, i as 8 bytes big-endian, then 1 for the last
// chunk and 0 for the others, and with ad as additional data (the file's
// header). So a chunk moved to another place, a chunk cut off the end, a
// header changed and a flipped bit anywhere all fail to open. A Stream
// is safe for concurrent use; a key must seal one file only.
type Stream struct {
	aead cipher.AEAD
	ad   []byte
}

// NewStream returns the stream of a 32-byte file key; ad is bound into
// every chunk.
func NewStream(key, ad []byte) (*Stream, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("stream key: %w", err)
	}
	return &Stream{aead: aead, ad: append([]byte(nil), ad...)}, nil
}

func streamNonce(i uint64, last bool) []byte {
	n := make([]byte, chacha20poly1305.NonceSizeX)
	binary.BigEndian.PutUint64(n[15:23], i)
	if last {
		n[23] = 1
	}
	return n
}

// Seal appends chunk i, sealed, to dst.
func (s *Stream) Seal(dst []byte, i uint64, last bool, plaintext []byte) []byte {
	return s.aead.Seal(dst, streamNonce(i, last), plaintext, s.ad)
}

// Open appends chunk i, opened, to dst. A chunk that does not
// authenticate as chunk i with that last flag wraps ErrTampered.
func (s *Stream) Open(dst []byte, i uint64, last bool, sealed []byte) ([]byte, error) {
	out, err := s.aead.Open(dst, streamNonce(i, last), sealed, s.ad)
	if err != nil {
		return nil, fmt.Errorf("chunk %d: %w", i, ErrTampered)
	}
	return out, nil
}

// NewFileKey returns a random 32-byte key for one file.
func NewFileKey() []byte { return randomBytes(KeySize) }

// fileKeyAAD binds a wrapped file key to its office and purpose.
func fileKeyAAD(purpose, office string) string {
	return "madoguchi file key v1\x00" + purpose + "\x00" + office
}

// WrapFileKey seals a file key under the current office contact key of k,
// for purpose (e.g. "backup") in office, and returns it as JSON (a
// SealedBlob naming the key version). Whoever holds that contact key
// version opens it: every member of the office on the day it was made,
// the same people who open the device store key. ErrNoKey if k holds no
// contact key.
func WrapFileKey(k *Keys, purpose, office string, fileKey []byte) ([]byte, error) {
	version, key, ok := k.Current(ClassContact)
	if !ok {
		return nil, ErrNoKey
	}
	blob, err := sealBlob(key, fileKeyAAD(purpose, office), fileKey)
	if err != nil {
		return nil, err
	}
	blob.Class, blob.Version = ClassContact, version
	return json.Marshal(blob)
}

// UnwrapFileKey opens what WrapFileKey made. It fails with ErrMalformed
// for bytes that are not a sealed contact-key blob, ErrNoKey if k lacks
// the key version, and ErrTampered if it does not authenticate.
func UnwrapFileKey(k *Keys, purpose, office string, wrapped []byte) ([]byte, error) {
	var blob SealedBlob
	if err := json.Unmarshal(wrapped, &blob); err != nil || blob.Class != ClassContact {
		return nil, fmt.Errorf("file key: %w", ErrMalformed)
	}
	key, ok := k.Get(blob.Class, blob.Version)
	if !ok {
		return nil, fmt.Errorf("file key: contact v%d: %w", blob.Version, ErrNoKey)
	}
	fk, err := openBlob(key, fileKeyAAD(purpose, office), blob)
	if err != nil {
		return nil, fmt.Errorf("file key: %w", err)
	}
	if len(fk) != KeySize {
		return nil, fmt.Errorf("file key of %d bytes: %w", len(fk), ErrMalformed)
	}
	return fk, nil
}

// NewDevice gives the keyring a new random device id and seals the
// device store key again under it (the store key itself is unchanged).
// A restored vault takes one, so that it never issues revisions or
// access-log ids the vault it was copied from may issue too. ErrNoKey if
// k lacks the contact key.
func (kr *Keyring) NewDevice(k *Keys) error {
	sk, err := kr.StoreKeyBytes(k)
	if err != nil {
		return fmt.Errorf("new device: %w", err)
	}
	defer clear(sk)
	old := kr.Device
	kr.Device = randomHex(4)
	if err := kr.sealStoreKey(k, sk); err != nil {
		kr.Device = old
		return fmt.Errorf("new device: %w", err)
	}
	return nil
}

// passKey is a file key sealed under a passphrase, as
// WrapFileKeyPassphrase writes it.
type passKey struct {
	KDF  KDFParams  `json:"kdf"`
	Salt []byte     `json:"salt"`
	Key  SealedBlob `json:"key"`
}

// WrapFileKeyPassphrase seals a file key under a passphrase (Argon2id with
// p, or DefaultKDF when p is zero, and a random salt, then HKDF as for a
// person's KEK), for purpose, and returns it as JSON. It is for files no
// office key can open, such as a backup of the central server.
func WrapFileKeyPassphrase(pass []byte, p KDFParams, purpose string, fileKey []byte) ([]byte, error) {
	if p == (KDFParams{}) {
		p = DefaultKDF
	}
	pk := passKey{KDF: p, Salt: randomBytes(16)}
	kek := DeriveKEK(DeriveMaster(pass, pk.Salt, pk.KDF))
	defer clear(kek)
	blob, err := sealBlob(kek, fileKeyAAD(purpose, "passphrase"), fileKey)
	if err != nil {
		return nil, err
	}
	pk.Key = blob
	return json.Marshal(pk)
}

// UnwrapFileKeyPassphrase opens what WrapFileKeyPassphrase made:
// ErrMalformed for other bytes or KDF parameters beyond the caps, and
// ErrWrongPassword when the passphrase does not open it.
func UnwrapFileKeyPassphrase(pass []byte, purpose string, wrapped []byte) ([]byte, error) {
	var pk passKey
	if err := json.Unmarshal(wrapped, &pk); err != nil || !pk.KDF.valid() || len(pk.Salt) != 16 {
		return nil, fmt.Errorf("file key: %w", ErrMalformed)
	}
	kek := DeriveKEK(DeriveMaster(pass, pk.Salt, pk.KDF))
	defer clear(kek)
	fk, err := openBlob(kek, fileKeyAAD(purpose, "passphrase"), pk.Key)
	if err != nil {
		return nil, fmt.Errorf("file key: %w", ErrWrongPassword)
	}
	if len(fk) != KeySize {
		return nil, fmt.Errorf("file key of %d bytes: %w", len(fk), ErrMalformed)
	}
	return fk, nil
}
