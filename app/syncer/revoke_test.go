package syncer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// wipeIfRevoked is what `madoguchi sync` does with a refusal: wipe only
// when the table the server sent verifies and lists this device.
func wipeIfRevoked(t *testing.T, p *pc, err error) bool {
	t.Helper()
	var re *syncclient.RevokedError
	if !errors.As(err, &re) {
		t.Fatalf("%s: %v, want a revoked device's refusal", p.name, err)
	}
	ok, verr := p.o.RevokedBy(context.Background(), p.login(p.sLogin), re.Table, p.creds.Device)
	if verr != nil {
		t.Fatal(verr)
	}
	if ok {
		p.close()
		if err := office.Wipe(p.dir); err != nil {
			t.Fatal(err)
		}
	}
	return ok
}

func TestRevokedDeviceWipesOnlyOnTheAdminsWord(t *testing.T) {
	ctx := context.Background()
	c := startCentral(t)
	a := founder(t, c)
	b := join(t, c, "B")
	x := join(t, c, "X")
	a.newBusiness("kanri", "青空鮮魚店", "アオゾラセンギョテン", "03-5555-9001")
	mustSync(t, a, "kanri")
	mustSync(t, b, "soudan")
	mustSync(t, x, "soudan")

	// The server alone revokes X (an operator, or an attacker on the
	// server): X is refused, but no admin signed it, so X keeps its data.
	if err := c.store.Revoke(ctx, c.id.Office, x.creds.Device, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err := x.sync("soudan")
	if wipeIfRevoked(t, x, err) || !office.Exists(x.dir) {
		t.Fatal("X wiped itself on the server's word alone")
	}

	// The admin revokes B: signed into the table, stored on the server.
	s := a.login("kanri")
	if err := a.o.RevokeDevice(ctx, s, b.creds.Device); err != nil {
		t.Fatal(err)
	}
	cl := syncclient.New(a.creds)
	defer cl.Close()
	se, err := cl.Login(ctx, "kanri", adminPW)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.RevokeDevice(ctx, se, b.creds.Device); err != nil {
		t.Fatal(err)
	}
	table, serial, err := a.o.SignedTable(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.PutTable(ctx, se, server.TableMessage{Serial: serial, Data: table}); err != nil {
		t.Fatal(err)
	}
	// X is refused with that table too, which does not list X: no wipe.
	_, err = x.sync("soudan")
	if wipeIfRevoked(t, x, err) || !office.Exists(x.dir) {
		t.Fatal("X wiped itself with a table that lists another device")
	}
	// B is told, checks the admin's signature, and wipes.
	_, err = b.sync("soudan")
	if !wipeIfRevoked(t, b, err) || office.Exists(b.dir) {
		t.Fatal("B did not wipe itself")
	}
}
