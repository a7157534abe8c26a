package embedded

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// The keys (every variable part is free of \x00: ids are printable ASCII,
// record ids are checked for NUL, so the separators are unambiguous):
//
//	m/schema                           the layout version, decimal
//	o/<office>                         office: the last cursor given out, created
//	d/<office>\x00<device>             device record, chain head and anchor
//	c/<office>\x00<cursor, u64 BE>     envelope at that cursor
//	i/<office>\x00<id>\x00<rev>        index by (id, rev): cursor (u64 BE) | Sum (32 bytes)
//	t/<token hash, 32 bytes>           token record
//	l/<office>\x00<login>              login record
//	u/<office>                         the office's signed user table
//
// Values start with a format byte (1), except the index's 40 bytes;
// integers are big-endian, byte strings and texts u32 length | bytes, times
// int64 microseconds since 1970 (math.MinInt64 for the zero time). Every
// decoder is strict: no trailing bytes, every length within its limit, and
// each accepted value is the only encoding of what it decodes to.

const (
	sep       = "\x00"
	valueV1   = 1
	zeroTime  = math.MinInt64
	maxString = central.MaxEnvelope // the largest field of any value
)

var (
	schemaKey = []byte("m/schema")
	tokenPfx  = []byte("t/")
)

func officeKey(office string) []byte     { return []byte("o/" + office) }
func devicePrefix(office string) []byte  { return []byte("d/" + office + sep) }
func deviceKey(office, id string) []byte { return []byte("d/" + office + sep + id) }
func cursorPrefix(office string) []byte  { return []byte("c/" + office + sep) }
func indexKey(office string, k central.Key) []byte {
	return []byte("i/" + office + sep + k.ID + sep + k.Rev)
}
func tokenKey(hash []byte) []byte          { return append(bytes.Clone(tokenPfx), hash...) }
func loginKey(office, login string) []byte { return []byte("l/" + office + sep + login) }
func tableKey(office string) []byte        { return []byte("u/" + office) }

func cursorKey(office string, cursor uint64) []byte {
	return binary.BigEndian.AppendUint64(cursorPrefix(office), cursor)
}

// splitCursorKey returns the cursor of an envelope key of the office
// whose cursorPrefix is p (a pull makes it once for its page).
func splitCursorKey(key, p []byte) (uint64, error) {
	if len(key) != len(p)+8 || !bytes.HasPrefix(key, p) {
		return 0, fmt.Errorf("envelope key of %d bytes outside %q: %w", len(key), p, central.ErrCorrupt)
	}
	c := binary.BigEndian.Uint64(key[len(p):])
	if c == 0 {
		return 0, fmt.Errorf("envelope key with cursor 0: %w", central.ErrCorrupt)
	}
	return c, nil
}

// writer builds a value.
type writer struct{ b []byte }

func (w *writer) u8(v byte)    { w.b = append(w.b, v) }
func (w *writer) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *writer) bytes(b []byte) {
	w.b = binary.BigEndian.AppendUint32(w.b, uint32(len(b)))
	w.b = append(w.b, b...)
}
func (w *writer) str(s string) { w.bytes([]byte(s)) }
func (w *writer) time(t time.Time) {
	v := int64(zeroTime)
	if !t.IsZero() {
		v = t.UnixMicro()
	}
	w.u64(uint64(v))
}

// reader reads a value; the first error sticks.
type reader struct {
	b    []byte
	what string
	err  error
	view bool // bytes returns parts of b (else a fresh slice each)
}

// arena holds the byte fields of a page of envelopes in a few large
// buffers instead of one allocation each; what it hands out is never
// written again.
type arena struct{ buf []byte }

// arenaChunk is the size of an arena's buffers (a field larger gets a
// buffer of its own size).
const arenaChunk = 1 << 20

func (a *arena) copy(b []byte) []byte {
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, max(len(b), arenaChunk))
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[start:len(a.buf):len(a.buf)]
}

// newReader starts reading b, a value of format valueV1 (a reader is a
// value, so that decoding a page's envelopes allocates none).
func newReader(what string, b []byte) reader {
	r := reader{b: b, what: what}
	if v := r.u8(); v != valueV1 && r.err == nil {
		r.fail("format %d", v)
	}
	return r
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s value: %s: %w", r.what, fmt.Sprintf(format, args...), central.ErrCorrupt)
	}
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.fail("truncated")
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *reader) u8() byte {
	b := r.take(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (r *reader) u64() uint64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// bytes reads a length-prefixed byte string of at most max bytes (a copy,
// unless r.view).
func (r *reader) bytes(max int) []byte {
	lb := r.take(4)
	if lb == nil {
		return nil
	}
	n := binary.BigEndian.Uint32(lb)
	if uint64(n) > uint64(max) {
		r.fail("field of %d bytes (at most %d)", n, max)
		return nil
	}
	b := r.take(int(n))
	if r.view {
		return b
	}
	return bytes.Clone(b)
}

func (r *reader) str(max int) string { return string(r.bytes(max)) }

func (r *reader) time() time.Time {
	v := int64(r.u64())
	if r.err != nil || v == zeroTime {
		return time.Time{}
	}
	t := time.UnixMicro(v).UTC()
	if t.IsZero() {
		r.fail("a time that reads as zero")
	}
	return t
}

// seq reads a sequence or cursor, which fits PostgreSQL's bigint.
func (r *reader) seq() uint64 {
	v := r.u64()
	if v > math.MaxInt64 {
		r.fail("sequence %d", v)
	}
	return v
}

func (r *reader) end() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d trailing bytes", len(r.b))
	}
	return r.err
}

// office is the value of o/<office>.
type office struct {
	Last    uint64 // the last cursor given out
	Created time.Time
}

func encodeOffice(o office) []byte {
	w := writer{b: []byte{valueV1}}
	w.u64(o.Last)
	w.time(o.Created)
	return w.b
}

func decodeOffice(b []byte) (office, error) {
	r := newReader("office", b)
	o := office{Last: r.seq(), Created: r.time()}
	return o, r.end()
}

// encodeEnvelope stores everything of an envelope but its office and cursor
// (in the key).
func encodeEnvelope(e central.Envelope) []byte {
	w := writer{b: make([]byte, 0, 64+len(e.ID)+len(e.Rev)+len(e.Device)+len(e.Link.Prev)+len(e.Link.Hash)+len(e.Link.Sig)+len(e.Data))}
	w.u8(valueV1)
	w.str(e.ID)
	w.str(e.Rev)
	w.str(e.Device)
	w.u64(e.Link.Seq)
	w.bytes(e.Link.Prev)
	w.bytes(e.Link.Hash)
	w.bytes(e.Link.Sig)
	w.bytes(e.Data)
	return w.b
}

func decodeEnvelope(b []byte) (central.Envelope, error) {
	var dev string
	e, err := viewEnvelope(b, &dev)
	if err != nil {
		return central.Envelope{}, err
	}
	e.Link.Prev, e.Link.Hash, e.Link.Sig = bytes.Clone(e.Link.Prev), bytes.Clone(e.Link.Hash), bytes.Clone(e.Link.Sig)
	e.Data = bytes.Clone(e.Data)
	return e, nil
}

// viewEnvelope decodes an envelope whose byte fields are parts of b. Its
// Device is *dev when the bytes are the same (and *dev becomes it
// otherwise), so that a page of one device's envelopes has one string.
func viewEnvelope(b []byte, dev *string) (central.Envelope, error) {
	r := newReader("envelope", b)
	r.view = true
	e := central.Envelope{ID: string(r.bytes(central.MaxID)), Rev: string(r.bytes(central.MaxRev))}
	if d := r.bytes(central.MaxName); string(d) != *dev {
		*dev = string(d)
	}
	e.Device = *dev
	e.Link.Seq = r.seq()
	e.Link.Prev = r.bytes(central.MaxHash)
	e.Link.Hash = r.bytes(central.MaxHash)
	e.Link.Sig = r.bytes(central.MaxSig)
	e.Data = r.bytes(maxString)
	return e, r.end()
}

// The index value: the envelope's cursor and Sum.
func encodeIndex(cursor uint64, sum [32]byte) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 40), cursor)
	return append(b, sum[:]...)
}

func decodeIndex(b []byte) (cursor uint64, sum [32]byte, err error) {
	if len(b) != 40 {
		return 0, sum, fmt.Errorf("index value of %d bytes: %w", len(b), central.ErrCorrupt)
	}
	cursor = binary.BigEndian.Uint64(b)
	if cursor == 0 || cursor > math.MaxInt64 {
		return 0, sum, fmt.Errorf("index value with cursor %d: %w", cursor, central.ErrCorrupt)
	}
	copy(sum[:], b[8:])
	return cursor, sum, nil
}

// encodeDevice stores a device but its office and id (in the key).
func encodeDevice(d central.Device) []byte {
	w := writer{b: []byte{valueV1}}
	w.str(d.Name)
	w.bytes(d.CertSHA256)
	w.time(d.Created)
	w.time(d.LastContact)
	if d.Revoked {
		w.u8(1)
	} else {
		w.u8(0)
	}
	w.time(d.RevokedAt)
	w.u64(d.Chain.Seq)
	w.bytes(d.Chain.Hash)
	w.u64(d.Anchor.Seq)
	w.bytes(d.Anchor.Hash)
	w.bytes(d.Anchor.Sig)
	w.time(d.Anchor.At)
	// Added later: a value written before ends here.
	w.bytes(d.Cert)
	w.bytes(d.PrevCertSHA256)
	return w.b
}

func decodeDevice(b []byte, office, id string) (central.Device, error) {
	r := newReader("device", b)
	d := central.Device{Office: office, ID: id, Name: r.str(central.MaxDeviceName), CertSHA256: r.bytes(32),
		Created: r.time(), LastContact: r.time()}
	switch r.u8() {
	case 0:
	case 1:
		d.Revoked = true
	default:
		r.fail("revoked flag")
	}
	d.RevokedAt = r.time()
	if !d.Revoked && !d.RevokedAt.IsZero() {
		r.fail("revocation time of a device not revoked")
	}
	d.Chain = central.ChainHead{Seq: r.seq(), Hash: r.bytes(central.MaxHash)}
	d.Anchor = central.Anchor{Seq: r.seq(), Hash: r.bytes(central.MaxHash), Sig: r.bytes(central.MaxSig), At: r.time()}
	if r.err == nil && len(r.b) > 0 { // a value written since the store keeps certificates
		d.Cert = nilIfEmpty(r.bytes(central.MaxCert))
		d.PrevCertSHA256 = nilIfEmpty(r.bytes(central.MaxHash))
	}
	return d, r.end()
}

// encodeToken stores a token but its hash (the key).
func encodeToken(t central.Token) []byte {
	w := writer{b: []byte{valueV1}}
	w.str(t.Office)
	w.time(t.Created)
	w.time(t.Expires)
	w.time(t.UsedAt)
	w.str(t.UsedBy)
	if t.FirstAdmin {
		w.u8(1) // absent in tokens stored before the field: false
	}
	return w.b
}

func decodeToken(b []byte, hash []byte) (central.Token, error) {
	r := newReader("token", b)
	t := central.Token{Hash: bytes.Clone(hash), Office: r.str(central.MaxName), Created: r.time(), Expires: r.time(),
		UsedAt: r.time(), UsedBy: r.str(central.MaxName)}
	if r.err == nil && len(r.b) > 0 {
		// The flags byte is written only when a flag is set: a zero byte
		// is not how this codec writes a token, so it is refused (one
		// encoding per value).
		if r.u8() == 1 {
			t.FirstAdmin = true
		} else {
			r.fail("token flags")
		}
	}
	return t, r.end()
}

// encodeLogin stores a login but its office and login (in the key).
func encodeLogin(l central.Login) []byte {
	w := writer{b: []byte{valueV1}}
	w.bytes(l.Verifier)
	w.u64(uint64(l.Failures))
	w.time(l.LastFailure)
	w.time(l.LockedUntil)
	return w.b
}

func decodeLogin(b []byte, office, login string) (central.Login, error) {
	r := newReader("login", b)
	l := central.Login{Office: office, Login: login, Verifier: r.bytes(central.MaxVerifier)}
	f := r.u64()
	if f > math.MaxInt32 {
		r.fail("%d failures", f)
	}
	l.Failures = int(f)
	l.LastFailure = r.time()
	l.LockedUntil = r.time()
	return l, r.end()
}

// encodeTable stores an office's user table: serial, device, time, then
// the table's bytes.
func encodeTable(t central.Table) []byte {
	w := writer{b: make([]byte, 0, 32+len(t.Device)+len(t.Data))}
	w.u8(valueV1)
	w.u64(t.Serial)
	w.str(t.Device)
	w.time(t.At)
	w.bytes(t.Data)
	return w.b
}

func decodeTable(b []byte) (central.Table, error) {
	r := newReader("user table", b)
	t := central.Table{Serial: r.seq(), Device: r.str(central.MaxName), At: r.time(), Data: r.bytes(central.MaxTable)}
	if r.err == nil && (t.Serial == 0 || len(t.Data) == 0 || central.CheckID("device", t.Device) != nil) {
		r.fail("serial %d, device %q, %d bytes", t.Serial, t.Device, len(t.Data))
	}
	return t, r.end()
}

// nilIfEmpty keeps "none" as nil (an empty field reads as an empty slice).
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
