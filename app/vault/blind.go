package vault

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
)

// HKDF info strings of the blind index keys (FORMAT.md).
const (
	infoBlindMAC  = "madoguchi blind index v2 mac"
	infoBlindSeal = "madoguchi blind index v2 seal"
)

// Sizes of a blind index value (FORMAT.md): the plaintext is a length byte
// and the value padded to blindBlock bytes, or to two blocks for a value of
// blindBlock bytes or more.
const (
	blindBlock   = 16
	blindSaltLen = 8
	blindTagLen  = 8
	blindTokLen  = 16 // bytes of HMAC in a token
	legacyTokLen = 8  // bytes of HMAC in a legacy token
)

// ErrBlindValueTooLong is returned by BlindIndex.Seal for a value of
// BlindValueMax+1 bytes or more.
var ErrBlindValueTooLong = errors.New("value too long for the blind index")

// BlindValueMax is the longest value BlindIndex.Seal takes. Values of up to
// 15 bytes seal to 32 bytes, longer ones to 48.
const BlindValueMax = 2*blindBlock - 1

// BlindIndex makes the entry keys and seals the entry values of the index
// over case text, for one version of the case key. Someone without the case
// key sees only HMAC tokens and sealed values of one size (docs/SECURITY.md);
// FORMAT.md gives the bytes. What the entries mean (counts, ids) is the
// caller's.
//
// A BlindIndex holds keys derived from the case key. It reuses its HMAC
// states, so it is not safe for concurrent use: make one per goroutine.
// Close zeroes its keys; a BlindIndex must not be used after Close.
type BlindIndex struct {
	version uint32
	mac     hash.Hash // HMAC-SHA256 under the mac key
	seal    hash.Hash // HMAC-SHA256 under the seal key
	legacy  hash.Hash // HMAC-SHA256 under the search key
	keys    [][]byte  // the three derived keys, zeroed by Close
	closed  bool
}

// BlindIndex returns the blind index of case key version v; the error wraps
// ErrNoKey when k does not hold it. The caller closes it.
func (k *Keys) BlindIndex(v uint32) (*BlindIndex, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ck := k.classes[ClassCase]
	if ck == nil || ck.versions[v] == nil {
		return nil, fmt.Errorf("blind index of case key %d: %w", v, ErrNoKey)
	}
	return newBlindIndex(ck.versions[v], v), nil
}

// newBlindIndex derives the blind index keys from caseKey, which it does
// not keep.
func newBlindIndex(caseKey []byte, v uint32) *BlindIndex {
	b := &BlindIndex{version: v}
	b.mac = b.hmac(deriveKey(caseKey, infoBlindMAC))
	b.seal = b.hmac(deriveKey(caseKey, infoBlindSeal))
	b.legacy = b.hmac(deriveSearchKey(caseKey))
	return b
}

// hmac returns HMAC-SHA256 under key, which Close zeroes.
func (b *BlindIndex) hmac(key []byte) hash.Hash {
	b.keys = append(b.keys, key)
	return hmac.New(sha256.New, key)
}

// Version is the case key version of the index.
func (b *BlindIndex) Version() uint32 { return b.version }

// Close zeroes the keys b holds and drops its HMAC states. (crypto/hmac
// keeps its own key-derived pads, which no code outside it can wipe; they
// go to the garbage collector with b's states.) Close may be called more
// than once.
func (b *BlindIndex) Close() {
	if b == nil {
		return
	}
	for _, k := range b.keys {
		clear(k)
	}
	b.keys = nil
	b.mac, b.seal, b.legacy = nil, nil, nil
	b.closed = true
}

// live panics when b was closed, which is a bug of the caller.
func (b *BlindIndex) live() {
	if b.closed {
		panic("vault: BlindIndex used after Close")
	}
}

// Token returns the entry key token of parts: base64url without padding of
// the first 16 bytes of HMAC-SHA256(mac key, lp(part 1) | lp(part 2) …).
// The parts are length-prefixed, so no two lists give the same message.
func (b *BlindIndex) Token(parts ...string) string {
	b.live()
	m := b.mac
	m.Reset()
	var n [4]byte
	for _, p := range parts {
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(m.Sum(sum[:0])[:blindTokLen])
}

// LegacyToken returns the token the earlier release indexed term under:
// lower-case hex of the first 8 bytes of HMAC-SHA256(search key, term),
// the search key being HKDF-SHA256(case key, none, "search v1").
func (b *BlindIndex) LegacyToken(term string) string {
	b.live()
	m := b.legacy
	m.Reset()
	m.Write([]byte(term))
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0])[:legacyTokLen])
}

// Seal encrypts value (at most BlindValueMax bytes) bound to the string
// bound (the entry's key), with a fresh random salt. Every sealed value of
// up to 15 bytes is 32 bytes long (FORMAT.md).
func (b *BlindIndex) Seal(bound string, value []byte) ([]byte, error) {
	var salt [blindSaltLen]byte
	_, _ = rand.Read(salt[:]) // crypto/rand.Read never fails (Go 1.24+)
	return b.sealWithSalt(bound, value, salt)
}

// sealWithSalt is Seal with a given salt: salt | pt XOR HMAC(seal key, "s" |
// salt | bound) | HMAC(seal key, "t" | salt | ct | bound)[:8], where pt is
// the length byte, the value and zeros to 16 or 32 bytes.
func (b *BlindIndex) sealWithSalt(bound string, value []byte, salt [blindSaltLen]byte) ([]byte, error) {
	if len(value) > BlindValueMax {
		return nil, fmt.Errorf("blind index value of %d bytes: %w", len(value), ErrBlindValueTooLong)
	}
	size := blindBlock
	if len(value) >= blindBlock {
		size = 2 * blindBlock
	}
	out := make([]byte, 0, blindSaltLen+size+blindTagLen)
	out = append(out, salt[:]...)
	ks := b.stream(salt[:], bound)
	pt := make([]byte, size)
	pt[0] = byte(len(value))
	copy(pt[1:], value)
	for i := range pt {
		out = append(out, pt[i]^ks[i])
	}
	return append(out, b.tag(out, bound)...), nil
}

// Open reverses Seal. The error wraps ErrTampered when sealed was changed,
// has the wrong size or was sealed bound to another string or under another
// key.
func (b *BlindIndex) Open(bound string, sealed []byte) ([]byte, error) {
	n := len(sealed) - blindTagLen
	size := n - blindSaltLen
	if (size != blindBlock && size != 2*blindBlock) || !hmac.Equal(sealed[n:], b.tag(sealed[:n], bound)) {
		return nil, fmt.Errorf("blind index entry: %w", ErrTampered)
	}
	ks := b.stream(sealed[:blindSaltLen], bound)
	pt := make([]byte, size)
	for i := range pt {
		pt[i] = sealed[blindSaltLen+i] ^ ks[i]
	}
	if int(pt[0]) > size-1 {
		return nil, fmt.Errorf("blind index entry: %w", ErrTampered)
	}
	return pt[1 : 1+int(pt[0])], nil
}

// stream is the keystream of one value: HMAC(seal key, "s" | salt | bound).
func (b *BlindIndex) stream(salt []byte, bound string) []byte {
	b.live()
	m := b.seal
	m.Reset()
	m.Write([]byte{'s'})
	m.Write(salt)
	m.Write([]byte(bound))
	return m.Sum(nil)
}

// tag authenticates salt and ciphertext (sc) bound to bound.
func (b *BlindIndex) tag(sc []byte, bound string) []byte {
	b.live()
	m := b.seal
	m.Reset()
	m.Write([]byte{'t'})
	m.Write(sc)
	m.Write([]byte(bound))
	return m.Sum(nil)[:blindTagLen]
}
