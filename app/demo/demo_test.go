package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/holiday"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

func testOptions() office.Options {
	now := time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)
	return office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return now }}
}

// TestNewVault checks that the demo data is valid for the office (Import
// validates every record), that every demo login works with its role, and
// that the data is dummy: 555 numbers and example.jp mail only.
func TestNewVault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	logins, err := NewVault(context.Background(), dir, Sizes{Businesses: 60, Consultations: 200, Seed: 7}, testOptions(), nil)
	if err != nil {
		t.Fatalf("NewVault: %v", err)
	}
	o, err := office.Open(dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for _, l := range logins {
		s, err := o.Login(context.Background(), l.Login, []byte(l.Password))
		if err != nil {
			t.Fatalf("login %s: %v", l.Login, err)
		}
		if !s.HasRole(l.Role) {
			t.Errorf("%s lacks role %s", l.Login, l.Role)
		}
		o.Logout()
	}
	s, err := o.Login(context.Background(), "kantoku", []byte(Password))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Logout()
	cs, err := o.Consultations(context.Background(), s, office.ConsultationFilter{})
	if err != nil || len(cs) != 200 {
		t.Fatalf("consultations: %d, %v", len(cs), err)
	}
	today, err := o.ReservationsOn(context.Background(), s, "2026-10-01")
	if err != nil || len(today) == 0 {
		t.Fatalf("today's reservations: %d, %v", len(today), err)
	}
	for _, c := range cs {
		d, _ := time.Parse(time.DateOnly, c.Date)
		if name, ok := holiday.Name(d); ok || !workday(d) {
			t.Fatalf("consultation on %s, a day the office is closed (%s)", c.Date, name)
		}
	}
	hits, err := o.Search(context.Background(), s, "03-555", 1000)
	if err != nil || len(hits) != 60 {
		t.Fatalf("every business has a 555 number: %d hits, %v", len(hits), err)
	}
	for _, h := range hits {
		b, err := o.Business(context.Background(), s, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(b.Email) != ".jp" || b.Email[len(b.Email)-len("@example.jp"):] != "@example.jp" {
			t.Fatalf("mail %q is not example.jp", b.Email)
		}
	}
	if n, err := o.VerifyAudit(context.Background(), s); err != nil || n == 0 {
		t.Fatalf("audit: %d, %v", n, err)
	}
	var _ = record.KindBusiness
}

// BenchmarkFill measures how fast dummy data goes in (per consultation,
// with its reservation and the businesses around it).
func BenchmarkFill(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "demo")
		if _, err := NewVault(context.Background(), dir, Sizes{Businesses: 1000, Consultations: 5000, Seed: 1}, testOptions(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
