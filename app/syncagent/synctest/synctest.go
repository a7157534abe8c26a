// Package synctest runs a central server on 127.0.0.1 with an embedded
// store and makes an office's first vault enrolled with it, for the tests
// of what sits on top of sync (the agent, the window). Every name, phone
// and password it makes is generated dummy data.
package synctest

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
)

// Central is a running server and its store.
type Central struct {
	tb    testing.TB
	ID    *server.Identity
	Store central.Store
	Data  string // the server's data folder
	stop  func()
}

// Start runs a server named name on a free port of 127.0.0.1 until the
// test ends. Its logins use the test KDF and no rate limits.
func Start(tb testing.TB, name string) *Central {
	tb.Helper()
	c := &Central{tb: tb, Data: tb.TempDir()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if c.ID, err = server.Init(c.Data, name, ln.Addr().String(), time.Now()); err != nil {
		tb.Fatal(err)
	}
	c.serve(ln)
	tb.Cleanup(func() { c.Stop() })
	return c
}

func (c *Central) serve(ln net.Listener) {
	st, err := embedded.Open(filepath.Join(c.Data, "store"))
	if err != nil {
		c.tb.Fatal(err)
	}
	c.Store = st
	srv := &server.Server{ID: c.ID, Store: st, LoginPerMinute: -1, DevicePerMinute: -1,
		LoginKDF: vault.TestKDF(), VerifierKDF: vault.TestKDF()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	c.stop = func() {
		cancel()
		<-done
		st.Close()
		c.stop = func() {}
	}
}

// Stop stops the server (the PCs find it unreachable); Restart serves
// again on the same address, without the sessions of before.
func (c *Central) Stop() { c.stop() }

// Restart serves again on the address of before.
func (c *Central) Restart() {
	c.tb.Helper()
	ln, err := net.Listen("tcp", c.ID.Addr)
	if err != nil {
		c.tb.Fatal(err)
	}
	c.serve(ln)
}

// Code is a new enrollment code valid for an hour; firstAdmin lets the PC
// that uses it register the office's first administrator.
func (c *Central) Code(firstAdmin bool) string {
	c.tb.Helper()
	now := time.Now()
	tok, ct := c.ID.NewTokenFor(now, now.Add(time.Hour))
	ct.FirstAdmin = firstAdmin
	if err := server.AddToken(context.Background(), c.Store, c.ID, ct); err != nil {
		c.tb.Fatal(err)
	}
	return server.Code{Addr: c.ID.Addr, Pin: c.ID.Pin(), Token: tok}.String()
}

// Person is one member of the staff of a test office.
type Person struct {
	Login, Name, Password string
	Role                  office.Role
}

// Founder makes the office's first vault in dir with admin as its
// administrator and others as staff, enrolls it (named pcName) with a
// first-admin code, registers admin on the server and syncs once, which
// puts the user table there: what `madoguchi init`, `enroll` and `sync`
// do for an office that starts to sync.
func Founder(tb testing.TB, c *Central, dir, pcName string, opt office.Options, admin Person, others ...Person) {
	tb.Helper()
	ctx := context.Background()
	if err := office.Init(dir, admin.Login, admin.Name, []byte(admin.Password), opt); err != nil {
		tb.Fatal(err)
	}
	o, err := office.Open(dir, opt)
	if err != nil {
		tb.Fatal(err)
	}
	defer o.Close()
	s, err := o.Login(ctx, admin.Login, []byte(admin.Password))
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range others {
		if err := o.AddUser(ctx, s, office.NewUser{Login: p.Login, Name: p.Name, Roles: []office.Role{p.Role}, Password: []byte(p.Password)}); err != nil {
			tb.Fatal(err)
		}
	}
	code := c.Code(true)
	creds, err := syncclient.Enroll(ctx, dir, code, pcName)
	if err != nil {
		tb.Fatal(err)
	}
	if err := o.RecordEnrollment(ctx, s, c.ID.Name, creds.Device); err != nil {
		tb.Fatal(err)
	}
	cl := syncclient.New(creds)
	defer cl.Close()
	if err := cl.RegisterFirstAdmin(ctx, code, admin.Login, admin.Password, vault.TestKDF()); err != nil {
		tb.Fatal(err)
	}
	if _, err := syncagent.Once(ctx, o, s, creds, admin.Login, []byte(admin.Password), syncagent.OnceOptions{KDF: vault.TestKDF()}); err != nil {
		tb.Fatalf("first sync of the founder: %v", err)
	}
	if err := o.Logout(); err != nil {
		tb.Fatal(err)
	}
}
