package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
)

// serverData makes a server data folder with an enrollment code in its
// store, and returns the folder and a passphrase file.
func serverData(t *testing.T) (data, pass string) {
	t.Helper()
	data = filepath.Join(t.TempDir(), "srv")
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区 経営相談窓口", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	if code, _, errs := run(t, "", "server", "enroll", "--data", data); code != ExitOK {
		t.Fatalf("server enroll: %d %s", code, errs)
	}
	return data, writePw(t, t.TempDir(), "pass", "server-backup-passphrase-1")
}

func TestServerBackupRestore(t *testing.T) {
	data, pass := serverData(t)
	out := filepath.Join(t.TempDir(), "server.mdgbak")
	code, stdout, errs := run(t, "", "server", "backup", "--data", data, "--out", out, "--passphrase-file", pass)
	if code != ExitOK || !strings.Contains(stdout, "バックアップを "+out) {
		t.Fatalf("server backup: %d %q %q", code, stdout, errs)
	}
	before := storeKeys(t, filepath.Join(data, storeDir))
	if err := os.RemoveAll(filepath.Join(data, storeDir)); err != nil {
		t.Fatal(err)
	}
	code, stdout, errs = run(t, "", "server", "restore", "--data", data, "--from", out, "--passphrase-file", pass)
	if code != ExitOK || !strings.Contains(stdout, "復元しました") {
		t.Fatalf("server restore: %d %q %q", code, stdout, errs)
	}
	if after := storeKeys(t, filepath.Join(data, storeDir)); after != before || before == 0 {
		t.Fatalf("restored store has %d entries, the backup %d", after, before)
	}
}

func storeKeys(t *testing.T, dir string) int {
	t.Helper()
	st, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	if err := st.Snapshot(context.Background(), func(k, v []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestServerBackupErrors(t *testing.T) {
	data, pass := serverData(t)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "s.mdgbak")
	short := writePw(t, tmp, "short", "short")
	wrong := writePw(t, tmp, "wrong", "another-passphrase-9")
	if code, _, errs := run(t, "", "server", "backup", "--data", data, "--out", out, "--passphrase-file", pass); code != ExitOK {
		t.Fatalf("server backup: %d %s", code, errs)
	}
	vaultBackup := filepath.Join(tmp, "vault.mdgbak")
	{
		dir, adminPw := newVault(t)
		if code, _, errs := run(t, "", "backup", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--out", vaultBackup); code != ExitOK {
			t.Fatalf("backup: %d %s", code, errs)
		}
	}
	// The store held by another opener, as by the running server.
	held, err := embedded.Open(filepath.Join(data, storeDir))
	if err != nil {
		t.Fatal(err)
	}
	heldArgs := []string{"backup", "--data", data, "--out", out, "--passphrase-file", pass}
	code, _, errs := run(t, "", append([]string{"server"}, heldArgs...)...)
	held.Close()
	if code != ExitInUse || !strings.Contains(errs, "サーバーを止めてから") {
		t.Fatalf("backup of a running server: %d %q", code, errs)
	}
	fresh := func() string { return filepath.Join(t.TempDir(), "new") }
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"backup without data", []string{"backup", "--out", out, "--passphrase-file", pass}, ExitUsage, "--data"},
		{"backup without out", []string{"backup", "--data", data, "--passphrase-file", pass}, ExitUsage, "--out"},
		{"short passphrase", []string{"backup", "--data", data, "--out", out, "--passphrase-file", short}, ExitUsage, "12文字以上"},
		{"restore without from", []string{"restore", "--data", fresh(), "--passphrase-file", pass}, ExitUsage, "--from"},
		{"restore over a store", []string{"restore", "--data", data, "--from", out, "--passphrase-file", pass}, ExitUsage, "すでにサーバーのデータがあります"},
		{"restore of no file", []string{"restore", "--data", fresh(), "--from", filepath.Join(tmp, "none"), "--passphrase-file", pass}, ExitUsage, "読めません"},
		{"restore of a vault backup", []string{"restore", "--data", fresh(), "--from", vaultBackup, "--passphrase-file", pass}, ExitInvalidInput, "バックアップファイルではありません"},
		{"wrong passphrase", []string{"restore", "--data", fresh(), "--from", out, "--passphrase-file", wrong}, ExitWrongPass, "エラー:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := run(t, "", append([]string{"server"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Fatalf("got %d %q, want %d and %q", code, errs, tc.code, tc.msg)
			}
		})
	}
	b, _ := os.ReadFile(out)
	b[len(b)-5] ^= 1
	damaged := filepath.Join(tmp, "damaged.mdgbak")
	os.WriteFile(damaged, b, 0o600)
	code, _, errs = run(t, "", "server", "restore", "--data", fresh(), "--from", damaged, "--passphrase-file", pass)
	if code != ExitDamaged || !strings.Contains(errs, "壊れているか") {
		t.Fatalf("damaged: %d %q", code, errs)
	}
}
