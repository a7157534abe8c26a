package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// TestEnrollFirstAdmin: a first-admin code makes the enrolling admin the
// server's admin, who then logs in over the channel as one; once an admin
// exists no first-admin code is issued, and an ordinary code registers no
// one.
func TestEnrollFirstAdmin(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区 経営相談窓口", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	addr, _ := startCLIServer(t, "--data", data)

	// An ordinary code: enrolled, no admin registered.
	v1, pw1 := newVault(t)
	_, out, _ := run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	code, out, errs := run(t, "", "enroll", "--vault", v1, "--as", "kanri", "--password-file", pw1, lastLine(out))
	if code != ExitOK || strings.Contains(out, "管理者") {
		t.Fatalf("enroll with an ordinary code: %d %s %s", code, out, errs)
	}
	c1, err := syncclient.Load(v1)
	if err != nil {
		t.Fatal(err)
	}
	cl1 := syncclient.New(c1)
	defer cl1.Close()
	if _, err := cl1.Login(context.Background(), "kanri", "admin-password-1"); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("login after an ordinary code: %v", err)
	}

	// A first-admin code.
	code, out, errs = run(t, "", "server", "enroll", "--data", data, "--addr", addr, "--first-admin")
	if code != ExitOK || !strings.Contains(out, "最初の管理者") {
		t.Fatalf("server enroll --first-admin: %d %s %s", code, out, errs)
	}
	v2, pw2 := newVault(t)
	code, out, errs = run(t, "", "enroll", "--vault", v2, "--as", "kanri", "--password-file", pw2, lastLine(out))
	if code != ExitOK || !strings.Contains(out, "最初の管理者としてサーバーに登録しました") {
		t.Fatalf("enroll with a first-admin code: %d %s %s", code, out, errs)
	}
	c2, err := syncclient.Load(v2)
	if err != nil {
		t.Fatal(err)
	}
	cl2 := syncclient.New(c2)
	defer cl2.Close()
	se, err := cl2.Login(context.Background(), "kanri", "admin-password-1")
	if err != nil || !se.Admin {
		t.Fatalf("the first admin's login: %+v, %v", se, err)
	}

	// Once an admin exists, no more first-admin codes.
	if code, _, errs := run(t, "", "server", "enroll", "--data", data, "--addr", addr, "--first-admin"); code == ExitOK {
		t.Fatalf("a second first-admin code: %d %s", code, errs)
	}
}
