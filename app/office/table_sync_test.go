package office

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// joined makes a second vault that joins f's office from f's signed table,
// as `madoguchi join` does with the table the server keeps.
func joined(t *testing.T, f *fixture) (*Office, []byte) {
	t.Helper()
	var table []byte
	f.as("admin", func(s *Session) {
		var err error
		if table, _, err = f.o.SignedTable(context.Background(), s); err != nil {
			t.Fatalf("SignedTable: %v", err)
		}
	})
	dir := filepath.Join(t.TempDir(), "joined")
	if err := Join(dir, table); err != nil {
		t.Fatalf("Join: %v", err)
	}
	if err := Join(dir, table); !errors.Is(err, ErrVaultExists) {
		t.Fatalf("Join again: %v, want ErrVaultExists", err)
	}
	o, err := Open(dir, testOptions(f.clock))
	if err != nil {
		t.Fatalf("Open joined: %v", err)
	}
	t.Cleanup(func() { o.Close() })
	return o, table
}

func TestJoinLogsInWithOwnPasswordAndMakesItsStore(t *testing.T) {
	f := newFixture(t)
	o, _ := joined(t, f)
	if o.Device() == f.o.Device() {
		t.Fatalf("joined vault has the device id of the first: %s", o.Device())
	}
	if _, err := o.Login(context.Background(), "soudan", []byte("wrong-password-9")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	s, err := o.Login(context.Background(), "soudan", []byte(testPassword))
	if err != nil {
		t.Fatalf("Login on the joined vault: %v", err)
	}
	if !s.HasRole(RoleConsultant) {
		t.Fatalf("roles %v", s.Roles())
	}
	list, err := o.Businesses(context.Background(), s)
	if err != nil || len(list) != 0 {
		t.Fatalf("Businesses on a new store: %v %v", list, err)
	}
	if err := o.Logout(); err != nil {
		t.Fatal(err)
	}
	// The store key made at the first login opens the store at the next.
	if _, err := o.Login(context.Background(), "uketsuke", []byte(testPassword)); err != nil {
		t.Fatalf("second login: %v", err)
	}
}

func TestAdoptTableTakesNewerAndRefusesOlderOrForeign(t *testing.T) {
	f := newFixture(t)
	o, old := joined(t, f)
	// A person added on the first PC after the join.
	var newer []byte
	f.as("admin", func(s *Session) {
		if err := f.o.AddUser(context.Background(), s, NewUser{Login: "shinjin", Name: "新人 花子", Roles: []Role{RoleReception}, Password: []byte(testPassword)}); err != nil {
			t.Fatal(err)
		}
		var err error
		if newer, _, err = f.o.SignedTable(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := o.Login(context.Background(), "shinjin", []byte(testPassword)); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("unknown person before the table came: %v", err)
	}
	s, err := o.Login(context.Background(), "kantoku", []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := o.AdoptTable(context.Background(), s, old); changed || err != nil {
		t.Fatalf("same table: %v %v", changed, err)
	}
	if changed, err := o.AdoptTable(context.Background(), s, newer); !changed || err != nil {
		t.Fatalf("newer table: %v %v", changed, err)
	}
	// The server replays the table from before: refused.
	if _, err := o.AdoptTable(context.Background(), s, old); !errors.Is(err, ErrForged) {
		t.Fatalf("older table: %v, want ErrForged", err)
	}
	// A table of another office, validly signed by its own admin.
	g := newFixture(t)
	var foreign []byte
	g.as("admin", func(s *Session) { foreign, _, _ = g.o.SignedTable(context.Background(), s) })
	if _, err := o.AdoptTable(context.Background(), s, foreign); !errors.Is(err, ErrForged) {
		t.Fatalf("foreign table: %v, want ErrForged", err)
	}
	// A flipped byte in the body.
	bad := append([]byte(nil), newer...)
	bad[len(bad)/2] ^= 1
	if _, err := o.AdoptTable(context.Background(), s, bad); err == nil {
		t.Fatal("altered table taken")
	}
	if err := o.Logout(); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Login(context.Background(), "shinjin", []byte(testPassword)); err != nil {
		t.Fatalf("the new person on the joined PC: %v", err)
	}
}
