package cli

import (
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
