package server_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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

// TestFirstAdminRace: two devices enrolled with two first-admin tokens
// register their admins at the same moment. Both requests start together,
// and the server's slow hash of each (after the token check, before the
// store) waits until the other has reached it too, so both are past every
// check that comes before the store's: exactly one admin is registered,
// and the other device gets admin_exists.
func TestFirstAdminRace(t *testing.T) {
	var arrived atomic.Int32
	both := make(chan struct{})
	ls := startLoginServer(t, func(s *server.Server) {
		s.LoginPerMinute = -1
		s.DevicePerMinute = -1
		server.SetHashHook(s, func() {
			switch arrived.Add(1) {
			case 1:
			case 2:
				close(both)
			default:
				return
			}
			select {
			case <-both:
			case <-time.After(10 * time.Second): // one hash at a time (a single CPU): no overlap to wait for
			}
		})
	})
	ctx := context.Background()
	const pw = "管理者の仮パスワード-dummy"

	var codes [2]string
	var clients [2]*syncclient.Client
	for i := range clients {
		code, err := ls.firstAdminCode(t)
		if err != nil {
			t.Fatal(err)
		}
		c, err := syncclient.Enroll(ctx, t.TempDir(), code, fmt.Sprintf("管理者PC-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		codes[i], clients[i] = code, syncclient.New(c)
		defer clients[i].Close()
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	var errs [2]error
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = clients[i].RegisterFirstAdmin(ctx, codes[i], fmt.Sprintf("kanri-%d", i), pw, vault.TestKDF())
		}()
	}
	close(start)
	wg.Wait()
	if n := arrived.Load(); n != 2 {
		t.Fatalf("%d slow hashes, want 2", n)
	}
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatal("both first admins registered")
		case err == nil:
			won = i
		case !errors.Is(err, syncclient.ErrAdminExists):
			t.Fatalf("device %d: %v, want ErrAdminExists", i, err)
		}
	}
	if won < 0 {
		t.Fatalf("no first admin registered: %v", errs)
	}
	ls2, err := ls.store.Logins(ctx, ls.id.Office)
	if err != nil || len(ls2) != 1 || ls2[0].Login != fmt.Sprintf("kanri-%d", won) {
		t.Fatalf("logins %+v, %v; want only kanri-%d", ls2, err, won)
	}
	se, err := clients[won].Login(ctx, fmt.Sprintf("kanri-%d", won), pw)
	if err != nil || !se.Admin {
		t.Fatalf("the winner's login: %+v, %v", se, err)
	}
	if _, err := clients[1-won].Login(ctx, fmt.Sprintf("kanri-%d", 1-won), pw); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("the refused admin logs in: %v", err)
	}
}
