package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ErrBadCode: an enrollment code that is not one this program writes.
var ErrBadCode = errors.New("malformed enrollment code")

// ErrBadAddr: a server address that is not host:port.
var ErrBadAddr = errors.New("bad server address")

// codePrefix starts every enrollment code; the digit is its version.
const codePrefix = "MDG1."

// MaxAddr is the longest server address of a code, in bytes.
const MaxAddr = 262 // a DNS name (253) with a port

// MaxCode is the longest enrollment code, in bytes.
const MaxCode = len(codePrefix) + (MaxAddr*4+2)/3 + 2*(43+1)

// Code is a one-time enrollment code: where the server is, the pin of its
// key, and the token that admits one device. Its text form is
//
//	MDG1.<address>.<pin>.<token>
//
// with the address (host:port) in base64url and the pin and the 32-byte
// token in base64url, all without padding: one line of ASCII that survives
// copying by hand, mail and chat.
type Code struct {
	Addr  string
	Pin   [32]byte
	Token [32]byte
}

// NewToken returns a random token.
func NewToken() [32]byte {
	var t [32]byte
	if _, err := rand.Read(t[:]); err != nil {
		panic(err) // crypto/rand does not fail
	}
	return t
}

// TokenHash is what the central store keeps of a token.
func TokenHash(t [32]byte) []byte {
	h := sha256.Sum256(append([]byte("madoguchi enrollment token v1\x00"), t[:]...))
	return h[:]
}

// String is the code's text form.
func (c Code) String() string {
	e := base64.RawURLEncoding
	return codePrefix + e.EncodeToString([]byte(c.Addr)) + "." + e.EncodeToString(c.Pin[:]) + "." + e.EncodeToString(c.Token[:])
}

// ParseCode decodes a code strictly: the text form of a Code and nothing
// else (surrounding spaces aside), so every accepted text has one meaning.
func ParseCode(s string) (Code, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxCode {
		return Code{}, fmt.Errorf("code of %d bytes: %w", len(s), ErrBadCode)
	}
	rest, ok := strings.CutPrefix(s, codePrefix)
	if !ok {
		return Code{}, fmt.Errorf("code without the %q prefix: %w", codePrefix, ErrBadCode)
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return Code{}, fmt.Errorf("code of %d parts: %w", len(parts), ErrBadCode)
	}
	e := base64.RawURLEncoding.Strict()
	addr, err := e.DecodeString(parts[0])
	if err != nil {
		return Code{}, fmt.Errorf("code address: %v: %w", err, ErrBadCode)
	}
	var c Code
	c.Addr = string(addr)
	if err := CheckAddr(c.Addr); err != nil {
		return Code{}, fmt.Errorf("code address: %v: %w", err, ErrBadCode)
	}
	for i, dst := range [][]byte{c.Pin[:], c.Token[:]} {
		b, err := e.DecodeString(parts[i+1])
		if err != nil || len(b) != len(dst) {
			return Code{}, fmt.Errorf("code part %d: %w", i+2, ErrBadCode)
		}
		copy(dst, b)
	}
	if c.String() != s {
		return Code{}, fmt.Errorf("code not in its canonical form: %w", ErrBadCode)
	}
	return c, nil
}

// CheckAddr checks a server address: host:port with a host of printable
// ASCII without spaces (a name or an IP literal) and a port 1–65535.
func CheckAddr(addr string) error {
	if len(addr) > MaxAddr {
		return fmt.Errorf("address of %d bytes: %w", len(addr), ErrBadAddr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q: %v: %w", addr, err, ErrBadAddr)
	}
	if host == "" {
		return fmt.Errorf("%q without a host: %w", addr, ErrBadAddr)
	}
	for i := 0; i < len(host); i++ {
		if host[i] <= ' ' || host[i] > '~' || strings.IndexByte("/?#@[]", host[i]) >= 0 {
			return fmt.Errorf("%q: host with a byte 0x%02x: %w", addr, host[i], ErrBadAddr)
		}
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
		return fmt.Errorf("%q: port %q: %w", addr, port, ErrBadAddr)
	}
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return fmt.Errorf("%q: host with a colon that is not an IPv6 address: %w", addr, ErrBadAddr)
	}
	return nil
}
