package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backedUp makes a vault and a backup of it; it returns the vault, the
// admin's password file and the backup.
func backedUp(t *testing.T) (dir, adminPw, out string) {
	t.Helper()
	dir, adminPw = newVault(t)
	out = filepath.Join(t.TempDir(), "office.mdgbak")
	code, stdout, e := run(t, "", "backup", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--out", out)
	if code != 0 || !strings.Contains(stdout, "バックアップを "+out+" に書きました") {
		t.Fatalf("backup: %d %q %q", code, stdout, e)
	}
	return dir, adminPw, out
}

func TestBackupRestoreCommands(t *testing.T) {
	dir, adminPw, out := backedUp(t)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	code, stdout, e := run(t, "", "restore", "--from", out, "--vault", dir, "--as", "kanri", "--password-file", adminPw)
	if code != 0 || !strings.Contains(stdout, "に復元しました") {
		t.Fatalf("restore: %d %q %q", code, stdout, e)
	}
	// The reception user's password (standard input) opens the restored vault.
	if code, _, e := run(t, "reception-pw-1\n", "audit", "verify", "--vault", dir, "--as", "uketsuke"); code != ExitForbidden {
		t.Fatalf("login of the reception user after restore: %d %q", code, e)
	}
	if code, stdout, e := run(t, "", "audit", "verify", "--vault", dir, "--as", "kanri", "--password-file", adminPw); code != 0 {
		t.Fatalf("audit verify after restore: %d %q %q", code, stdout, e)
	}
}

func TestBackupErrors(t *testing.T) {
	dir, adminPw := newVault(t)
	out := filepath.Join(t.TempDir(), "b.mdgbak")
	wrongPw := writePw(t, t.TempDir(), "wrong.pw", "wrong-password-9")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"no vault flag", "", []string{"--as", "kanri", "--out", out}, ExitUsage, "--vault"},
		{"no login", "", []string{"--vault", dir, "--out", out}, ExitUsage, "--as"},
		{"no out", "", []string{"--vault", dir, "--as", "kanri"}, ExitUsage, "--out"},
		{"stray argument", "", []string{"--vault", dir, "--as", "kanri", "--out", out, "x"}, ExitUsage, "オプションだけ"},
		{"no vault there", "", []string{"--vault", filepath.Join(t.TempDir(), "none"), "--as", "kanri", "--out", out}, ExitNoVault, "エラー:"},
		{"wrong password", "", []string{"--vault", dir, "--as", "kanri", "--password-file", wrongPw, "--out", out}, ExitWrongPass, "パスワードが違います"},
		{"not an admin", "reception-pw-1\n", []string{"--vault", dir, "--as", "uketsuke", "--out", out}, ExitForbidden, "エラー:"},
		{"folder missing", "", []string{"--vault", dir, "--as", "kanri", "--password-file", adminPw, "--out", filepath.Join(t.TempDir(), "no", "b")}, ExitError, "エラー:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := run(t, tc.stdin, append([]string{"backup"}, tc.args...)...)
			if code != tc.code || !strings.Contains(e, tc.msg) {
				t.Fatalf("got %d %q, want %d and %q", code, e, tc.code, tc.msg)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a failed backup left a file")
	}
}

func TestRestoreErrors(t *testing.T) {
	dir, adminPw, out := backedUp(t)
	tmp := t.TempDir()
	damaged := filepath.Join(tmp, "damaged.mdgbak")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-40] ^= 0x10
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(tmp, "cut.mdgbak")
	if err := os.WriteFile(cut, b[:len(b)-100], 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(tmp, "newer.mdgbak")
	nb, _ := os.ReadFile(out)
	nb[4] = 9
	if err := os.WriteFile(newer, nb, 0o600); err != nil {
		t.Fatal(err)
	}
	notBackup := writePw(t, tmp, "list.csv", "事業所名,電話番号")
	wrongPw := writePw(t, tmp, "wrong.pw", "wrong-password-9")
	fresh := func() string { return filepath.Join(t.TempDir(), "restored") }
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"no from", "", []string{"--vault", fresh(), "--as", "kanri"}, ExitUsage, "--from"},
		{"no vault flag", "", []string{"--from", out, "--as", "kanri"}, ExitUsage, "--vault"},
		{"no login", "", []string{"--from", out, "--vault", fresh()}, ExitUsage, "--as"},
		{"stray argument", "", []string{"--from", out, "--vault", fresh(), "--as", "kanri", "x"}, ExitUsage, "オプションだけ"},
		{"no such file", "", []string{"--from", filepath.Join(tmp, "none"), "--vault", fresh(), "--as", "kanri"}, ExitUsage, "読めません"},
		{"not a backup", "", []string{"--from", notBackup, "--vault", fresh(), "--as", "kanri"}, ExitInvalidInput, "バックアップファイルではありません"},
		{"newer format", "", []string{"--from", newer, "--vault", fresh(), "--as", "kanri"}, ExitNewer, "新しい版"},
		{"damaged", "", []string{"--from", damaged, "--vault", fresh(), "--as", "kanri", "--password-file", adminPw}, ExitDamaged, "壊れているか、書き換えられています"},
		{"cut off", "", []string{"--from", cut, "--vault", fresh(), "--as", "kanri", "--password-file", adminPw}, ExitDamaged, "何も復元していません"},
		{"wrong password", "", []string{"--from", out, "--vault", fresh(), "--as", "kanri", "--password-file", wrongPw}, ExitWrongPass, "パスワードが違います"},
		{"empty password", "\n", []string{"--from", out, "--vault", fresh(), "--as", "kanri"}, ExitUsage, "パスワードが空です"},
		{"not an admin", "reception-pw-1\n", []string{"--from", out, "--vault", fresh(), "--as", "uketsuke"}, ExitForbidden, "エラー:"},
		{"vault exists", "", []string{"--from", out, "--vault", dir, "--as", "kanri", "--password-file", adminPw}, ExitInvalidInput, "すでに窓口のデータがあります"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := run(t, tc.stdin, append([]string{"restore"}, tc.args...)...)
			if code != tc.code || !strings.Contains(e, tc.msg) {
				t.Fatalf("got %d %q, want %d and %q", code, e, tc.code, tc.msg)
			}
		})
	}
}
