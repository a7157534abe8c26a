package cli

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
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
