package vault

import (
	"encoding/binary"
	"fmt"
)

// decoder reads big-endian fields from b. After the first short read every
// read returns zero values and finish reports ErrMalformed.
type decoder struct {
	b   []byte
	bad bool
}

// fail marks the input as malformed.
func (d *decoder) fail() { d.bad = true }

// bytes returns the next n bytes (shared with the input).
func (d *decoder) bytes(n int) []byte {
	if d.bad || n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// u8 reads one byte.
func (d *decoder) u8() uint8 {
	if b := d.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

// u16 reads two bytes.
func (d *decoder) u16() uint16 {
	if b := d.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

// u32 reads four bytes.
func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

// u64 reads eight bytes.
func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// string16 reads a string with a 2-byte length, refusing lengths over
// MaxIDLen before reading them.
func (d *decoder) string16() string {
	n := int(d.u16())
	if n > MaxIDLen {
		d.fail()
	}
	return string(d.bytes(n))
}

// rev reads a Rev written by appendRev.
func (d *decoder) rev() Rev {
	r := Rev{Wall: int64(d.u64()), Counter: d.u32()}
	r.Device = string(d.bytes(int(d.u8())))
	return r
}

// finish reports ErrMalformed after a short read or with bytes left over.
func (d *decoder) finish() error {
	if d.bad {
		return fmt.Errorf("truncated or oversized field: %w", ErrMalformed)
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%d trailing bytes: %w", len(d.b), ErrMalformed)
	}
	return nil
}
