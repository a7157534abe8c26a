package central

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits. Whatever is beyond them is refused with ErrInvalid before a
// backend sees it, so both backends take the same inputs.
const (
	MaxID         = 256             // bytes of a record id (as in the vault's envelope)
	MaxRev        = 128             // bytes of a rev's text form
	MaxName       = 64              // bytes of an office or device id
	MaxDeviceName = 256             // bytes of a device's display name
	MaxLogin      = 128             // bytes of a login
	MaxHash       = 64              // bytes of a chain or anchor hash
	MaxSig        = 4096            // bytes of a link or anchor signature
	MaxVerifier   = 1024            // bytes of a login verifier
	MaxEnvelope   = 64<<20 + 64<<10 // bytes of one sealed envelope (64 MiB of ciphertext and its header)
	MaxBatch      = 2000            // envelopes in one push
	MaxBatchBytes = 128 << 20       // bytes of data in one push
	MaxPage       = 1000            // envelopes in one page
	MaxPageBytes  = 16 << 20        // data in one page, unless its first envelope alone is larger
	MaxTable      = 16 << 20        // bytes of an office's signed user table
	MaxCert       = 16 << 10        // bytes of a device certificate (DER)
	maxSeq        = math.MaxInt64   // PostgreSQL's bigint
	sumDomain     = "madoguchi central envelope v1"
)

// Key names a stored envelope.
type Key struct{ ID, Rev string }

// CheckID checks an office or device id: 1–MaxName bytes of printable,
// non-space ASCII (the vault's alphabet for office and device ids).
func CheckID(what, s string) error {
	if s == "" || len(s) > MaxName {
		return fmt.Errorf("%s of %d bytes (1–%d): %w", what, len(s), MaxName, ErrInvalid)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("%s %q with a byte that is not printable ASCII: %w", what, s, ErrInvalid)
		}
	}
	return nil
}

// CheckLogin checks a login: 1–MaxLogin bytes of UTF-8 without control or
// space characters (the vault's rule).
func CheckLogin(s string) error {
	if s == "" || len(s) > MaxLogin || !utf8.ValidString(s) {
		return fmt.Errorf("login of %d bytes (1–%d of UTF-8): %w", len(s), MaxLogin, ErrInvalid)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return fmt.Errorf("login %q with a space or control character: %w", s, ErrInvalid)
		}
	}
	return nil
}

// checkText checks free text for PostgreSQL's text type: valid UTF-8, no
// NUL, at most max bytes (min 1 unless empty is allowed).
func checkText(what, s string, empty bool, max int) error {
	if (s == "" && !empty) || len(s) > max || !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%s of %d bytes (up to %d of UTF-8 without NUL): %w", what, len(s), max, ErrInvalid)
	}
	return nil
}

// checkRev checks a rev's text form loosely (the store does not parse it):
// 1–MaxRev bytes of printable, non-space ASCII.
func checkRev(s string) error {
	if s == "" || len(s) > MaxRev {
		return fmt.Errorf("rev of %d bytes (1–%d): %w", len(s), MaxRev, ErrInvalid)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("rev %q with a byte that is not printable ASCII: %w", s, ErrInvalid)
		}
	}
	return nil
}

func checkBytes(what string, b []byte, min, max int) error {
	if len(b) < min || len(b) > max {
		return fmt.Errorf("%s of %d bytes (%d–%d): %w", what, len(b), min, max, ErrInvalid)
	}
	return nil
}

// CheckBatch checks a batch against the limits and returns it ready to
// store: Envelope.Device filled in, times in the store's form, and an
// envelope repeated with the same content dropped (a second one with the
// same (id, rev) and other content gives ErrConflict).
func CheckBatch(b Batch) (Batch, error) {
	if err := CheckID("office", b.Office); err != nil {
		return Batch{}, err
	}
	if err := CheckID("device", b.Device); err != nil {
		return Batch{}, err
	}
	if len(b.Envelopes) == 0 && b.Anchor == nil {
		return Batch{}, fmt.Errorf("empty batch: %w", ErrInvalid)
	}
	if len(b.Envelopes) > MaxBatch {
		return Batch{}, fmt.Errorf("batch of %d envelopes (at most %d): %w", len(b.Envelopes), MaxBatch, ErrInvalid)
	}
	out := Batch{Office: b.Office, Device: b.Device, At: Time(b.At)}
	if b.Anchor != nil {
		a := *b.Anchor
		if a.Seq == 0 || a.Seq > maxSeq {
			return Batch{}, fmt.Errorf("anchor sequence %d: %w", a.Seq, ErrInvalid)
		}
		if err := checkBytes("anchor hash", a.Hash, 1, MaxHash); err != nil {
			return Batch{}, err
		}
		if err := checkBytes("anchor signature", a.Sig, 0, MaxSig); err != nil {
			return Batch{}, err
		}
		a.At = out.At
		out.Anchor = &a
	}
	seen := make(map[Key]int, len(b.Envelopes))
	total := 0
	for i, e := range b.Envelopes {
		if e.Device == "" {
			e.Device = b.Device
		}
		if e.Device != b.Device {
			return Batch{}, fmt.Errorf("envelope %d names device %q in a batch of %q: %w", i, e.Device, b.Device, ErrInvalid)
		}
		if e.Cursor != 0 {
			return Batch{}, fmt.Errorf("envelope %d with a cursor: %w", i, ErrInvalid)
		}
		if err := checkText("record id", e.ID, false, MaxID); err != nil {
			return Batch{}, err
		}
		if err := checkRev(e.Rev); err != nil {
			return Batch{}, err
		}
		if e.Link.Seq == 0 || e.Link.Seq > maxSeq {
			return Batch{}, fmt.Errorf("envelope %s %s: chain sequence %d: %w", e.ID, e.Rev, e.Link.Seq, ErrInvalid)
		}
		if err := checkBytes("link hash", e.Link.Hash, 1, MaxHash); err != nil {
			return Batch{}, err
		}
		if err := checkBytes("link prev", e.Link.Prev, 0, MaxHash); err != nil {
			return Batch{}, err
		}
		if err := checkBytes("link signature", e.Link.Sig, 0, MaxSig); err != nil {
			return Batch{}, err
		}
		if err := checkBytes("envelope", e.Data, 1, MaxEnvelope); err != nil {
			return Batch{}, err
		}
		total += len(e.Data)
		if total > MaxBatchBytes {
			return Batch{}, fmt.Errorf("batch of more than %d bytes: %w", MaxBatchBytes, ErrInvalid)
		}
		k := Key{e.ID, e.Rev}
		if j, ok := seen[k]; ok {
			if Sum(out.Envelopes[j]) != Sum(e) {
				return Batch{}, fmt.Errorf("envelope %s %s twice in the batch with other content: %w", e.ID, e.Rev, ErrConflict)
			}
			continue
		}
		seen[k] = len(out.Envelopes)
		out.Envelopes = append(out.Envelopes, e)
	}
	return out, nil
}

// Sum is the digest by which the store compares an envelope with a stored
// one of the same (id, rev): SHA-256 over everything a push carries. Equal
// sums are taken as the same bytes.
func Sum(e Envelope) [32]byte {
	h := sha256.New()
	var n [8]byte
	lp := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	lp([]byte(sumDomain))
	lp([]byte(e.ID))
	lp([]byte(e.Rev))
	lp([]byte(e.Device))
	binary.BigEndian.PutUint64(n[:], e.Link.Seq)
	h.Write(n[:])
	lp(e.Link.Prev)
	lp(e.Link.Hash)
	lp(e.Link.Sig)
	lp(e.Data)
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// Split sorts the envelopes of a checked batch into those to store and the
// number already stored: stored holds the sums of the envelopes of the
// batch that the store has. An envelope stored with another sum gives
// ErrConflict naming it.
func Split(envs []Envelope, stored map[Key][32]byte) (fresh []Envelope, dups int, err error) {
	for _, e := range envs {
		sum, ok := stored[Key{e.ID, e.Rev}]
		if !ok {
			fresh = append(fresh, e)
			continue
		}
		if sum != Sum(e) {
			return nil, 0, fmt.Errorf("envelope %s %s is stored with other content: %w", e.ID, e.Rev, ErrConflict)
		}
		dups++
	}
	return fresh, dups, nil
}

// Continue checks that the new envelopes continue the device's chain head
// in order (sequence +1, previous hash = the hash before) and returns the
// head after them.
func Continue(device string, head ChainHead, fresh []Envelope) (ChainHead, error) {
	for _, e := range fresh {
		if e.Link.Seq != head.Seq+1 {
			return ChainHead{}, fmt.Errorf("device %s: envelope %s %s has chain sequence %d, the head is at %d: %w",
				device, e.ID, e.Rev, e.Link.Seq, head.Seq, ErrChainBroken)
		}
		if !bytes.Equal(e.Link.Prev, head.Hash) {
			return ChainHead{}, fmt.Errorf("device %s: envelope %s %s (sequence %d) does not link to the head's hash: %w",
				device, e.ID, e.Rev, e.Link.Seq, ErrChainBroken)
		}
		head = ChainHead{Seq: e.Link.Seq, Hash: e.Link.Hash}
	}
	return head, nil
}

// Advance checks a new access-log anchor against the stored one: it may
// move forward, or repeat the stored one (no change); going back, or
// another hash at the same sequence (a fork), gives ErrChainBroken.
func Advance(device string, old Anchor, a Anchor) (next Anchor, changed bool, err error) {
	switch {
	case a.Seq < old.Seq:
		return old, false, fmt.Errorf("device %s: access-log anchor goes back from %d to %d: %w", device, old.Seq, a.Seq, ErrChainBroken)
	case a.Seq == old.Seq && bytes.Equal(a.Hash, old.Hash):
		return old, false, nil
	case a.Seq == old.Seq:
		return old, false, fmt.Errorf("device %s: access-log anchor %d with another hash (a fork): %w", device, a.Seq, ErrChainBroken)
	}
	return a, true, nil
}

// PageLimit is the page size Pull uses for limit.
func PageLimit(limit int) int {
	if limit <= 0 || limit > MaxPage {
		return MaxPage
	}
	return limit
}

// CheckDevice checks the device of an Enroll (the office is checked once
// the token decides it).
func CheckDevice(d Device) error {
	if err := CheckID("device", d.ID); err != nil {
		return err
	}
	if d.Office != "" {
		if err := CheckID("office", d.Office); err != nil {
			return err
		}
	}
	if err := checkText("device name", d.Name, true, MaxDeviceName); err != nil {
		return err
	}
	if err := checkBytes("certificate fingerprint", d.CertSHA256, sha256.Size, sha256.Size); err != nil {
		return err
	}
	if d.Cert != nil {
		if err := checkBytes("certificate", d.Cert, 1, MaxCert); err != nil {
			return err
		}
		if sum := sha256.Sum256(d.Cert); !bytes.Equal(sum[:], d.CertSHA256) {
			return fmt.Errorf("certificate whose SHA-256 is not the fingerprint: %w", ErrInvalid)
		}
	}
	if d.PrevCertSHA256 != nil {
		return checkBytes("previous certificate fingerprint", d.PrevCertSHA256, sha256.Size, sha256.Size)
	}
	return nil
}

// EnrollOffice decides the office of an Enroll: the token's, with which the
// device must agree, or, for a founding token, the device's. found is true
// when the office is to be created.
func EnrollOffice(t Token, d Device) (office string, found bool, err error) {
	if t.Office == "" {
		if d.Office == "" {
			return "", false, fmt.Errorf("a founding token needs the office of the device: %w", ErrInvalid)
		}
		return d.Office, true, nil
	}
	if d.Office != "" && d.Office != t.Office {
		return "", false, fmt.Errorf("token of office %s used for office %s: %w", t.Office, d.Office, ErrConflict)
	}
	return t.Office, false, nil
}

// TokenUsable checks a stored token at now.
func TokenUsable(t Token, now time.Time) error {
	if !t.UsedAt.IsZero() || t.UsedBy != "" {
		return fmt.Errorf("token used by device %s: %w", t.UsedBy, ErrTokenUsed)
	}
	if !now.Before(t.Expires) {
		return fmt.Errorf("token expired at %s: %w", t.Expires.Format(time.RFC3339), ErrTokenExpired)
	}
	return nil
}

// CheckToken checks a new token and returns it in the store's form.
func CheckToken(t Token) (Token, error) {
	if err := checkBytes("token hash", t.Hash, sha256.Size, sha256.Size); err != nil {
		return Token{}, err
	}
	if t.Office != "" {
		if err := CheckID("office", t.Office); err != nil {
			return Token{}, err
		}
	}
	if t.Expires.IsZero() {
		return Token{}, fmt.Errorf("token without an expiry: %w", ErrInvalid)
	}
	if !t.UsedAt.IsZero() || t.UsedBy != "" {
		return Token{}, fmt.Errorf("new token marked used: %w", ErrInvalid)
	}
	t.Hash = bytes.Clone(t.Hash)
	t.Created, t.Expires = Time(t.Created), Time(t.Expires)
	return t, nil
}

// CheckLoginArgs checks the office and login of a login call.
func CheckLoginArgs(office, login string) error {
	if err := CheckID("office", office); err != nil {
		return err
	}
	return CheckLogin(login)
}

// CheckVerifier checks a verifier's size.
func CheckVerifier(v []byte) error { return checkBytes("verifier", v, 1, MaxVerifier) }

// CheckDeviceArgs checks the office and device id of a device call.
func CheckDeviceArgs(office, id string) error {
	if err := CheckID("office", office); err != nil {
		return err
	}
	return CheckID("device", id)
}

// CheckRenew checks the arguments of a RenewDevice: the office and device
// ids, a whole SHA-256 fingerprint and a certificate of 1–MaxCert bytes.
// It returns the new certificate's fingerprint.
func CheckRenew(office, id string, oldSHA256, newCert []byte) ([]byte, error) {
	if err := CheckDeviceArgs(office, id); err != nil {
		return nil, err
	}
	if err := checkBytes("old certificate fingerprint", oldSHA256, sha256.Size, sha256.Size); err != nil {
		return nil, err
	}
	if err := checkBytes("new certificate", newCert, 1, MaxCert); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(newCert)
	return sum[:], nil
}

// Renew decides a RenewDevice over the stored device d: true to store
// newSHA256; false and nil when d has newSHA256 already (no change);
// ErrRevoked for a revoked device; ErrConflict when d's fingerprint is not
// oldSHA256.
func Renew(d Device, oldSHA256, newSHA256 []byte) (bool, error) {
	switch {
	case d.Revoked:
		return false, fmt.Errorf("device %s: %w", d.ID, ErrRevoked)
	case bytes.Equal(d.CertSHA256, newSHA256):
		return false, nil
	case !bytes.Equal(d.CertSHA256, oldSHA256):
		return false, fmt.Errorf("device %s: its certificate fingerprint is not the one to renew (renewed meanwhile): %w", d.ID, ErrConflict)
	}
	return true, nil
}

// CheckTable checks the arguments of a PutTable and returns the table in
// the store's form (its time as Time gives it): serial 1–2^63−1, data of
// 1–MaxTable bytes, the device a valid id.
func CheckTable(office string, t Table) (Table, error) {
	if err := CheckID("office", office); err != nil {
		return Table{}, err
	}
	if t.Serial == 0 || t.Serial > maxSeq {
		return Table{}, fmt.Errorf("table serial %d (1–%d): %w", t.Serial, uint64(maxSeq), ErrInvalid)
	}
	if err := checkBytes("table", t.Data, 1, MaxTable); err != nil {
		return Table{}, err
	}
	if err := CheckID("device", t.Device); err != nil {
		return Table{}, err
	}
	t.At = Time(t.At)
	return t, nil
}

// ReplaceTable decides a PutTable of serial over the stored table of the
// office, whose serial is stored (0 when none is stored) and whose bytes
// are the new ones when same: true to store the new table; false and nil
// for the stored table again (no change); ErrConflict, naming the stored
// serial, for a lower serial or the same serial with other bytes.
func ReplaceTable(office string, stored, serial uint64, same bool) (bool, error) {
	switch {
	case serial > stored:
		return true, nil
	case serial < stored:
		return false, fmt.Errorf("office %s: table serial %d is below the stored serial %d: %w", office, serial, stored, ErrConflict)
	case same:
		return false, nil
	}
	return false, fmt.Errorf("office %s: table serial %d is stored with other bytes (stored serial %d): %w", office, serial, stored, ErrConflict)
}
