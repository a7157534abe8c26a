package vault

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unicode/utf8"
)

// appendHeader appends the encoded header of e (FORMAT.md) to b.
func (e *Envelope) appendHeader(b []byte) []byte {
	b = append(b, e.V)
	b = appendString16(b, e.ID)
	b = appendString16(b, e.Kind)
	b = appendRev(b, e.Rev)
	b = append(b, byte(len(e.Key.Class)))
	b = append(b, e.Key.Class...)
	b = binary.BigEndian.AppendUint32(b, e.Key.Version)
	b = append(b, byte(len(e.Parents)))
	for _, p := range e.Parents {
		b = appendRev(b, p)
	}
	return b
}

// Marshal returns the canonical binary encoding of e: header, nonce, and
// the ciphertext with a 4-byte length (FORMAT.md). An envelope made by Seal
// or UnmarshalEnvelope always encodes to bytes UnmarshalEnvelope accepts.
func (e *Envelope) Marshal() []byte {
	b := make([]byte, 0, 64+len(e.ID)+len(e.Kind)+len(e.CT))
	b = e.appendHeader(b)
	b = append(b, e.Nonce[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.CT)))
	return append(b, e.CT...)
}

// UnmarshalEnvelope decodes the output of Marshal. It is strict: any
// field out of its limits, an unknown version or class, and trailing bytes
// give an error wrapping ErrMalformed. For every b it accepts,
// Marshal returns b again.
func UnmarshalEnvelope(b []byte) (*Envelope, error) {
	d := &decoder{b: b}
	e := &Envelope{V: d.u8()}
	e.ID = d.string16()
	e.Kind = d.string16()
	e.Rev = d.rev()
	e.Key.Class = Class(d.bytes(int(d.u8())))
	e.Key.Version = d.u32()
	if n := int(d.u8()); n > 0 && n <= MaxParents {
		e.Parents = make([]Rev, n)
		for i := range e.Parents {
			e.Parents[i] = d.rev()
		}
	} else if n > MaxParents {
		d.fail()
	}
	copy(e.Nonce[:], d.bytes(len(e.Nonce)))
	e.CT = slices.Clone(d.bytes(int(d.u32())))
	if err := d.finish(); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	if err := e.check(); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	return e, nil
}

// check validates every field of a decoded envelope.
func (e *Envelope) check() error {
	if err := e.checkHeader(); err != nil {
		return err
	}
	if len(e.CT) < 16 || len(e.CT) > MaxCiphertext {
		return fmt.Errorf("ciphertext length %d: %w", len(e.CT), ErrMalformed)
	}
	return nil
}

// checkHeader validates the header fields against the format limits.
func (e *Envelope) checkHeader() error {
	switch {
	case e.V != EnvelopeVersion:
		return fmt.Errorf("version %d: %w", e.V, ErrMalformed)
	case !validName(e.ID), !validName(e.Kind):
		return fmt.Errorf("id or kind: %w", ErrMalformed)
	case !e.Rev.valid() || e.Rev.IsZero():
		return fmt.Errorf("rev: %w", ErrMalformed)
	case !e.Key.Class.known() || e.Key.Version == 0:
		return fmt.Errorf("key %q v%d: %w", e.Key.Class, e.Key.Version, ErrMalformed)
	case len(e.Parents) > MaxParents:
		return fmt.Errorf("%d parents: %w", len(e.Parents), ErrMalformed)
	}
	for _, p := range e.Parents {
		if !p.valid() {
			return fmt.Errorf("parent rev: %w", ErrMalformed)
		}
	}
	return nil
}

// validName reports whether s is a valid envelope id or kind: 1 to 256
// bytes of valid UTF-8.
func validName(s string) bool {
	return len(s) > 0 && len(s) <= MaxIDLen && utf8.ValidString(s)
}

// appendString16 appends s with a 2-byte length.
func appendString16(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// appendRev appends wall (8 bytes), counter (4) and the device with a
// 1-byte length.
func appendRev(b []byte, r Rev) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(r.Wall))
	b = binary.BigEndian.AppendUint32(b, r.Counter)
	b = append(b, byte(len(r.Device)))
	return append(b, r.Device...)
}
