package central

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// Erasure on the server. When a supervisor erases records, the office's
// server is told the signed order (the server verifies it against the
// office's user table; see app/server) and calls Store.Redact with the
// order's hash and the store ids of its records. Each stored envelope of
// those ids keeps its id, rev, device, cursor, link and Sum, and its sealed
// bytes are replaced by a redaction mark:
//
//	"madoguchi redacted v1\x00" || SHA-256(sealed bytes) (32) || order hash (64 hex)
//
// which is all a client needs to check the device's chain (the link hash
// covers the SHA-256 of the data, not the data) and to know which order it
// must verify before it accepts the gap. A retried push of the original
// bytes is still a duplicate (Sum is over the original), and an envelope
// pushed later under a redacted id (an edit made offline before the order
// reached that PC) is stored redacted at once.
const redactDomain = "madoguchi redacted v1\x00"

// RedactionSize is the length of a redaction mark.
const RedactionSize = len(redactDomain) + sha256.Size + 64

// Redaction is the mark that replaces sealed bytes whose SHA-256 is sum,
// erased by the order of hash order (64 lower-case hex digits).
func Redaction(sum [32]byte, order string) []byte {
	b := make([]byte, 0, RedactionSize)
	b = append(b, redactDomain...)
	b = append(b, sum[:]...)
	return append(b, order...)
}

// ParseRedaction reports whether data is a redaction mark and returns the
// SHA-256 of the erased bytes and the order's hash.
func ParseRedaction(data []byte) (sum [32]byte, order string, ok bool) {
	if len(data) != RedactionSize || !bytes.HasPrefix(data, []byte(redactDomain)) {
		return sum, "", false
	}
	copy(sum[:], data[len(redactDomain):])
	order = string(data[len(redactDomain)+sha256.Size:])
	if CheckOrderHash(order) != nil {
		return sum, "", false
	}
	return sum, order, true
}

// Redacted returns e's data replaced by the mark of order (unchanged when
// it is a mark already).
func Redacted(e Envelope, order string) Envelope {
	if _, _, ok := ParseRedaction(e.Data); ok {
		return e
	}
	e.Data = Redaction(sha256.Sum256(e.Data), order)
	return e
}

// CheckOrderHash checks an order's hash: 64 lower-case hex digits.
func CheckOrderHash(h string) error {
	if len(h) != 64 {
		return fmt.Errorf("order hash of %d bytes: %w", len(h), ErrInvalid)
	}
	for i := 0; i < len(h); i++ {
		if !('0' <= h[i] && h[i] <= '9' || 'a' <= h[i] && h[i] <= 'f') {
			return fmt.Errorf("order hash %q: %w", h, ErrInvalid)
		}
	}
	return nil
}

// MaxRedact is the most record ids of one Redact call.
const MaxRedact = 300000

// CheckRedact checks the arguments of Store.Redact.
func CheckRedact(office, order string, ids []string) error {
	if err := CheckID("office", office); err != nil {
		return err
	}
	if err := CheckOrderHash(order); err != nil {
		return err
	}
	if len(ids) == 0 || len(ids) > MaxRedact {
		return fmt.Errorf("redact %d record ids (1–%d): %w", len(ids), MaxRedact, ErrInvalid)
	}
	for _, id := range ids {
		if err := checkText("record id", id, false, MaxID); err != nil {
			return err
		}
	}
	return nil
}
