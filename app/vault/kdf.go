package vault

import (
	"crypto/sha256"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/hkdf"
)

// KeySize is the length in bytes of every key of this package.
const KeySize = 32

// HKDF info strings of the key hierarchy (docs/SECURITY.md).
const (
	infoKEK    = "madoguchi kek v1"
	infoAuth   = "madoguchi auth v1"
	infoSearch = "search v1"
)

// Sane ranges of KDFParams accepted from a keyring file.
const (
	minKDFTime   = 1
	maxKDFTime   = 10
	minKDFMemory = 1024
	maxKDFMemory = 1024 * 1024 // 1 GiB in KiB
	minKDFThread = 1
	maxKDFThread = 16
)

// KDFParams are the Argon2id cost parameters. They are stored beside every
// salt so they can be raised later without breaking old entries.
type KDFParams struct {
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
}

// DefaultKDF are the parameters for new passwords: t=3, 64 MiB, 4 lanes.
// Treat it as a constant.
var DefaultKDF = KDFParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// TestKDF returns cheap parameters (t=1, 1 MiB, 1 lane) for tests of other
// packages. Tests only: they give no protection to a real password.
func TestKDF() KDFParams {
	return KDFParams{Time: 1, MemoryKiB: 1024, Threads: 1}
}

// valid reports whether p lies in the range a keyring may carry.
func (p KDFParams) valid() bool {
	return p.Time >= minKDFTime && p.Time <= maxKDFTime &&
		p.MemoryKiB >= minKDFMemory && p.MemoryKiB <= maxKDFMemory &&
		p.Threads >= minKDFThread && p.Threads <= maxKDFThread
}

// DeriveMaster returns the 32-byte user master key:
// Argon2id(password, salt, p.Time, p.MemoryKiB, p.Threads).
// The caller validates p; it is used as given.
func DeriveMaster(password []byte, salt []byte, p KDFParams) []byte {
	return argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, KeySize)
}

// DeriveKEK returns the user key-encryption key:
// HKDF-SHA256(master, salt nil, info "madoguchi kek v1"), 32 bytes.
func DeriveKEK(master []byte) []byte { return hkdfKey(master, infoKEK) }

// DeriveAuthKey returns the key sent to the server at login:
// HKDF-SHA256(master, salt nil, info "madoguchi auth v1"), 32 bytes.
func DeriveAuthKey(master []byte) []byte { return hkdfKey(master, infoAuth) }

// deriveSearchKey returns the key of the earlier release's index of case
// text (BlindIndex.LegacyToken): HKDF-SHA256(caseKey, salt nil, info
// "search v1"), 32 bytes.
func deriveSearchKey(caseKey []byte) []byte { return hkdfKey(caseKey, infoSearch) }

// hkdfKey expands secret into KeySize bytes with HKDF-SHA256 and no salt.
func hkdfKey(secret []byte, info string) []byte {
	out := make([]byte, KeySize)
	r := hkdf.New(sha256.New, secret, nil, []byte(info))
	if _, err := io.ReadFull(r, out); err != nil {
		// HKDF-SHA256 can give 255*32 bytes; 32 never fails.
		panic("vault: hkdf: " + err.Error())
	}
	return out
}

// deriveKey returns HKDF-SHA256(secret, salt nil, info), 32 bytes, for keys
// derived from an office key (the blind index keys).
func deriveKey(secret []byte, info string) []byte { return hkdfKey(secret, info) }

// infoLogin is the HKDF info of the login key (DeriveLoginKey).
const infoLogin = "madoguchi login key v1"

// LoginSaltSize is the length of a login salt.
const LoginSaltSize = 16

// Valid reports whether p lies in the range this package accepts (the caps
// of FORMAT.md), for parameters that come from elsewhere, such as a
// server's answer.
func (p KDFParams) Valid() bool { return p.valid() }

// DeriveLoginKey returns the key a client sends to the central server at
// login instead of the password:
// HKDF-SHA256(Argon2id(password, salt, p), salt nil, info "madoguchi login key v1"),
// 32 bytes. salt is the login's own salt, kept by the server and never the
// salt of the person's bundle, so what the server holds (a slow hash of this
// key) is unrelated to the master key that opens the bundle: it allows a
// guess of the password at the cost of Argon2id with p and no more.
// The caller validates p.
func DeriveLoginKey(password, salt []byte, p KDFParams) []byte {
	m := argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, KeySize)
	return hkdfKey(m, infoLogin)
}
