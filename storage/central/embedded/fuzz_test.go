package embedded

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// The decoders read what is on disk: a damaged or edited directory must
// give ErrCorrupt, never a panic, and whatever decodes encodes back to the
// same bytes (one encoding per value).

func wantCorrupt(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, central.ErrCorrupt) {
		t.Fatalf("error %v does not wrap ErrCorrupt", err)
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(encodeEnvelope(central.Envelope{ID: "B-1", Rev: "r", Device: "d", Link: central.Link{Seq: 1, Hash: []byte{1}, Sig: []byte{2}}, Data: []byte("ct")}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{})
	f.Add([]byte{2})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEnvelope(b)
		if err != nil {
			wantCorrupt(t, err)
			return
		}
		if !bytes.Equal(encodeEnvelope(e), b) {
			t.Fatalf("decode(%x) does not encode back", b)
		}
	})
}

// FuzzDecodeRecord fuzzes the decoders of the other values; kind picks one.
func FuzzDecodeRecord(f *testing.F) {
	now := central.Time(time.Unix(1_700_000_000, 123_456_000))
	f.Add(byte(0), encodeOffice(office{Last: 7, Created: now}))
	f.Add(byte(1), encodeDevice(central.Device{Name: "受付PC", CertSHA256: make([]byte, 32), Created: now, Revoked: true, RevokedAt: now,
		Chain: central.ChainHead{Seq: 2, Hash: []byte{3}}, Anchor: central.Anchor{Seq: 1, Hash: []byte{4}, At: now}}))
	f.Add(byte(2), encodeToken(central.Token{Office: "o", Created: now, Expires: now, UsedAt: now, UsedBy: "d"}))
	f.Add(byte(3), encodeLogin(central.Login{Verifier: []byte("v"), Failures: 5, LockedUntil: now}))
	f.Add(byte(4), encodeIndex(9, [32]byte{1}))
	f.Add(byte(1), []byte{1, 0, 0, 0, 0, 0, 0, 0, 0})
	legacy := encodeDevice(central.Device{Name: "受付PC", CertSHA256: make([]byte, 32), Created: now})
	f.Add(byte(1), legacy[:len(legacy)-8])
	f.Fuzz(func(t *testing.T, kind byte, b []byte) {
		var again []byte
		var err error
		switch kind % 5 {
		case 0:
			var o office
			if o, err = decodeOffice(b); err == nil {
				again = encodeOffice(o)
			}
		case 1:
			var d central.Device
			if d, err = decodeDevice(b, "o", "d"); err == nil {
				again = encodeDevice(d)
			}
		case 2:
			var tk central.Token
			if tk, err = decodeToken(b, make([]byte, 32)); err == nil {
				again = encodeToken(tk)
			}
		case 3:
			var l central.Login
			if l, err = decodeLogin(b, "o", "l"); err == nil {
				again = encodeLogin(l)
			}
		case 4:
			var c uint64
			var sum [32]byte
			if c, sum, err = decodeIndex(b); err == nil {
				again = encodeIndex(c, sum)
			}
		}
		if err != nil {
			wantCorrupt(t, err)
			return
		}
		// A device value written before the store kept the certificate
		// and the replaced fingerprint ends before them; it encodes back
		// with the two fields empty. Every other value has one encoding.
		legacy := kind%5 == 1 && bytes.Equal(again, append(bytes.Clone(b), make([]byte, 8)...))
		if !bytes.Equal(again, b) && !legacy {
			t.Fatalf("kind %d: decode(%x) encodes back as %x", kind%5, b, again)
		}
	})
}

func FuzzSplitCursorKey(f *testing.F) {
	f.Add(cursorKey("office-1", 42), "office-1")
	f.Add([]byte("c/office-1\x00"), "office-1")
	f.Add(cursorKey("office-1", 0), "office-1")
	f.Fuzz(func(t *testing.T, key []byte, office string) {
		c, err := splitCursorKey(key, cursorPrefix(office))
		if err != nil {
			wantCorrupt(t, err)
			return
		}
		if c == 0 || !bytes.Equal(cursorKey(office, c), key) {
			t.Fatalf("split(%q, %q) = %d", key, office, c)
		}
	})
}

func FuzzDecodeTable(f *testing.F) {
	now := central.Time(time.Unix(1_700_000_000, 123_456_000))
	f.Add(encodeTable(central.Table{Serial: 3, Data: []byte("signed table"), Device: "dev-1", At: now}))
	f.Add(encodeTable(central.Table{Serial: 1, Data: []byte{0}, Device: "d"}))
	f.Add(encodeTable(central.Table{Serial: 0, Data: []byte{0}, Device: "d"}))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := decodeTable(b)
		if err != nil {
			wantCorrupt(t, err)
			return
		}
		if tb.Serial == 0 || len(tb.Data) == 0 || central.CheckID("device", tb.Device) != nil {
			t.Fatalf("decode(%x) accepted %+v", b, tb)
		}
		if !bytes.Equal(encodeTable(tb), b) {
			t.Fatalf("decode(%x) does not encode back", b)
		}
	})
}
