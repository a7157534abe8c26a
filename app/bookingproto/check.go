package bookingproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits of what the office sends.
const (
	MaxPublication = 1 << 20 // bytes of a publication's JSON
	MaxSlots       = 4000    // slots in one publication
	MaxStatus      = 4 << 10 // bytes of a status update's JSON
	MaxReason      = 200     // characters of a decline's reason
	MaxCapacity    = 100     // places of one slot
	maxText        = 200     // characters of a name, venue or kind
	maxNotice      = 4000    // characters of a privacy notice
)

// ErrMalformed: a message that breaks the contract (unknown fields,
// trailing data, fields out of their limits).
var ErrMalformed = errors.New("malformed booking message")

// decodeStrict decodes one JSON object with known fields only.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	return nil
}

func text(s string, max int) bool { return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max }

// DecodePublication reads a publication strictly and checks its fields:
// a public key and its id, at most MaxSlots slots with ids, texts within
// their limits, a start before the end and 1 to MaxCapacity places each.
func DecodePublication(raw []byte) (*Publication, error) {
	if len(raw) > MaxPublication {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(raw))
	}
	var p Publication
	if err := decodeStrict(raw, &p); err != nil {
		return nil, err
	}
	switch {
	case p.Serial == 0 || len(p.PublicKey) == 0 || len(p.PublicKey) > 4096 || p.KeyID == "" || len(p.KeyID) > 64:
		return nil, fmt.Errorf("%w: serial, key or key id", ErrMalformed)
	case !text(p.Office, maxText) || !text(p.Notice, maxNotice) || !text(p.NoticeEn, maxNotice):
		return nil, fmt.Errorf("%w: office or notice", ErrMalformed)
	case len(p.Slots) > MaxSlots:
		return nil, fmt.Errorf("%w: %d slots", ErrMalformed, len(p.Slots))
	}
	seen := make(map[string]bool, len(p.Slots))
	for i, s := range p.Slots {
		if s.ID == "" || len(s.ID) > 64 || seen[s.ID] || !text(s.Venue, maxText) || len(s.VenueID) > 64 || !text(s.Kind, maxText) ||
			!s.Start.Before(s.End) || s.Capacity < 1 || s.Capacity > MaxCapacity {
			return nil, fmt.Errorf("%w: slot %d", ErrMalformed, i)
		}
		seen[s.ID] = true
	}
	return &p, nil
}

// DecodeStatusUpdate reads a status update strictly: a reference code, a
// status the office may set (確定, お断り, 取消) and a reason of at most
// MaxReason characters, which a decline needs.
func DecodeStatusUpdate(raw []byte) (StatusUpdate, error) {
	if len(raw) > MaxStatus {
		return StatusUpdate{}, fmt.Errorf("%w: %d bytes", ErrMalformed, len(raw))
	}
	var u StatusUpdate
	if err := decodeStrict(raw, &u); err != nil {
		return StatusUpdate{}, err
	}
	switch {
	case !ValidRef(u.Ref):
		return StatusUpdate{}, fmt.Errorf("%w: reference code", ErrMalformed)
	case u.Status != StatusConfirmed && u.Status != StatusDeclined && u.Status != StatusCancelled:
		return StatusUpdate{}, fmt.Errorf("%w: status %q", ErrMalformed, u.Status)
	case !text(u.Reason, MaxReason) || u.Status == StatusDeclined && u.Reason == "":
		return StatusUpdate{}, fmt.Errorf("%w: reason", ErrMalformed)
	}
	return u, nil
}

// ValidRef accepts reference codes as the server makes them: 4 to 32
// ASCII letters, digits and hyphens.
func ValidRef(ref string) bool {
	if len(ref) < 4 || len(ref) > 32 {
		return false
	}
	for _, c := range ref {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}
