package embedded

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math"
	mrand "math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/centraltest"
)

// TestHeldPushHoldsBackLaterPushes holds a push open after it has taken its
// cursors: a second push (another device) cannot commit before it, and a
// reader sees neither until the first commits. So a reader never sees a
// higher cursor before a lower one.
func TestHeldPushHoldsBackLaterPushes(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "central"))
	centraltest.HeldPush(t, s, s, s, func(hook func()) { testHookBeforeCommit = hook })
}

// TestSlowCommitsNeverSkip runs the concurrent pushers with every push held
// open for up to two milliseconds between its cursors and its commit.
func TestSlowCommitsNeverSkip(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "central"))
	testHookBeforeCommit = func() { time.Sleep(time.Duration(mrand.IntN(2000)) * time.Microsecond) }
	defer func() { testHookBeforeCommit = nil }()
	centraltest.ConcurrentPushersNeverSkip(t, []central.Store{s}, s, 3, 15)
}

func TestInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "central")
	open(t, dir)
	if _, err := Open(dir); !errors.Is(err, central.ErrInUse) {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
}

func TestSchemaVersion(t *testing.T) {
	for _, c := range []struct {
		value string
		want  error
	}{{"2", central.ErrNewerSchema}, {"x", central.ErrCorrupt}, {"", nil}} {
		dir := filepath.Join(t.TempDir(), "central")
		db, err := badger.Open(badgerOptions(dir))
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(txn *badger.Txn) error {
			if c.value == "" { // a store whose schema key is gone
				return txn.Set(officeKey("o"), encodeOffice(office{}))
			}
			return txn.Set(schemaKey, []byte(c.value))
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := c.want
		if want == nil {
			want = central.ErrCorrupt
		}
		if s, err := Open(dir); !errors.Is(err, want) {
			if err == nil {
				s.Close()
			}
			t.Errorf("schema %q: %v, want %v", c.value, err, want)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	now := central.Time(time.Now())
	fp := sha256.Sum256([]byte("cert"))
	d := central.Device{Office: "o", ID: "d", Name: "相談室PC", CertSHA256: fp[:], Created: now, LastContact: now.Add(time.Second),
		Revoked: true, RevokedAt: now.Add(time.Minute), Chain: central.ChainHead{Seq: 9, Hash: []byte("h")},
		Anchor: central.Anchor{Seq: 3, Hash: []byte("a"), Sig: []byte("s"), At: now}}
	got, err := decodeDevice(encodeDevice(d), "o", "d")
	if err != nil || !bytes.Equal(encodeDevice(got), encodeDevice(d)) || !got.RevokedAt.Equal(d.RevokedAt) {
		t.Fatalf("device round trip: %+v, %v", got, err)
	}
	l := central.Login{Office: "o", Login: "l", Verifier: []byte("v"), Failures: 7, LockedUntil: now}
	if got, err := decodeLogin(encodeLogin(l), "o", "l"); err != nil || got.Failures != 7 || !got.LockedUntil.Equal(now) || !got.LastFailure.IsZero() {
		t.Fatalf("login round trip: %+v, %v", got, err)
	}
	e := central.Envelope{ID: "C-1#case", Rev: "r", Device: "d", Link: central.Link{Seq: math.MaxInt64, Hash: []byte{1}}, Data: []byte("ct")}
	if got, err := decodeEnvelope(encodeEnvelope(e)); err != nil || central.Sum(got) != central.Sum(e) {
		t.Fatalf("envelope round trip: %+v, %v", got, err)
	}
	if _, err := decodeEnvelope(append(encodeEnvelope(e), 0)); !errors.Is(err, central.ErrCorrupt) {
		t.Fatalf("trailing byte: %v", err)
	}
	e.Link.Seq = math.MaxInt64 + 1
	if _, err := decodeEnvelope(encodeEnvelope(e)); !errors.Is(err, central.ErrCorrupt) {
		t.Fatalf("sequence beyond int64: %v", err)
	}

	tb := central.Table{Serial: math.MaxInt64, Data: bytes.Repeat([]byte{0xa5}, central.MaxTable), Device: "dev-1", At: now}
	if got, err := decodeTable(encodeTable(tb)); err != nil || got.Serial != tb.Serial || !bytes.Equal(got.Data, tb.Data) ||
		got.Device != tb.Device || !got.At.Equal(now) {
		t.Fatalf("table round trip: serial %d, device %q, %d bytes, at %v: %v", got.Serial, got.Device, len(got.Data), got.At, err)
	}
	tb.At = time.Time{}
	if got, err := decodeTable(encodeTable(tb)); err != nil || !got.At.IsZero() {
		t.Fatalf("table without a time: %v, %v", got.At, err)
	}
	for name, bad := range map[string]central.Table{
		"serial 0":            {Data: []byte{1}, Device: "d"},
		"serial beyond int64": {Serial: math.MaxInt64 + 1, Data: []byte{1}, Device: "d"},
		"no data":             {Serial: 1, Device: "d"},
		"no device":           {Serial: 1, Data: []byte{1}},
		"too much data":       {Serial: 1, Data: make([]byte, central.MaxTable+1), Device: "d"},
	} {
		if _, err := decodeTable(encodeTable(bad)); !errors.Is(err, central.ErrCorrupt) {
			t.Errorf("table %s: %v", name, err)
		}
	}
	if _, err := decodeTable(append(encodeTable(central.Table{Serial: 1, Data: []byte{1}, Device: "d"}), 0)); !errors.Is(err, central.ErrCorrupt) {
		t.Fatalf("table with a trailing byte: %v", err)
	}
}

// TestTokenCompat reads a token stored before FirstAdmin existed (no flags
// byte) as an ordinary token, and refuses unknown flags.
func TestTokenCompat(t *testing.T) {
	now := central.Time(time.Now())
	old := central.Token{Office: "office-a", Created: now, Expires: now.Add(time.Hour)}
	b := encodeToken(old)
	got, err := decodeToken(b, []byte("h"))
	if err != nil || got.FirstAdmin || got.Office != "office-a" || !got.Expires.Equal(old.Expires) {
		t.Fatalf("old token %+v, %v", got, err)
	}
	old.FirstAdmin = true
	nb := encodeToken(old)
	if len(nb) != len(b)+1 {
		t.Fatalf("first-admin token of %d bytes, old %d", len(nb), len(b))
	}
	if got, err := decodeToken(nb, []byte("h")); err != nil || !got.FirstAdmin {
		t.Fatalf("first-admin token %+v, %v", got, err)
	}
	nb[len(nb)-1] = 2
	if _, err := decodeToken(nb, []byte("h")); !errors.Is(err, central.ErrCorrupt) {
		t.Fatalf("unknown token flags: %v", err)
	}
}

// TestDeviceValueBeforeCertificates reads a device value as the store
// wrote it before it kept the certificate and the previous fingerprint:
// the device reads whole, without them; one written now keeps both.
func TestDeviceValueBeforeCertificates(t *testing.T) {
	fp := sha256.Sum256([]byte("certificate of dev-1"))
	d := central.Device{Office: "office-1", ID: "dev-1", Name: "受付PC", CertSHA256: fp[:], Created: time.Unix(1700000000, 0).UTC()}
	now := encodeDevice(d)
	// The two later fields are empty: 4 bytes of length each.
	old := now[:len(now)-8]
	got, err := decodeDevice(old, d.Office, d.ID)
	if err != nil || got.Name != d.Name || !bytes.Equal(got.CertSHA256, d.CertSHA256) || got.Cert != nil || got.PrevCertSHA256 != nil {
		t.Fatalf("an older device value reads as %+v, %v", got, err)
	}
	d.Cert, d.PrevCertSHA256 = []byte("certificate of dev-1"), bytes.Repeat([]byte{7}, 32)
	got, err = decodeDevice(encodeDevice(d), d.Office, d.ID)
	if err != nil || !bytes.Equal(got.Cert, d.Cert) || !bytes.Equal(got.PrevCertSHA256, d.PrevCertSHA256) {
		t.Fatalf("a device value with its certificate reads as %+v, %v", got, err)
	}
	if _, err := decodeDevice(append(encodeDevice(d), 0), d.Office, d.ID); err == nil {
		t.Fatal("a device value with a trailing byte read without an error")
	}
}
