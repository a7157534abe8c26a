package centraltest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// renewed stands in for a renewed certificate (DER), fingerprint for its
// SHA-256.
func renewed(s string) []byte { return []byte("renewed certificate " + s) }

func fingerprint(s string) []byte {
	h := sha256.Sum256(renewed(s))
	return h[:]
}

// testRenew replaces a device's certificate: a compare-and-set on the
// stored fingerprint, which keeps the certificate and the fingerprint it
// replaced.
func testRenew(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	d := found(t, s)
	d2 := join(t, s, d.office, "dev-2")
	push(t, s, d.batch("B", 1, 0))
	before, err := s.Device(ctx, d.office, d.id)
	if err != nil {
		t.Fatal(err)
	}
	fp0, fp1, fp2 := newDevice(d.office, d.id).CertSHA256, fingerprint("1"), fingerprint("2")
	c1, c2 := renewed("1"), renewed("2")
	if !bytes.Equal(before.Cert, newDevice(d.office, d.id).Cert) || before.PrevCertSHA256 != nil {
		t.Fatalf("enrolled device keeps certificate %q and previous fingerprint %x", before.Cert, before.PrevCertSHA256)
	}

	at := time.Now().Add(time.Hour)
	if err := s.RenewDevice(ctx, d.office, d.id, fp0, c1, at); err != nil {
		t.Fatalf("renewal: %v", err)
	}
	got, err := s.Device(ctx, d.office, d.id)
	want := before
	want.CertSHA256, want.Cert, want.PrevCertSHA256, want.LastContact = fp1, c1, fp0, central.Time(at)
	if err != nil || !sameDevice(got, want) {
		t.Fatalf("renewed device %+v, %v; want %+v", got, err, want)
	}
	// The old fingerprint is gone: renewing from it again is a conflict
	// (another renewal won), and changes nothing.
	err = s.RenewDevice(ctx, d.office, d.id, fp0, c2, at.Add(time.Hour))
	wantErrNaming(t, err, central.ErrConflict, "a renewal from a replaced fingerprint", d.id)
	// Renewing to the fingerprint stored (a retry) changes nothing.
	if err := s.RenewDevice(ctx, d.office, d.id, fp0, c1, at.Add(time.Hour)); err != nil {
		t.Fatalf("a renewal retried: %v", err)
	}
	if err := s.RenewDevice(ctx, d.office, d.id, fp1, c1, at.Add(time.Hour)); err != nil {
		t.Fatalf("a renewal to the same fingerprint: %v", err)
	}
	if got, _ := s.Device(ctx, d.office, d.id); !sameDevice(got, want) {
		t.Fatalf("after renewals that change nothing: %+v; want %+v", got, want)
	}
	// A renewal with an earlier time keeps the last contact.
	if err := s.RenewDevice(ctx, d.office, d.id, fp1, c2, at.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	want.CertSHA256, want.Cert, want.PrevCertSHA256 = fp2, c2, fp1
	if got, _ := s.Device(ctx, d.office, d.id); !sameDevice(got, want) {
		t.Fatalf("after a renewal dated earlier: %+v; want %+v", got, want)
	}
	// The device pushes on, its chain untouched.
	if r := push(t, s, d.batch("C", 1, 0)); r.Head.Seq != 2 {
		t.Fatalf("push after renewals: %+v", r)
	}
	// Another device is not touched.
	if got, _ := s.Device(ctx, d.office, d2.id); !bytes.Equal(got.CertSHA256, newDevice("", d2.id).CertSHA256) {
		t.Fatalf("the other device's fingerprint changed: %x", got.CertSHA256)
	}

	wantErr(t, s.RenewDevice(ctx, d.office, "dev-9", fp0, c1, at), central.ErrNotFound, "renewing an unknown device")
	wantErr(t, s.RenewDevice(ctx, "no-such-office", d.id, fp2, c1, at), central.ErrNotFound, "renewing in an unknown office")
	for name, args := range map[string][2][]byte{
		"short old": {fp2[:31], c1},
		"no new":    {fp2, nil},
		"huge new":  {fp2, make([]byte, central.MaxCert+1)},
		"long old":  {append(bytes.Clone(fp2), 0), c1},
	} {
		wantErr(t, s.RenewDevice(ctx, d.office, d.id, args[0], args[1], at), central.ErrInvalid, name)
	}
	wantErr(t, s.RenewDevice(ctx, d.office, "a b", fp2, c1, at), central.ErrInvalid, "an invalid device id")
	wantErr(t, s.RenewDevice(ctx, "", d.id, fp2, c1, at), central.ErrInvalid, "an empty office")
	if got, _ := s.Device(ctx, d.office, d.id); !bytes.Equal(got.CertSHA256, fp2) {
		t.Fatalf("refused renewals changed the fingerprint to %x", got.CertSHA256)
	}

	// A revoked device cannot renew, also not to its stored fingerprint.
	if err := s.Revoke(ctx, d.office, d2.id, time.Now()); err != nil {
		t.Fatal(err)
	}
	fp, cert := newDevice("", d2.id).CertSHA256, newDevice("", d2.id).Cert
	wantErrNaming(t, s.RenewDevice(ctx, d.office, d2.id, fp, c1, at), central.ErrRevoked, "renewing a revoked device", d2.id)
	wantErr(t, s.RenewDevice(ctx, d.office, d2.id, fp, cert, at), central.ErrRevoked, "renewing a revoked device to its certificate")
	if got, _ := s.Device(ctx, d.office, d2.id); !bytes.Equal(got.CertSHA256, fp) {
		t.Fatalf("a revoked device renewed to %x", got.CertSHA256)
	}

	_ = s.Close()
	wantErr(t, s.RenewDevice(ctx, d.office, d.id, fp2, c1, at), central.ErrClosed, "renewal after close")
}

// testRenewConcurrent renews one device from one fingerprint sixteen times
// at once, each to a fingerprint of its own, through every server the
// backend can open: exactly one wins, the others get ErrConflict, and the
// winner's fingerprint is stored.
func testRenewConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	d := found(t, s)
	fp0 := newDevice(d.office, d.id).CertSHA256
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = ss[i%len(ss)].RenewDevice(t.Context(), d.office, d.id, fp0, renewed(fmt.Sprint(i)), time.Now())
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("renewals %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, central.ErrConflict):
			t.Fatalf("renewal %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no renewal won")
	}
	got, err := s.Device(t.Context(), d.office, d.id)
	if err != nil || !bytes.Equal(got.CertSHA256, fingerprint(fmt.Sprint(winner))) {
		t.Fatalf("stored fingerprint %x, %v; the winner was renewal %d", got.CertSHA256, err, winner)
	}
	wantErr(t, s.RenewDevice(ctxCanceled(), d.office, d.id, got.CertSHA256, renewed("x"), time.Now()), context.Canceled, "renewal with a canceled context")
	if again, _ := s.Device(t.Context(), d.office, d.id); !bytes.Equal(again.CertSHA256, got.CertSHA256) {
		t.Fatal("a canceled renewal changed the fingerprint")
	}
}
