package cli

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

func TestDevicesCommands(t *testing.T) {
	if ExitForbidden != 8 {
		t.Fatalf("ExitForbidden is %d", ExitForbidden)
	}
	ctx := context.Background()
	data := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区 経営相談窓口", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	addr, _ := startCLIServer(t, "--data", data)

	// The admin's PC, enrolled with a first-admin code.
	_, out, _ := run(t, "", "server", "enroll", "--data", data, "--addr", addr, "--first-admin")
	va, pwa := newVault(t)
	if code, out, errs := run(t, "", "enroll", "--vault", va, "--as", "kanri", "--password-file", pwa, "--name", "管理者PC", lastLine(out)); code != ExitOK {
		t.Fatalf("enroll: %d %s %s", code, out, errs)
	}
	// A counter PC, and a staff login made by the admin.
	_, out, _ = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	vb, pwb := newVault(t)
	if code, out, errs := run(t, "", "enroll", "--vault", vb, "--as", "kanri", "--password-file", pwb, "--name", "受付PC", lastLine(out)); code != ExitOK {
		t.Fatalf("enroll: %d %s %s", code, out, errs)
	}
	ca, _ := syncclient.Load(va)
	cb, _ := syncclient.Load(vb)
	cla := syncclient.New(ca)
	defer cla.Close()
	se, err := cla.Login(ctx, "kanri", "admin-password-1")
	if err != nil || !se.Admin {
		t.Fatalf("admin login: %+v %v", se, err)
	}
	if err := cla.SetLogin(ctx, se, "uketsuke", "reception-pw-1", vault.TestKDF(), false); err != nil {
		t.Fatal(err)
	}
	recPw := writePw(t, filepath.Dir(vb), "rec.pw", "reception-pw-1")

	// The admin lists.
	code, out, errs := run(t, "", "devices", "list", "--vault", va, "--as", "kanri", "--password-file", pwa)
	if code != ExitOK || !strings.Contains(out, "名前") || !strings.Contains(out, "最終接続") || !strings.Contains(out, "管理者PC（この端末）") ||
		!strings.Contains(out, cb.Device) || strings.Contains(out, server.OfficeDevice+" ") {
		t.Fatalf("devices list: %d %s %s", code, out, errs)
	}
	code, out, errs = run(t, "", "devices", "list", "--vault", va, "--as", "kanri", "--password-file", pwa, "--json")
	var list []map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 || list[0]["id"] == nil || list[0]["last_contact"] == nil {
		t.Fatalf("devices list --json: %d %s %s", code, out, errs)
	}

	// A staff member's session is refused (exit 8), for both.
	if code, _, errs := run(t, "", "devices", "list", "--vault", vb, "--as", "uketsuke", "--password-file", recPw); code != ExitForbidden || !strings.Contains(errs, "管理者") {
		t.Errorf("devices list by staff: %d %s", code, errs)
	}
	if code, _, errs := run(t, "", "devices", "revoke", "--vault", vb, "--as", "uketsuke", "--password-file", recPw, "--device", ca.Device); code != ExitForbidden {
		t.Errorf("devices revoke by staff: %d %s", code, errs)
	}
	// Not the admin's own device.
	if code, _, errs := run(t, "", "devices", "revoke", "--vault", va, "--as", "kanri", "--password-file", pwa, "--device", ca.Device); code != ExitInvalidInput || !strings.Contains(errs, "この端末の登録は取り消せません") {
		t.Errorf("revoking one's own device: %d %s", code, errs)
	}
	// (The server allows five logins a minute per login: the rest goes
	// through the admin's session.)
	if err := cla.RevokeDevice(ctx, se, "d-nosuch"); !errors.Is(err, syncclient.ErrUnknownDevice) {
		t.Errorf("revoking an unknown device: %v", err)
	}
	// The admin revokes the counter PC: its next request is refused.
	code, out, errs = run(t, "", "devices", "revoke", "--vault", va, "--as", "kanri", "--password-file", pwa, "--device", cb.Device)
	if code != ExitOK || !strings.Contains(out, "この端末は次の接続で拒否され") {
		t.Fatalf("devices revoke: %d %s %s", code, out, errs)
	}
	clb := syncclient.New(cb)
	defer clb.Close()
	if _, err := clb.Ping(ctx); !errors.Is(err, syncclient.ErrRevoked) {
		t.Fatalf("the revoked device's ping: %v", err)
	}
	ds, err := cla.Devices(ctx, se)
	if err != nil || len(ds) != 2 {
		t.Fatalf("list after revoke: %+v %v", ds, err)
	}
	for _, d := range ds {
		if d.Revoked != (d.ID == cb.Device) || d.Revoked && d.RevokedAt.IsZero() {
			t.Errorf("after revoke: %+v", d)
		}
	}
}
