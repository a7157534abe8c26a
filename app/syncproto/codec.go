package syncproto

import (
	"encoding/binary"
	"fmt"
)

// Fixed-width big-endian building blocks of every encoding of the package:
// each value has exactly one encoding, so a decoder that consumes all its
// input and checks every length is canonical.

func put8(b []byte, v uint8) []byte   { return append(b, v) }
func put16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func put32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func put64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

// putLen appends a length or count n in width bytes (1, 2 or 4). A value
// that does not fit, or is negative, is written as all ones, which is above
// every limit of the package, so that a decoder refuses it rather than
// reading something else.
func putLen(b []byte, width int, n int) []byte {
	switch width {
	case 1:
		if n < 0 || n > 0xff {
			n = 0xff
		}
		return put8(b, uint8(n))
	case 2:
		if n < 0 || n > 0xffff {
			n = 0xffff
		}
		return put16(b, uint16(n))
	}
	if n < 0 || uint64(n) > 0xffffffff {
		return put32(b, 0xffffffff)
	}
	return put32(b, uint32(n))
}

// putBytes appends the length of p in width bytes (putLen) and then p.
func putBytes(b []byte, width int, p []byte) []byte {
	return append(putLen(b, width, len(p)), p...)
}

// reader reads the fixed-width fields; the first failure sticks in err
// (wrapping ErrMalformed, naming what and the offset) and every later read
// returns zero values.
type reader struct {
	b   []byte
	off int
	err error
	msg string // the message being decoded, for errors
	// alias lets view return parts of b instead of copies (a pull page's
	// envelope data: the largest part of a first pull, read once); the
	// small byte fields are then copied into slab, a few allocations per
	// page instead of one per field.
	alias bool
	slab  []byte
	// device is the last device id read: a page holds few devices, and
	// their envelopes share one string.
	device string
}

func (r *reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s at byte %d: %s: %w", r.msg, r.off, fmt.Sprintf(format, a...), ErrMalformed)
	}
}

func (r *reader) left() int { return len(r.b) - r.off }

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.left() {
		r.fail("%s of %d bytes truncated (%d left)", what, n, r.left())
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u8(what string) uint8 {
	p := r.take(1, what)
	if p == nil {
		return 0
	}
	return p[0]
}

func (r *reader) u32(what string) uint32 {
	p := r.take(4, what)
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint32(p)
}

func (r *reader) u64(what string) uint64 {
	p := r.take(8, what)
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint64(p)
}

// bytes reads a length of width bytes and that many bytes, refusing a
// length outside min–max; the result is a copy (nil when empty).
func (r *reader) bytes(width int, min, max int, what string) []byte {
	p := r.part(width, min, max, what)
	if len(p) == 0 {
		return nil
	}
	if !r.alias {
		return append([]byte(nil), p...)
	}
	if cap(r.slab)-len(r.slab) < len(p) {
		r.slab = make([]byte, 0, 64<<10)
	}
	at := len(r.slab)
	r.slab = append(r.slab, p...)
	return r.slab[at:len(r.slab):len(r.slab)]
}

// view is bytes without the copy when the reader may alias its input: the
// result shares the input (capacity cut to its length, so an append cannot
// write into the input).
func (r *reader) view(width int, min, max int, what string) []byte {
	if !r.alias {
		return r.bytes(width, min, max, what)
	}
	p := r.part(width, min, max, what)
	if len(p) == 0 {
		return nil
	}
	return p[:len(p):len(p)]
}

// part reads a length of width bytes and returns that many bytes of the
// input, refusing a length outside min–max.
func (r *reader) part(width int, min, max int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if width > r.left() {
		r.fail("%s length of %d bytes truncated (%d left)", what, width, r.left())
		return nil
	}
	var n int
	switch l := r.b[r.off : r.off+width]; width {
	case 1:
		n = int(l[0])
	case 2:
		n = int(binary.BigEndian.Uint16(l))
	default:
		n = int(binary.BigEndian.Uint32(l))
	}
	r.off += width
	if n < min || n > max {
		r.fail("%s of %d bytes (%d–%d)", what, n, min, max)
		return nil
	}
	return r.take(n, what)
}

func (r *reader) str(width int, min, max int, what string) string {
	return string(r.part(width, min, max, what))
}

// count reads a 4-byte count of items of at least minSize bytes each,
// refusing more than max or more than the rest of the input can hold.
func (r *reader) count(max, minSize int, what string) int {
	n := r.u32(what)
	if r.err != nil {
		return 0
	}
	if uint64(n) > uint64(max) {
		r.fail("%d %s (at most %d)", n, what, max)
		return 0
	}
	if uint64(n)*uint64(minSize) > uint64(r.left()) {
		r.fail("%d %s do not fit in %d bytes", n, what, r.left())
		return 0
	}
	return int(n)
}

// end fails unless all input was read.
func (r *reader) end() error {
	if r.err == nil && r.left() != 0 {
		r.fail("%d trailing bytes", r.left())
	}
	return r.err
}
