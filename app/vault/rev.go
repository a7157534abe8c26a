package vault

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// maxDeviceLen bounds a device id inside a Rev.
const maxDeviceLen = 64

// revPrefixLen is the length of "wwwwwwwwwwwwwwww-cccccccc-".
const revPrefixLen = 16 + 1 + 8 + 1

// Rev is a hybrid logical clock revision: wall time in Unix milliseconds,
// a counter that orders events within one millisecond, and the id of the
// device that made it. Revs are totally ordered by Compare.
type Rev struct {
	Wall    int64  // Unix milliseconds, never negative
	Counter uint32 // order within one Wall value
	Device  string // device id, printable ASCII, at most 64 bytes
}

// String formats r as "%016x-%08x-%s" (wall, counter, device). The prefix
// has a fixed width, so for revs with non-negative Wall the string order
// equals the Compare order. ParseRev reverses it.
func (r Rev) String() string {
	return fmt.Sprintf("%016x-%08x-%s", uint64(r.Wall), r.Counter, r.Device)
}

// ParseRev parses the output of Rev.String. It accepts exactly the strings
// String produces (lower-case hex, non-negative wall, valid device) and
// returns an error wrapping ErrMalformed for anything else.
func ParseRev(s string) (Rev, error) {
	if len(s) < revPrefixLen || s[16] != '-' || s[25] != '-' {
		return Rev{}, fmt.Errorf("parse rev %q: %w", s, ErrMalformed)
	}
	wall, err1 := strconv.ParseUint(s[:16], 16, 63)
	ctr, err2 := strconv.ParseUint(s[17:25], 16, 32)
	r := Rev{Wall: int64(wall), Counter: uint32(ctr), Device: s[revPrefixLen:]}
	if err1 != nil || err2 != nil || !r.valid() || r.String() != s {
		return Rev{}, fmt.Errorf("parse rev %q: %w", s, ErrMalformed)
	}
	return r, nil
}

// Compare returns -1, 0 or +1 comparing r to o by Wall, then Counter, then
// Device (byte order).
func (r Rev) Compare(o Rev) int {
	if c := r.compareTime(o); c != 0 {
		return c
	}
	return strings.Compare(r.Device, o.Device)
}

// compareTime compares only the (Wall, Counter) part.
func (r Rev) compareTime(o Rev) int {
	if c := cmp.Compare(r.Wall, o.Wall); c != 0 {
		return c
	}
	return cmp.Compare(r.Counter, o.Counter)
}

// IsZero reports whether r is the zero Rev.
func (r Rev) IsZero() bool { return r == Rev{} }

// MarshalText implements encoding.TextMarshaler with String.
func (r Rev) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseRev.
func (r *Rev) UnmarshalText(b []byte) error {
	p, err := ParseRev(string(b))
	if err != nil {
		return err
	}
	*r = p
	return nil
}

// valid reports whether r can be encoded: non-negative wall and a valid
// device id.
func (r Rev) valid() bool { return r.Wall >= 0 && validDevice(r.Device) }

// validDevice reports whether d is at most 64 bytes of printable,
// non-space ASCII. The empty string is valid (the zero Rev).
func validDevice(d string) bool {
	if len(d) > maxDeviceLen {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] <= ' ' || d[i] > '~' {
			return false
		}
	}
	return true
}
