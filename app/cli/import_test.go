package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeList writes a generated list of n dummy businesses (a title row,
// the header of Japanese field names, 555 numbers) plus extra lines.
func writeList(t *testing.T, dir string, n int, extra ...string) string {
	t.Helper()
	lines := []string{"事業者一覧（ダミー）", "事業所名,フリガナ,電話番号,郵便番号,登録日,社内コード"}
	for i := range n {
		lines = append(lines, fmt.Sprintf("取込商店%03d,トリコミショウテン,03-5556-%04d,160-0023,令和6年4月%d日,X%d", i, i, i%28+1, i))
	}
	p := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(p, []byte(strings.Join(append(lines, extra...), "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportDryRunThenYes: the rehearsal writes no record and prints the
// rejected rows; its report is a PDF; --yes imports the accepted rows.
func TestImportDryRunThenYes(t *testing.T) {
	dir, adminPw := newVault(t)
	tmp := filepath.Dir(dir)
	list := writeList(t, tmp, 5, "電話なし商店,デンワナシ,,,,")
	report, mapping := filepath.Join(tmp, "report.pdf"), filepath.Join(tmp, "map.json")
	base := []string{"import", "--vault", dir, "--as", "kanri", "--password-file", adminPw}
	code, out, e := run(t, "", append(base, "--dry-run", list, "--report", report, "--save-map", mapping)...)
	if code != 0 || !strings.Contains(out, "取り込める行 5 件、取り込めない行 1 件") || !strings.Contains(out, "8 行目: 電話番号を入力してください") ||
		!strings.Contains(out, "列「社内コード」→ （取り込まない）") || !strings.Contains(out, "報告書を") {
		t.Fatalf("dry run: %d %q %q", code, out, e)
	}
	if b, err := os.ReadFile(report); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("report: %v", err)
	}
	code, out, _ = run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "取込商店")
	if code != 0 || !strings.Contains(out, "0 件") {
		t.Fatalf("the rehearsal wrote: %q", out)
	}
	code, out, e = run(t, "", append(base, "--yes", list, "--map", mapping)...)
	if code != 0 || !strings.Contains(out, "事業者 5 件を取り込みました") {
		t.Fatalf("import: %d %q %q", code, out, e)
	}
	code, out, _ = run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "取込商店")
	if code != 0 || !strings.Contains(out, "5 件") {
		t.Fatalf("after import: %q", out)
	}
	// Again: every row is now a duplicate of a stored business.
	code, out, _ = run(t, "", append(base, "--yes", list)...)
	if code != 0 || !strings.Contains(out, "登録済みの事業者") || !strings.Contains(out, "何も書き込みませんでした") {
		t.Fatalf("second import: %d %q", code, out)
	}
}

// TestImportErrors: every error of the import command line, with its exit
// status and message.
func TestImportErrors(t *testing.T) {
	dir, adminPw := newVault(t)
	tmp := filepath.Dir(dir)
	list := writeList(t, tmp, 2)
	exists := filepath.Join(tmp, "exists.pdf")
	must(t, os.WriteFile(exists, []byte("x"), 0o600))
	badMap := filepath.Join(tmp, "bad.json")
	must(t, os.WriteFile(badMap, []byte(`{"format":"madoguchi-import-mapping","version":9,"kind":"business"}`), 0o600))
	noKana := filepath.Join(tmp, "nokana.json")
	must(t, os.WriteFile(noKana, []byte(`{"format":"madoguchi-import-mapping","version":1,"kind":"business","columns":{"事業所名":"name","電話番号":"phone"}}`), 0o600))
	pdfFile := filepath.Join(tmp, "list.pdf")
	must(t, os.WriteFile(pdfFile, []byte("%PDF"), 0o600))
	recPw := writePw(t, tmp, "rec.pw", "reception-pw-1")
	as := func(login, pw string, rest ...string) []string {
		return append([]string{"import", "--vault", dir, "--as", login, "--password-file", pw}, rest...)
	}
	admin := func(rest ...string) []string { return as("kanri", adminPw, rest...) }
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"neither", admin(list), ExitUsage, "--dry-run（仮移行、書き込まない）か --yes（取り込む）のどちらか一つ"},
		{"both", admin("--dry-run", "--yes", list), ExitUsage, "どちらか一つ"},
		{"no-file", admin("--dry-run"), ExitUsage, "取り込むファイル（.csv か .xlsx）を一つ"},
		{"two-files", admin("--dry-run", list, list), ExitUsage, "取り込むファイル"},
		{"report-with-yes", admin("--yes", list, "--report", filepath.Join(tmp, "r.pdf")), ExitUsage, "--report は --dry-run と"},
		{"report-exists", admin("--dry-run", list, "--report", exists), ExitInvalidInput, "ヒント: 上書きする場合は --force"},
		{"no-vault-flag", []string{"import", "--as", "kanri", "--dry-run", list}, ExitUsage, "--vault でフォルダ"},
		{"missing-file", admin("--dry-run", filepath.Join(tmp, "none.csv")), ExitInvalidInput, "none.csv を開けません"},
		{"not-a-list", admin("--dry-run", pdfFile), ExitInvalidInput, "取り込めるのは CSV（.csv）と Excel ブック（.xlsx）"},
		{"missing-map", admin("--dry-run", list, "--map", filepath.Join(tmp, "none.json")), ExitInvalidInput, "対応表のファイル"},
		{"bad-map", admin("--dry-run", list, "--map", badMap), ExitInvalidInput, "対応表の版 9 は読めません"},
		{"required-unmapped", admin("--dry-run", list, "--map", noKana), ExitInvalidInput, "必須の項目「フリガナ」"},
		{"wrong-password", as("kanri", recPw, "--dry-run", list), ExitWrongPass, "パスワード"},
		{"reception", as("uketsuke", recPw, "--dry-run", list), ExitForbidden, ""},
		{"reception-yes", as("uketsuke", recPw, "--yes", list), ExitForbidden, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := run(t, "", tc.args...)
			if code != tc.code || !strings.HasPrefix(e, "エラー: ") || !strings.Contains(e, tc.want) {
				t.Fatalf("%d %q", code, e)
			}
		})
	}
	code, out, _ := run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "取込商店")
	if code != 0 || !strings.Contains(out, "0 件") {
		t.Fatalf("an error wrote records: %q", out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
