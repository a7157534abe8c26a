package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/demo"
)

// demoVaults makes two demo offices: one that hands over, one that
// receives; with the demo password file and a passphrase file.
func demoVaults(t *testing.T) (from, to, pw, pass, tmp string) {
	t.Helper()
	tmp = t.TempDir()
	from, to = filepath.Join(tmp, "from"), filepath.Join(tmp, "to")
	for _, dir := range []string{from, to} {
		if code, _, e := run(t, "", "demo", "--vault", dir, "--businesses", "3", "--consultations", "6", "--quiet"); code != 0 {
			t.Fatalf("demo: %d %s", code, e)
		}
	}
	return from, to, writePw(t, tmp, "demo.pw", demo.Password), writePw(t, tmp, "pass.txt", "7KQ2M-ZX4RD-9PTWA-HN3EC-UYB5F"), tmp
}

// firstBusiness returns the id of a business of the vault with records.
func firstBusiness(t *testing.T, dir, pw string) string {
	t.Helper()
	code, out, e := run(t, "", "search", "--vault", dir, "--as", "kantoku", "--password-file", pw, "--json", "商")
	if code != 0 {
		t.Fatalf("search: %d %s", code, e)
	}
	var hits []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) == 0 {
		t.Fatalf("search output %q: %v", out, err)
	}
	return hits[0].ID
}

// TestExportImportHandover: the supervisor hands a business over with the
// notice; the other office's supervisor takes it in; the file holds no
// readable name; the notice holds the passphrase.
func TestExportImportHandover(t *testing.T) {
	from, to, pw, pass, tmp := demoVaults(t)
	biz := firstBusiness(t, from, pw)
	file, notice := filepath.Join(tmp, "handover.mdgh"), filepath.Join(tmp, "notice.pdf")
	code, out, e := run(t, "", "export", "--vault", from, "--as", "kantoku", "--password-file", pw, "--passphrase-file", pass,
		"--business", biz, "--recipient", "さくら区 産業振興課", "--method", "USBメモリで手渡し", "--out", file, "--notice", notice)
	if code != 0 || !strings.Contains(out, "暗号化して出力しました（事業者 1 件") || !strings.Contains(out, "パスワード通知書を") {
		t.Fatalf("export: %d %q %q", code, out, e)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode: %v %v", fi, err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", "-enc", "UTF-8", notice, "-").Output()
		if err != nil || !strings.Contains(string(txt), "7KQ2M-ZX4RD-9PTWA-HN3EC-UYB5F") {
			t.Fatalf("notice text: %v %q", err, txt)
		}
	}
	// The file holds approved records: a supervisor takes it in (see
	// TestHandoverErrors for the others).
	code, out, e = run(t, "", "import", "--vault", to, "--as", "kantoku", "--password-file", pw, "--from-export", file, "--passphrase-file", pass)
	if code != 0 || !strings.Contains(out, "件を取り込みました") {
		t.Fatalf("import: %d %q %q", code, out, e)
	}
	code, out, _ = run(t, "", "show", "--vault", to, "--as", "kantoku", "--password-file", pw, biz)
	if code != 0 || !strings.Contains(out, biz) {
		t.Fatalf("show the received business: %d %q", code, out)
	}
	code, out, _ = run(t, "", "import", "--vault", to, "--as", "kantoku", "--password-file", pw, "--from-export", file, "--passphrase-file", pass)
	if code != 0 || !strings.Contains(out, "0 件を取り込みました") || !strings.Contains(out, "すでにある") {
		t.Fatalf("second import: %d %q", code, out)
	}
}

// TestHandoverErrors: every refusal of export and import --from-export,
// with its exit status and message; none writes an output file.
func TestHandoverErrors(t *testing.T) {
	from, to, pw, pass, tmp := demoVaults(t)
	biz := firstBusiness(t, from, pw)
	good := filepath.Join(tmp, "good.mdgh")
	if code, _, e := run(t, "", "export", "--vault", from, "--as", "kantoku", "--password-file", pw, "--passphrase-file", pass,
		"--business", biz, "--recipient", "区", "--out", good); code != 0 {
		t.Fatalf("export: %d %s", code, e)
	}
	cut := filepath.Join(tmp, "cut.mdgh")
	b, _ := os.ReadFile(good)
	if err := os.WriteFile(cut, b[:len(b)-10], 0o600); err != nil {
		t.Fatal(err)
	}
	short := writePw(t, tmp, "short.txt", "short")
	wrong := writePw(t, tmp, "wrong.txt", "WRONG-WRONG-WRONG-WRONG")
	out := filepath.Join(tmp, "out.mdgh")
	exp := func(extra ...string) []string {
		return append([]string{"export", "--vault", from, "--password-file", pw, "--out", out}, extra...)
	}
	imp := func(as string, extra ...string) []string {
		return append([]string{"import", "--vault", to, "--as", as, "--password-file", pw}, extra...)
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no --out", []string{"export", "--vault", from, "--as", "kantoku", "--password-file", pw, "--passphrase-file", pass, "--business", biz, "--recipient", "区"}, ExitUsage, "--out"},
		{"no passphrase file", exp("--as", "kantoku", "--business", biz, "--recipient", "区"), ExitUsage, "--passphrase-file"},
		{"neither business nor ids", exp("--as", "kantoku", "--passphrase-file", pass, "--recipient", "区"), ExitUsage, "どちらか一方"},
		{"both business and ids", exp("--as", "kantoku", "--passphrase-file", pass, "--business", biz, "--ids", biz, "--recipient", "区"), ExitUsage, "どちらか一方"},
		{"unreadable passphrase file", exp("--as", "kantoku", "--passphrase-file", filepath.Join(tmp, "none"), "--business", biz, "--recipient", "区"), ExitUsage, "読めません"},
		{"no recipient", exp("--as", "kantoku", "--passphrase-file", pass, "--business", biz), ExitInvalidInput, "相手先"},
		{"short passphrase", exp("--as", "kantoku", "--passphrase-file", short, "--business", biz, "--recipient", "区"), ExitInvalidInput, "12文字以上"},
		{"reception may not export", exp("--as", "uketsuke", "--passphrase-file", pass, "--business", biz, "--recipient", "区"), ExitForbidden, "権限"},
		{"consultant may not export", exp("--as", "soudan", "--passphrase-file", pass, "--business", biz, "--recipient", "区"), ExitForbidden, "権限"},
		{"unknown business", exp("--as", "kantoku", "--passphrase-file", pass, "--business", "B-0000000000", "--recipient", "区"), ExitNotFound, "見つかりません"},
		{"output exists", []string{"export", "--vault", from, "--as", "kantoku", "--password-file", pw, "--passphrase-file", pass, "--business", biz, "--recipient", "区", "--out", good}, ExitInvalidInput, "すでにあります"},
		{"import with only a passphrase file", imp("soudan", "--passphrase-file", pass), ExitUsage, "--dry-run"},
		{"from-export with a list file", imp("soudan", "--from-export", good, "--passphrase-file", pass, "--yes", "list.csv"), ExitUsage, "一緒には使えません"},
		{"import missing file", imp("soudan", "--from-export", filepath.Join(tmp, "none"), "--passphrase-file", pass), ExitUsage, "開けません"},
		{"import without passphrase", imp("soudan", "--from-export", good), ExitUsage, "--passphrase-file"},
		{"import wrong passphrase", imp("soudan", "--from-export", good, "--passphrase-file", wrong), ExitWrongPass, "パスワードが違う"},
		{"import cut file", imp("soudan", "--from-export", cut, "--passphrase-file", pass), ExitDamaged, "途中で切れている"},
		{"consultant may not take approved records", imp("soudan", "--from-export", good, "--passphrase-file", pass), ExitForbidden, "権限"},
		{"reception may not take case content", imp("uketsuke", "--from-export", good, "--passphrase-file", pass), ExitForbidden, "権限"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, e := run(t, "", c.args...)
			if code != c.code || !strings.Contains(e, c.msg) {
				t.Fatalf("got %d %q, want %d and %q", code, e, c.code, c.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("a refused export wrote its file")
			}
		})
	}
}
