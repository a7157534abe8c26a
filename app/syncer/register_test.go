package syncer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// TestRegistrationCannotBeForged plays the insider at a PC of the office: a
// receptionist with their own password tries to take over other people's
// server logins and to park a table of their own on the server.
func TestRegistrationCannotBeForged(t *testing.T) {
	ctx := context.Background()
	c := startCentral(t)
	a := founder(t, c)
	b := join(t, c, "B")
	mustSync(t, b, "uketsuke") // registers uketsuke with uketsuke's key

	s := b.login("uketsuke")
	_, sign := b.o.Replica(s).Signer()
	cl := syncclient.New(b.creds)
	defer cl.Close()

	// The admin's login, and a consultant's that has none yet, registered
	// with the receptionist's signing key: refused.
	for _, victim := range []string{"kanri", "soudan"} {
		err := cl.Register(ctx, victim, "attacker-password-1", vault.TestKDF(), sign, time.Now())
		if !errors.Is(err, syncclient.ErrRegisterRefused) {
			t.Fatalf("registering %s with another person's key: %v", victim, err)
		}
	}
	if _, err := cl.Login(ctx, "kanri", "attacker-password-1"); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("the attacker's password for kanri: %v", err)
	}
	if _, err := cl.Login(ctx, "kanri", adminPW); err != nil {
		t.Fatalf("the admin's own password after the attempts: %v", err)
	}
	// Their own, with a clock an hour off (a signature kept for later): refused.
	if err := cl.Register(ctx, "uketsuke", staffPW, vault.TestKDF(), sign, time.Now().Add(-time.Hour)); !errors.Is(err, syncclient.ErrRegisterRefused) {
		t.Fatalf("registration an hour old: %v", err)
	}
	// Not an admin: the table is not theirs to store.
	se, err := cl.Login(ctx, "uketsuke", staffPW)
	if err != nil {
		t.Fatal(err)
	}
	table, serial, err := b.o.SignedTable(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.PutTable(ctx, se, server.TableMessage{Serial: serial + 100, Data: table}); !errors.Is(err, syncclient.ErrForbidden) {
		t.Fatalf("a receptionist storing the table: %v", err)
	}

	// An admin's session cannot store a table signed by another admin key
	// (another office's founder), nor one whose declared serial is not its
	// own.
	other := t.TempDir() + "/other"
	if err := office.Init(other, "kanri", "別 管理", []byte(adminPW), testOptions()); err != nil {
		t.Fatal(err)
	}
	oo, err := office.Open(other, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	os, err := oo.Login(ctx, "kanri", []byte(adminPW))
	if err != nil {
		t.Fatal(err)
	}
	forged, fserial, err := oo.SignedTable(ctx, os)
	if err != nil {
		t.Fatal(err)
	}
	oo.Close()
	ca := syncclient.New(a.creds)
	defer ca.Close()
	sa, err := ca.Login(ctx, "kanri", adminPW)
	if err != nil {
		t.Fatal(err)
	}
	if err := ca.PutTable(ctx, sa, server.TableMessage{Serial: fserial, Data: forged}); !errors.Is(err, syncclient.ErrTableForged) {
		t.Fatalf("a table of another admin key: %v", err)
	}
	if err := ca.PutTable(ctx, sa, server.TableMessage{Serial: serial + 1, Data: table}); !errors.Is(err, syncclient.ErrTableForged) {
		t.Fatalf("a declared serial that is not the table's: %v", err)
	}
	m, err := ca.Table(ctx)
	if err != nil || m.Serial != serial {
		t.Fatalf("the server's table after the attempts: serial %d %v, want %d", m.Serial, err, serial)
	}
}

// TestDisabledPersonCannotRegister: once the admin disables a person and
// the new table reaches the server, their key registers nothing.
func TestDisabledPersonCannotRegister(t *testing.T) {
	ctx := context.Background()
	c := startCentral(t)
	a := founder(t, c)
	b := join(t, c, "B")
	mustSync(t, b, "soudan") // soudan's server login, registered
	cl := syncclient.New(b.creds)
	defer cl.Close()
	live, err := cl.Login(ctx, "soudan", staffPW)
	if err != nil {
		t.Fatal(err)
	}
	// B keeps its old table: soudan still logs in there.
	sb := b.login("soudan")
	_, sign := b.o.Replica(sb).Signer()

	s := a.login("kanri")
	if err := a.o.SetDisabled(ctx, s, "soudan", true); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, "kanri") // the new table reaches the server

	// The server dropped the login and its live session.
	if _, err := cl.Login(ctx, "soudan", staffPW); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("a disabled person's server login: %v", err)
	}
	if _, err := cl.Pull(ctx, live, 0, 1); !errors.Is(err, syncclient.ErrSession) {
		t.Fatalf("a disabled person's live session: %v", err)
	}
	if err := cl.Register(ctx, "soudan", staffPW, vault.TestKDF(), sign, time.Now()); !errors.Is(err, syncclient.ErrRegisterRefused) {
		t.Fatalf("a disabled person registering: %v", err)
	}
}
