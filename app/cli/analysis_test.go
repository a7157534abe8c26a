package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditAnalyse: a supervisor writes the month's analysis as a PDF;
// every mistake is refused with its own message and exit status, the
// month and the output folder before the password is even read.
func TestAuditAnalyse(t *testing.T) {
	dir, adminPw := newVault(t)
	tmp := t.TempDir()
	recPw := writePw(t, tmp, "rec.pw", "reception-pw-1")
	out := filepath.Join(tmp, "analysis.pdf")
	args := func(as, pw, month, out string, more ...string) []string {
		return append([]string{"audit", "analyse", "--vault", dir, "--as", as, "--password-file", pw, "--month", month, "--out", out}, more...)
	}
	code, stdout, e := run(t, "", args("kanri", adminPw, "2026-09", out)...)
	if code != ExitOK || !strings.Contains(stdout, out+" に出力しました") {
		t.Fatalf("analyse: %d %q %q", code, stdout, e)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("no PDF written: %v", err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad month", args("kanri", adminPw, "2026-13", filepath.Join(tmp, "a.pdf")), ExitUsage, "--month は 2026-09 の形で"},
		{"month in another form", args("kanri", adminPw, "2026/09", filepath.Join(tmp, "a.pdf")), ExitUsage, "--month は 2026-09 の形で"},
		{"no month", []string{"audit", "analyse", "--vault", dir, "--as", "kanri", "--out", filepath.Join(tmp, "a.pdf")}, ExitUsage, "--month で分析する月"},
		{"no out", []string{"audit", "analyse", "--vault", dir, "--as", "kanri", "--month", "2026-09"}, ExitUsage, "--out で出力するPDFファイル"},
		{"wrong role", args("uketsuke", recPw, "2026-09", filepath.Join(tmp, "b.pdf")), ExitForbidden, "エラー: "},
		{"no such vault", []string{"audit", "analyse", "--vault", filepath.Join(tmp, "nowhere"), "--as", "kanri", "--password-file", adminPw,
			"--month", "2026-09", "--out", filepath.Join(tmp, "c.pdf")}, ExitNoVault, "ヒント: 新しく作るには madoguchi init"},
		{"unwritable out", args("kanri", adminPw, "2026-09", filepath.Join(tmp, "missing", "d.pdf")), ExitUsage, "に書き込めません"},
		{"out exists", args("kanri", adminPw, "2026-09", out), ExitInvalidInput, "エラー: "},
		{"wrong password", args("kanri", recPw, "2026-09", filepath.Join(tmp, "e.pdf")), ExitWrongPass, "エラー: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(e, tc.want) {
				t.Fatalf("%d %q, want %d and %q", code, e, tc.code, tc.want)
			}
		})
	}
	// Neither the refused reception login nor the mistakes produced a file.
	for _, name := range []string{"a.pdf", "b.pdf", "c.pdf", "e.pdf"} {
		if _, err := os.Stat(filepath.Join(tmp, name)); err == nil {
			t.Errorf("%s written", name)
		}
	}
}
