package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

func TestDevicesEndpoints(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = -1; s.DevicePerMinute = -1 })
	ctx := context.Background()
	ca, a := ls.client(t)
	cb, b := ls.client(t)
	ls.register(t, "kanri", pwTanaka, true)
	ls.register(t, "suzuki", pwTanaka, false)
	admin, err := ca.Login(ctx, "kanri", pwTanaka)
	if err != nil {
		t.Fatal(err)
	}
	user, err := cb.Login(ctx, "suzuki", pwTanaka)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Devices(ctx, user); !errors.Is(err, syncclient.ErrForbidden) {
		t.Errorf("list by a user: %v", err)
	}
	if err := cb.RevokeDevice(ctx, user, a.Device); !errors.Is(err, syncclient.ErrForbidden) {
		t.Errorf("revoke by a user: %v", err)
	}
	ds, err := ca.Devices(ctx, admin)
	if err != nil || len(ds) != 2 {
		t.Fatalf("devices %+v, %v", ds, err)
	}
	for _, d := range ds {
		if d.ID == server.OfficeDevice || d.Revoked || d.Enrolled.IsZero() || d.Name == "" {
			t.Errorf("device %+v", d)
		}
	}
	if err := ca.RevokeDevice(ctx, admin, a.Device); !errors.Is(err, syncclient.ErrOwnDevice) {
		t.Errorf("revoking one's own device: %v", err)
	}
	if err := ca.RevokeDevice(ctx, admin, server.OfficeDevice); !errors.Is(err, syncclient.ErrUnknownDevice) {
		t.Errorf("revoking the placeholder: %v", err)
	}
	if err := ca.RevokeDevice(ctx, admin, b.Device); err != nil {
		t.Fatal(err)
	}
	// The revoked device's next request, on its kept-alive connection too.
	if _, err := cb.Session(ctx, user); !errors.Is(err, syncclient.ErrRevoked) {
		t.Errorf("revoked device's next request: %v", err)
	}
	if _, err := ca.Ping(ctx); err != nil {
		t.Errorf("the admin's device: %v", err)
	}
}
