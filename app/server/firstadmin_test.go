package server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// firstAdminCode adds a first-admin token and returns its code.
func (r *running) firstAdminCode(t *testing.T) (string, error) {
	t.Helper()
	now := time.Now()
	tok, ct := r.id.NewTokenFor(now, now.Add(time.Hour))
	ct.FirstAdmin = true
	err := server.AddToken(context.Background(), r.store, r.id, ct)
	return server.Code{Addr: r.id.Addr, Pin: r.id.Pin(), Token: tok}.String(), err
}

func TestFirstAdminAtEnrollment(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = -1; s.DevicePerMinute = -1 })
	ctx := context.Background()
	const pw = "管理者の仮パスワード-dummy"

	// An ordinary token cannot register an admin.
	plain := ls.code(t, time.Hour)
	c, err := syncclient.Enroll(ctx, t.TempDir(), plain, "受付PC")
	if err != nil {
		t.Fatal(err)
	}
	cl := syncclient.New(c)
	defer cl.Close()
	if err := cl.RegisterFirstAdmin(ctx, plain, "kanri", pw, vault.TestKDF()); !errors.Is(err, syncclient.ErrForbidden) {
		t.Fatalf("first admin with an ordinary token: %v", err)
	}
	// Nor another device's first-admin token.
	code, err := ls.firstAdminCode(t)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.RegisterFirstAdmin(ctx, code, "kanri", pw, vault.TestKDF()); !errors.Is(err, syncclient.ErrForbidden) {
		t.Fatalf("first admin with an unused token of no device: %v", err)
	}

	// The first-admin token registers the admin, who logs in as one.
	ca, err := syncclient.Enroll(ctx, t.TempDir(), code, "管理者PC")
	if err != nil {
		t.Fatal(err)
	}
	ca2 := syncclient.New(ca)
	defer ca2.Close()
	if err := ca2.RegisterFirstAdmin(ctx, code, "kanri", pw, vault.TestKDF()); err != nil {
		t.Fatalf("first admin: %v", err)
	}
	se, err := ca2.Login(ctx, "kanri", pw)
	if err != nil || !se.Admin {
		t.Fatalf("first admin's login: %+v, %v", se, err)
	}
	if has, err := server.HasAdmin(ctx, ls.store, ls.id.Office); err != nil || !has {
		t.Fatalf("HasAdmin %v, %v", has, err)
	}

	// A second registration is refused, and no new first-admin token is
	// issued.
	if err := ca2.RegisterFirstAdmin(ctx, code, "kanri2", pw, vault.TestKDF()); !errors.Is(err, syncclient.ErrAdminExists) {
		t.Fatalf("second first admin: %v", err)
	}
	if _, err := ls.firstAdminCode(t); !errors.Is(err, server.ErrAdminExists) {
		t.Fatalf("first-admin token once an admin exists: %v", err)
	}
	if _, err := cl.Login(ctx, "kanri2", pw); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("refused admin logs in: %v", err)
	}
}
