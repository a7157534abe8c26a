package cli

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestUnexpectedErrorGoesToSupportLog: an error the message cannot explain
// is written in full to the support log (0600), the hint names the file,
// and --verbose prints the error as well.
func TestUnexpectedErrorGoesToSupportLog(t *testing.T) {
	dir, adminPw := newVault(t)
	logPath := filepath.Join(t.TempDir(), "madoguchi", "madoguchi.log")
	out := filepath.Join(t.TempDir(), "missing", "ledger.pdf") // a folder that does not exist
	args := []string{"print", "ledger", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--out", out}
	code, _, e := runLog(t, logPath, "", args...)
	if code != ExitError || !strings.Contains(e, "エラー: 処理できませんでした") || !strings.Contains(e, "ヒント: 詳しい内容を "+logPath) {
		t.Fatalf("%d %q", code, e)
	}
	if strings.Contains(e, "詳細:") || strings.Contains(e, "no such file") {
		t.Fatalf("the full error without --verbose: %q", e)
	}
	code, _, e = runLog(t, logPath, "", append(args, "--verbose")...)
	if code != ExitError || !strings.Contains(e, "詳細: write "+out) {
		t.Fatalf("--verbose: %d %q", code, e)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("log:\n%s", b)
	}
	for _, l := range lines {
		for _, want := range []string{"\tversion=", "\top=print ledger\t", "\terror=write " + out, "no such file or directory", "\tchain=", "*fs.PathError"} {
			if !strings.Contains(l, want) {
				t.Errorf("entry %q lacks %q", l, want)
			}
		}
		if strings.Contains(l, "管理 花子") || strings.Contains(l, adminPw) {
			t.Errorf("entry holds the person's name or a file given: %q", l)
		}
	}
	if fi, err := os.Stat(logPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v %v", fi.Mode(), err)
	}
}

// TestHints: the command line adds what helps there (a command, an
// option) to the office's message, which the window shows without them.
func TestHints(t *testing.T) {
	tmp := t.TempDir()
	code, _, e := run(t, "pw\n", "search", "--vault", filepath.Join(tmp, "nowhere"), "--as", "kanri", "x")
	if code != ExitNoVault || !strings.Contains(e, "\nヒント: 新しく作るには madoguchi init") {
		t.Fatalf("no vault: %d %q", code, e)
	}
	code, _, e = run(t, "", "init", "--vault", filepath.Join(tmp, "v"), "--admin", "Bad Login!")
	if code != ExitInvalidInput || !strings.Contains(e, "ログインIDは半角英小文字") {
		t.Fatalf("bad login: %d %q", code, e)
	}
}

// TestVerboseAnywhere: --verbose may stand anywhere before "--".
func TestVerboseAnywhere(t *testing.T) {
	for _, tc := range []struct {
		in      []string
		out     string
		verbose bool
	}{
		{[]string{"--verbose", "search", "x"}, "search x", true},
		{[]string{"search", "x", "-verbose"}, "search x", true},
		{[]string{"search", "--", "--verbose"}, "search -- --verbose", false},
		{[]string{"search", "x"}, "search x", false},
	} {
		got, v := cutVerbose(tc.in)
		if strings.Join(got, " ") != tc.out || v != tc.verbose {
			t.Errorf("cutVerbose(%q) = %q, %v", tc.in, got, v)
		}
	}
}

// TestNoStoreImport: the command line knows the office's errors only; it
// does not reach into the store to recognise one.
func TestNoStoreImport(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasSuffix(p, "/storage/local") {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}

// TestSearchOutput: JSON results use the lower-case names JSON tools expect,
// no result is [] (not null), and a query of legal-form words alone is
// refused with a message that says they are ignored.
func TestSearchOutput(t *testing.T) {
	dir, adminPw := newVault(t)
	rec := writePw(t, filepath.Dir(dir), "rec.pw", "reception-pw-1")
	if code, _, e := run(t, "", "demo", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--businesses", "3", "--consultations", "0", "--quiet"); code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	search := func(args ...string) (int, string, string) {
		return run(t, "", append([]string{"search", "--vault", dir, "--as", "uketsuke", "--password-file", rec, "--json"}, args...)...)
	}
	code, out, e := search("03-555")
	var hits []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &hits) != nil || len(hits) == 0 {
		t.Fatalf("search: %d %q %q", code, out, e)
	}
	for _, k := range []string{"id", "kind", "title", "detail"} {
		if _, ok := hits[0][k]; !ok {
			t.Errorf("hit without %q: %v", k, hits[0])
		}
	}
	if code, out, e := search("存在しない名前"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("no hits: %d %q %q", code, out, e)
	}
	code, out, e = search("株式会社")
	if code != ExitInvalidInput || out != "" || !strings.Contains(e, "無視されます") {
		t.Fatalf("株式会社 alone: %d %q %q", code, out, e)
	}
	code, out, _ = run(t, "", "search", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--case", "--json", "存在しない相談")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("case search, no hits: %d %q", code, out)
	}
}

// TestShowNamesInSheetOrder: show writes a consultation in the order of its
// 相談票, with the names of the business, consultant and venue beside their
// ids; its JSON keeps that order, lower-case keys and the ids, and adds the
// names.
func TestShowNamesInSheetOrder(t *testing.T) {
	dir, adminPw := newVault(t)
	if code, _, e := run(t, "", "demo", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--businesses", "5", "--consultations", "10", "--quiet"); code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	as := []string{"--vault", dir, "--as", "kanri", "--password-file", adminPw}
	code, out, e := run(t, "", append([]string{"search", "--case", "--json", "説明"}, as...)...)
	var hits []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &hits) != nil || len(hits) == 0 {
		t.Fatalf("case search: %d %q %q", code, out, e)
	}
	id := hits[0]["id"].(string)
	code, out, e = run(t, "", append([]string{"show", id}, as...)...)
	if code != 0 {
		t.Fatalf("show: %d %s", code, e)
	}
	last := -1
	for _, label := range []string{"番号:", "日付:", "相談員:", "開始:", "終了:", "会場:", "相談形態:", "事業者:", "相談者区分:",
		"相談内容（要注意情報）:", "  相談の概要:", "状態:", "版:", "作成日時:"} {
		i := -1
		if loc := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label)).FindStringIndex(out); loc != nil {
			i = loc[0]
		}
		if i <= last && !(i == 0 && last == -1) {
			t.Fatalf("%s not in 相談票 order (at %d after %d):\n%s", label, i, last, out)
		}
		last = i
	}
	bare := regexp.MustCompile(`(^|[^（])\b[BPVG]-[0-9A-Z]{10}`)
	for _, l := range strings.Split(out, "\n") {
		if bare.MatchString(l) {
			t.Errorf("an id without its name: %q", l)
		}
	}
	code, out, e = run(t, "", append([]string{"show", "--json", id}, as...)...)
	var m map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("show --json: %d %q %q", code, out, e)
	}
	for _, k := range []string{"business_name", "consultant_name", "venue_name"} {
		if n, _ := m[k].(string); n == "" || regexp.MustCompile(`^[A-Z]-[0-9A-Z]{10}$`).MatchString(n) {
			t.Errorf("%s = %v", k, m[k])
		}
	}
	if m["business_id"] == nil || m["id"] != id {
		t.Errorf("ids kept: %v", m)
	}
	keys := regexp.MustCompile(`(?m)^  "([a-z_]+)":`).FindAllStringSubmatch(out, -1)
	var order []string
	for _, k := range keys {
		order = append(order, k[1])
	}
	if len(order) < 10 || order[0] != "id" || order[1] != "date" || order[2] != "consultant_id" || order[3] != "consultant_name" ||
		slices.Index(order, "case") > slices.Index(order, "status") || slices.Index(order, "rev") < slices.Index(order, "status") {
		t.Errorf("JSON order %v", order)
	}
}

// TestBadDateSaidOnce: a date that does not exist is "日付が正しくありません",
// not "日付の日付が…".
func TestBadDateSaidOnce(t *testing.T) {
	dir, adminPw := newVault(t)
	out := filepath.Join(t.TempDir(), "schedule.pdf")
	code, _, e := run(t, "", "print", "schedule", "--date", "2026-13-45", "--vault", dir, "--as", "kanri", "--password-file", adminPw, "--out", out)
	if code != ExitInvalidInput || !strings.HasPrefix(e, "エラー: 日付が正しくありません") || strings.Contains(e, "日付の日付") {
		t.Fatalf("%d %q", code, e)
	}
}
