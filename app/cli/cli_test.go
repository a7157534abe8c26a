package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// run calls Run with stdin and returns the exit status, stdout and stderr.
// The support log goes to a folder of the test, never the user's.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runLog(t, filepath.Join(t.TempDir(), "madoguchi.log"), stdin, args...)
}

// runLog is run with the support log at logPath.
func runLog(t *testing.T, logPath, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, KDF: vault.TestKDF(), LogPath: logPath})
	return code, out.String(), errb.String()
}

func writePw(t *testing.T, dir, name, pw string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// newVault makes a vault with an admin and a reception user.
func newVault(t *testing.T) (dir, adminPw string) {
	t.Helper()
	tmp := t.TempDir()
	dir = filepath.Join(tmp, "office")
	adminPw = writePw(t, tmp, "admin.pw", "admin-password-1")
	if code, _, e := run(t, "", "init", "--vault", dir, "--admin", "kanri", "--name", "管理 花子", "--password-file", adminPw); code != 0 {
		t.Fatalf("init: %d %s", code, e)
	}
	// Passwords from standard input: the admin's first, the new user's second.
	code, out, e := run(t, "admin-password-1\nreception-pw-1\n", "user", "add", "--vault", dir, "--as", "kanri",
		"--login", "uketsuke", "--name", "受付 一郎", "--role", "reception")
	if code != 0 || !strings.Contains(out, "登録しました") {
		t.Fatalf("user add: %d %q %q", code, out, e)
	}
	return dir, adminPw
}

func TestInitUserSearchShow(t *testing.T) {
	dir, adminPw := newVault(t)
	tmp := filepath.Dir(dir)
	code, _, e := run(t, "", "demo", "--vault", dir, "--as", "kanri", "--password-file", adminPw,
		"--businesses", "30", "--consultations", "40", "--quiet")
	if code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	recPw := writePw(t, tmp, "rec.pw", "reception-pw-1")
	code, out, e := run(t, "", "search", "--vault", dir, "--as", "uketsuke", "--password-file", recPw, "--json", "03-555")
	if code != 0 {
		t.Fatalf("search: %d %s", code, e)
	}
	var hits []office.Hit
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) != 30 {
		t.Fatalf("search json: %d hits, %v\n%s", len(hits), err, out)
	}
	// The query may also come before the flags.
	code, out, _ = run(t, "", "search", hits[0].Title, "--vault", dir, "--as", "uketsuke", "--password-file", recPw)
	if code != 0 || !strings.Contains(out, hits[0].ID) {
		t.Fatalf("search by name: %d %q", code, out)
	}
	code, out, e = run(t, "", "show", "--vault", dir, "--as", "uketsuke", "--password-file", recPw, "--json", hits[0].ID)
	if code != 0 {
		t.Fatalf("show: %d %s", code, e)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec["name"] != hits[0].Title {
		t.Fatalf("show json: %v %v", err, rec)
	}
	if _, ok := rec["case"]; ok {
		t.Fatal("reception saw the representative's date of birth")
	}
	code, out, _ = run(t, "", "show", "--vault", dir, "--as", "kanri", "--password-file", adminPw, hits[0].ID)
	if code != 0 || !strings.Contains(out, "代表者生年月日") || !strings.Contains(out, "事業所") && !strings.Contains(out, "名称") {
		t.Fatalf("show as admin/supervisor: %d %q", code, out)
	}
	code, out, _ = run(t, "", "audit", "verify", "--vault", dir, "--as", "kanri", "--password-file", adminPw)
	if code != 0 || !strings.Contains(out, "正常") {
		t.Fatalf("audit verify: %d %q", code, out)
	}
	code, out, _ = run(t, "", "audit", "log", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--action", "search")
	if code != 0 || strings.Count(out, "\tsearch\t") != 2 {
		t.Fatalf("audit log: %d %q", code, out)
	}
}

func TestErrorsHaveTheirOwnMessageAndStatus(t *testing.T) {
	dir, adminPw := newVault(t)
	tmp := filepath.Dir(dir)
	wrong := writePw(t, tmp, "wrong.pw", "not-the-password")
	damaged := filepath.Join(tmp, "damaged")
	if err := os.MkdirAll(damaged, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, office.KeyringFile), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A copy of the vault whose store files are garbled.
	garbled := filepath.Join(tmp, "garbled")
	if err := os.CopyFS(garbled, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	sst, _ := filepath.Glob(filepath.Join(garbled, office.StoreDir, "*.sst"))
	for _, f := range append(sst, filepath.Join(garbled, office.StoreDir, "MANIFEST")) {
		b, _ := os.ReadFile(f)
		for i := len(b) / 3; i < len(b)/3+16 && i < len(b); i++ {
			b[i] ^= 0x5a
		}
		_ = os.WriteFile(f, b, 0o600)
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"damaged store names its folder", []string{"search", "--vault", garbled, "--as", "kanri", "--password-file", adminPw, "x"}, ExitDamaged, filepath.Join(garbled, office.StoreDir)},
		{"wrong password", []string{"search", "--vault", dir, "--as", "kanri", "--password-file", wrong, "x"}, ExitWrongPass, "パスワードが違います"},
		{"missing vault", []string{"search", "--vault", filepath.Join(tmp, "nowhere"), "--as", "kanri", "--password-file", adminPw, "x"}, ExitNoVault, "窓口のデータがありません"},
		{"damaged keyring", []string{"search", "--vault", damaged, "--as", "kanri", "--password-file", adminPw, "x"}, ExitDamaged, "壊れている"},
		{"reception may not manage users", []string{"user", "list", "--vault", dir, "--as", "uketsuke", "--password-file", writePw(t, tmp, "r.pw", "reception-pw-1")}, ExitForbidden, "権限がありません"},
		{"unknown command", []string{"frobnicate"}, ExitUsage, "コマンドはありません"},
		{"missing flag", []string{"search", "x"}, ExitUsage, "--vault"},
		{"empty password on stdin", []string{"search", "--vault", dir, "--as", "kanri", "x"}, ExitUsage, "パスワードが空です"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(e, tc.msg) {
				t.Fatalf("got %d %q, want %d with %q", code, e, tc.code, tc.msg)
			}
			// One error line, then only hints.
			lines := strings.Split(strings.TrimSpace(e), "\n")
			if !strings.HasPrefix(lines[0], "エラー: ") {
				t.Fatalf("first line %q", lines[0])
			}
			for _, l := range lines[1:] {
				if !strings.HasPrefix(l, "ヒント: ") {
					t.Fatalf("more than one error line: %q", e)
				}
			}
		})
	}
	// Five wrong tries lock the account, even for the right password after.
	for i := 0; i < 5; i++ {
		run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", wrong, "x")
	}
	code, _, e := run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "x")
	if code != ExitLocked || !strings.Contains(e, "使えません") {
		t.Fatalf("locked: %d %q", code, e)
	}
}

func TestVaultInUseMessage(t *testing.T) {
	dir, adminPw := newVault(t)
	o, err := office.Open(dir, office.Options{KDF: vault.TestKDF()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Login(context.Background(), "kanri", []byte("admin-password-1")); err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	code, _, e := run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "x")
	if code != ExitInUse || !strings.Contains(e, "別の窓口プログラムで開かれています") {
		t.Fatalf("in use: %d %q", code, e)
	}
}

func TestPrintRefusesToOverwrite(t *testing.T) {
	dir, adminPw := newVault(t)
	out := filepath.Join(filepath.Dir(dir), "ledger.pdf")
	args := []string{"print", "ledger", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--out", out}
	if code, _, e := run(t, "", args...); code != 0 {
		t.Fatalf("print: %d %s", code, e)
	}
	first, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(first, []byte("%PDF")) {
		t.Fatalf("not a PDF: %v", err)
	}
	if code, _, e := run(t, "", args...); code != ExitInvalidInput || !strings.Contains(e, "--force") {
		t.Fatalf("overwrite without --force: %d %q", code, e)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, first) {
		t.Fatal("the existing file changed")
	}
	if code, _, e := run(t, "", append(args, "--force")...); code != 0 {
		t.Fatalf("--force: %d %s", code, e)
	}
}

// An admin changes roles without the person's password; the promoted
// reception user then reads case content, and a demotion takes it away.
func TestUserRolesWithoutPassword(t *testing.T) {
	dir, adminPw := newVault(t)
	recPw := writePw(t, filepath.Dir(dir), "rec.pw", "reception-pw-1")
	for _, tc := range []struct {
		role string
		code int
	}{{"consultant", ExitOK}, {"reception", ExitForbidden}} {
		code, out, e := run(t, "", "user", "roles", "--vault", dir, "--as", "kanri", "--password-file", adminPw,
			"--login", "uketsuke", "--role", tc.role)
		if code != 0 || !strings.Contains(out, "役割") {
			t.Fatalf("user roles %s: %d %q %q", tc.role, code, out, e)
		}
		code, _, e = run(t, "", "search", "--vault", dir, "--as", "uketsuke", "--password-file", recPw, "--case", "補助金")
		if code != tc.code {
			t.Fatalf("case search as %s: %d %q", tc.role, code, e)
		}
	}
}
