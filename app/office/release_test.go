package office

import (
	"context"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// TestReleaseWhenIdle checks when an office with ReleaseAfter gives memory
// back: once after each idle stretch, never while a work runs, and not
// after logout.
func TestReleaseWhenIdle(t *testing.T) {
	f := newFixture(t)
	f.as("coord", func(s *Session) { f.importConsultations(s, 3) })
	f.o.Close()
	const after = 40 * time.Millisecond
	releases := make(chan struct{}, 100)
	o, err := Open(f.dir, Options{KDF: vault.TestKDF(), Now: f.clock.Now, ReleaseAfter: after,
		released: func() { releases <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	expect := func(what string) {
		t.Helper()
		select {
		case <-releases:
		case <-time.After(10 * time.Second):
			t.Fatalf("no release %s", what)
		}
	}
	none := func(what string) {
		t.Helper()
		select {
		case <-releases:
			t.Fatalf("a release %s", what)
		case <-time.After(8 * after):
		}
	}
	ctx := context.Background()
	s, err := o.Login(ctx, "coord", []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	expect("after login")
	none("without a use case since the last one")

	if _, err := o.Businesses(ctx, s); err != nil {
		t.Fatal(err)
	}
	expect("after a use case")

	hctx, h := holdAt(t, o, StepRead)
	ended := make(chan error, 1)
	go func() {
		_, err := o.Consultations(hctx, s, ConsultationFilter{})
		ended <- err
	}()
	h.reached(t, ended)
	none("while a work runs")
	h.let()
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	expect("after the work ended")

	if err := o.Logout(); err != nil {
		t.Fatal(err)
	}
	none("after logout")
}
