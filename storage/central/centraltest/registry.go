package centraltest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

func testTokens(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	now := time.Now()

	// Founding: the token creates the office of the device.
	office := randID("office-")
	tok := newToken(t, s, "", time.Hour)
	dev, err := s.Enroll(ctx, tok, newDevice(office, "dev-1"), now)
	if err != nil {
		t.Fatal(err)
	}
	want := newDevice(office, "dev-1")
	if dev.Office != office || dev.ID != "dev-1" || dev.Name != want.Name || !bytes.Equal(dev.CertSHA256, want.CertSHA256) ||
		!dev.Created.Equal(central.Time(now)) || !dev.LastContact.Equal(central.Time(now)) || dev.Revoked || dev.Chain.Seq != 0 {
		t.Fatalf("enrolled device %+v", dev)
	}
	got, err := s.Device(ctx, office, "dev-1")
	if err != nil || !sameDevice(got, dev) {
		t.Fatalf("stored device %+v, %v; Enroll returned %+v", got, err, dev)
	}
	_, err = s.Enroll(ctx, tok, newDevice(office, "dev-2"), now)
	wantErrNaming(t, err, central.ErrTokenUsed, "a used token", "dev-1")

	// A founding token cannot join an office that exists.
	_, err = s.Enroll(ctx, newToken(t, s, "", time.Hour), newDevice(office, "dev-3"), now)
	wantErr(t, err, central.ErrConflict, "founding an office that exists")
	// nor found one without naming it.
	_, err = s.Enroll(ctx, newToken(t, s, "", time.Hour), newDevice("", "dev-3"), now)
	wantErr(t, err, central.ErrInvalid, "founding token, device without an office")

	// An office's token adds to that office only.
	join := newToken(t, s, office, time.Hour)
	_, err = s.Enroll(ctx, join, newDevice("other-office", "dev-2"), now)
	wantErr(t, err, central.ErrConflict, "office token used for another office")
	// A device id the office has: refused, and the token stays usable.
	_, err = s.Enroll(ctx, join, newDevice(office, "dev-1"), now)
	wantErrNaming(t, err, central.ErrConflict, "enrolling a device id twice", "dev-1")
	// An invalid device: refused, token usable.
	bad := newDevice(office, "dev-2")
	bad.CertSHA256 = bad.CertSHA256[:5]
	_, err = s.Enroll(ctx, join, bad, now)
	wantErr(t, err, central.ErrInvalid, "a device without a whole fingerprint")
	if _, err := s.Enroll(ctx, join, newDevice(office, "dev-2"), now); err != nil {
		t.Fatalf("token after refused enrollments: %v", err)
	}

	// Expiry, unknown tokens, tokens stored twice, tokens of no office.
	eh := sha256.Sum256(randBytes(32))
	exp := eh[:]
	if err := s.AddToken(ctx, central.Token{Hash: exp, Office: office, Created: now, Expires: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Enroll(ctx, exp, newDevice(office, "dev-4"), now.Add(time.Minute))
	wantErr(t, err, central.ErrTokenExpired, "a token at its expiry")
	if _, err := s.Enroll(ctx, exp, newDevice(office, "dev-4"), now.Add(59*time.Second)); err != nil {
		t.Fatalf("a token before its expiry: %v", err)
	}
	unknown := sha256.Sum256([]byte("never stored"))
	_, err = s.Enroll(ctx, unknown[:], newDevice(office, "dev-5"), now)
	wantErr(t, err, central.ErrNotFound, "an unknown token")
	h := sha256.Sum256(randBytes(32))
	tk := central.Token{Hash: h[:], Office: office, Created: now, Expires: now.Add(time.Hour)}
	if err := s.AddToken(ctx, tk); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.AddToken(ctx, tk), central.ErrConflict, "a token stored twice")
	tk.Hash = randBytes(32)
	tk.Office = "no-such-office"
	wantErr(t, s.AddToken(ctx, tk), central.ErrNotFound, "a token of an unknown office")
	for name, bad := range map[string]central.Token{
		"short hash": {Hash: []byte{1, 2}, Expires: now},
		"no expiry":  {Hash: randBytes(32)},
		"used":       {Hash: randBytes(32), Expires: now, UsedBy: "dev-1"},
		"bad office": {Hash: randBytes(32), Expires: now, Office: "a b"},
	} {
		wantErr(t, s.AddToken(ctx, bad), central.ErrInvalid, name)
	}

	// A token's first-admin right is stored and read back, also once used.
	fa := sha256.Sum256(randBytes(32))
	if err := s.AddToken(ctx, central.Token{Hash: fa[:], Office: office, Created: now, Expires: now.Add(time.Hour), FirstAdmin: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Token(ctx, fa[:]); err != nil || !got.FirstAdmin || got.Office != office || !bytes.Equal(got.Hash, fa[:]) ||
		!got.UsedAt.IsZero() || !got.Expires.Equal(central.Time(now.Add(time.Hour))) {
		t.Fatalf("first-admin token %+v, %v", got, err)
	}
	if _, err := s.Enroll(ctx, fa[:], newDevice(office, "dev-6"), now); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Token(ctx, fa[:]); err != nil || !got.FirstAdmin || got.UsedBy != "dev-6" || !got.UsedAt.Equal(central.Time(now)) {
		t.Fatalf("used first-admin token %+v, %v", got, err)
	}
	if got, err := s.Token(ctx, join); err != nil || got.FirstAdmin || got.UsedBy != "dev-2" {
		t.Fatalf("ordinary token %+v, %v", got, err)
	}
	_, err = s.Token(ctx, unknown[:])
	wantErr(t, err, central.ErrNotFound, "Token of an unknown hash")

	devs, err := s.Devices(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range devs {
		ids = append(ids, d.ID)
	}
	if fmt.Sprint(ids) != "[dev-1 dev-2 dev-4 dev-6]" {
		t.Fatalf("devices %v, want dev-1 dev-2 dev-4 dev-6", ids)
	}
}

func sameDevice(a, b central.Device) bool {
	return a.Office == b.Office && a.ID == b.ID && a.Name == b.Name && bytes.Equal(a.CertSHA256, b.CertSHA256) &&
		a.Created.Equal(b.Created) && a.LastContact.Equal(b.LastContact) && a.Revoked == b.Revoked &&
		a.RevokedAt.Equal(b.RevokedAt) && a.Chain.Seq == b.Chain.Seq && bytes.Equal(a.Chain.Hash, b.Chain.Hash) &&
		a.Anchor.Seq == b.Anchor.Seq && bytes.Equal(a.Anchor.Hash, b.Anchor.Hash) &&
		bytes.Equal(a.Cert, b.Cert) && bytes.Equal(a.PrevCertSHA256, b.PrevCertSHA256)
}

// testTokenConcurrent enrolls sixteen devices with one token at once,
// through every server the backend can open: exactly one is enrolled.
func testTokenConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	d := found(t, s)
	tok := newToken(t, s, d.office, time.Hour)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ss[i%len(ss)].Enroll(t.Context(), tok, newDevice(d.office, fmt.Sprintf("dev-c%02d", i)), time.Now())
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, central.ErrTokenUsed):
			t.Fatalf("enrollment %d: %v", i, err)
		}
	}
	devs, _ := s.Devices(t.Context(), d.office)
	if ok != 1 || len(devs) != 2 {
		t.Fatalf("%d enrollments succeeded and the office has %d devices; want 1 and 2", ok, len(devs))
	}
}

func testDevices(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	d := found(t, s)
	d2 := join(t, s, d.office, "dev-2")
	push(t, s, d2.batch("B", 1, 0))

	_, err := s.Device(ctx, d.office, "dev-9")
	wantErr(t, err, central.ErrNotFound, "an unknown device")
	_, err = s.Device(ctx, "no-such-office", "dev-1")
	wantErr(t, err, central.ErrNotFound, "a device of an unknown office")
	_, err = s.Devices(ctx, "no-such-office")
	wantErr(t, err, central.ErrNotFound, "devices of an unknown office")
	_, err = s.Device(ctx, d.office, "a b")
	wantErr(t, err, central.ErrInvalid, "an invalid device id")

	// Touch moves the last contact forward only.
	base := time.Now().Add(time.Hour)
	if err := s.Touch(ctx, d.office, "dev-1", base); err != nil {
		t.Fatal(err)
	}
	if err := s.Touch(ctx, d.office, "dev-1", base.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Device(ctx, d.office, "dev-1")
	if !got.LastContact.Equal(central.Time(base)) {
		t.Fatalf("last contact %v, want %v", got.LastContact, central.Time(base))
	}
	wantErr(t, s.Touch(ctx, d.office, "dev-9", base), central.ErrNotFound, "touching an unknown device")

	// Revocation: refused pushes and contacts, the first time kept.
	at := time.Now()
	if err := s.Revoke(ctx, d.office, "dev-2", at); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, d.office, "dev-2", at.Add(time.Hour)); err != nil {
		t.Fatalf("revoking again: %v", err)
	}
	got, _ = s.Device(ctx, d.office, "dev-2")
	if !got.Revoked || !got.RevokedAt.Equal(central.Time(at)) || got.Chain.Seq != 1 {
		t.Fatalf("revoked device %+v", got)
	}
	_, err = s.Push(ctx, d2.batch("C", 1, 0))
	wantErrNaming(t, err, central.ErrRevoked, "push of a revoked device", "dev-2")
	wantErr(t, s.Touch(ctx, d.office, "dev-2", at.Add(2*time.Hour)), central.ErrRevoked, "contact of a revoked device")
	wantErr(t, s.Revoke(ctx, d.office, "dev-9", at), central.ErrNotFound, "revoking an unknown device")
	// The other device goes on; the revoked one's envelopes stay.
	push(t, s, d.batch("D", 1, 0))
	if got := pullAll(t, s, d.office, 0, 0); len(got) != 2 {
		t.Fatalf("%d envelopes, want 2", len(got))
	}
	devs, _ := s.Devices(ctx, d.office)
	if len(devs) != 2 || devs[0].ID != "dev-1" || devs[0].Revoked || !devs[1].Revoked || devs[0].Chain.Seq != 1 {
		t.Fatalf("devices %+v", devs)
	}
}

func testLogins(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	d := found(t, s)
	o := d.office
	v := []byte("slow hash of the auth key of yamada")

	wantErr(t, s.SetLogin(ctx, "no-such-office", "yamada", v), central.ErrNotFound, "login of an unknown office")
	wantErr(t, s.SetLogin(ctx, o, "ya mada", v), central.ErrInvalid, "login with a space")
	wantErr(t, s.SetLogin(ctx, o, "yamada", nil), central.ErrInvalid, "empty verifier")
	_, err := s.Login(ctx, o, "yamada")
	wantErr(t, err, central.ErrNotFound, "unknown login")
	_, err = s.LoginFailed(ctx, o, "yamada", time.Now(), central.DefaultLockout)
	wantErr(t, err, central.ErrNotFound, "failure of an unknown login")
	wantErr(t, s.LoginSucceeded(ctx, o, "yamada"), central.ErrNotFound, "success of an unknown login")

	if err := s.SetLogin(ctx, o, "yamada", v); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLogin(ctx, o, "受付の佐藤", []byte("other")); err != nil {
		t.Fatal(err)
	}
	l, err := s.Login(ctx, o, "yamada")
	if err != nil || !bytes.Equal(l.Verifier, v) || l.Failures != 0 || !l.LockedUntil.IsZero() || l.Office != o || l.Login != "yamada" {
		t.Fatalf("login %+v, %v", l, err)
	}
	all, err := s.Logins(ctx, o)
	if err != nil || len(all) != 2 || all[0].Login != "yamada" || !bytes.Equal(all[0].Verifier, v) || all[0].Office != o ||
		all[1].Login != "受付の佐藤" || string(all[1].Verifier) != "other" {
		t.Fatalf("Logins %+v, %v", all, err)
	}
	if none, err := s.Logins(ctx, "no-such-office"); err != nil || len(none) != 0 {
		t.Fatalf("Logins of an unknown office: %+v, %v", none, err)
	}

	p := central.Lockout{After: 3, Base: 30 * time.Second, Max: 90 * time.Second}
	now := time.Now()
	wantLock := []time.Duration{0, 0, 30 * time.Second, 60 * time.Second, 90 * time.Second, 90 * time.Second}
	for i, d := range wantLock {
		at := now.Add(time.Duration(i) * time.Second)
		l, err := s.LoginFailed(ctx, o, "yamada", at, p)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Time{}
		if d > 0 {
			want = central.Time(at.Add(d))
		}
		if l.Failures != i+1 || !l.LockedUntil.Equal(want) || !l.LastFailure.Equal(central.Time(at)) {
			t.Fatalf("failure %d: %+v; want locked until %v", i+1, l, want)
		}
		if l.Locked(at) != (d > 0) {
			t.Fatalf("failure %d: Locked %v", i+1, l.Locked(at))
		}
	}
	if other, _ := s.Login(ctx, o, "受付の佐藤"); other.Failures != 0 {
		t.Fatalf("another login counted %d failures", other.Failures)
	}
	if err := s.LoginSucceeded(ctx, o, "yamada"); err != nil {
		t.Fatal(err)
	}
	l, _ = s.Login(ctx, o, "yamada")
	if l.Failures != 0 || !l.LockedUntil.IsZero() || !bytes.Equal(l.Verifier, v) {
		t.Fatalf("after a success: %+v", l)
	}
	// A new verifier clears the counters too.
	s.LoginFailed(ctx, o, "yamada", now, central.Lockout{After: 1, Base: time.Minute})
	if err := s.SetLogin(ctx, o, "yamada", []byte("new")); err != nil {
		t.Fatal(err)
	}
	l, _ = s.Login(ctx, o, "yamada")
	if l.Failures != 0 || !l.LockedUntil.IsZero() || string(l.Verifier) != "new" {
		t.Fatalf("after a new password: %+v", l)
	}
	if err := s.DeleteLogin(ctx, o, "yamada"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Login(ctx, o, "yamada")
	wantErr(t, err, central.ErrNotFound, "a deleted login")
	wantErr(t, s.DeleteLogin(ctx, o, "yamada"), central.ErrNotFound, "deleting twice")
	if _, err := s.Login(ctx, o, "受付の佐藤"); err != nil {
		t.Fatalf("the other login after a delete: %v", err)
	}
}

// testLoginConcurrent counts twenty failures at once, through every server:
// each increment is atomic.
func testLoginConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	d := found(t, s)
	if err := s.SetLogin(t.Context(), d.office, "tanaka", []byte("v")); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	seen := make([]int, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := ss[i%len(ss)].LoginFailed(t.Context(), d.office, "tanaka", time.Now(), central.DefaultLockout)
			seen[i], errs[i] = l.Failures, err
		}()
	}
	wg.Wait()
	counts := map[int]bool{}
	for i := range seen {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		counts[seen[i]] = true
	}
	l, _ := s.Login(t.Context(), d.office, "tanaka")
	if l.Failures != n || len(counts) != n {
		t.Fatalf("%d failures stored, %d distinct counts returned; want %d", l.Failures, len(counts), n)
	}
	if !l.Locked(time.Now()) {
		t.Fatal("not locked after 20 failures")
	}
}
