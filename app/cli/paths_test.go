package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestJapanesePathsWithSpaces runs init, demo, search and print sheet on
// folders and files whose names hold Japanese characters and spaces, as an
// office's PCs name them (the Windows build runs the same under wine in
// .ci/windows-check.sh).
func TestJapanesePathsWithSpaces(t *testing.T) {
	root := filepath.Join(t.TempDir(), "窓口 データ")
	vault := filepath.Join(root, "さくら 区")
	pw := writePw(t, t.TempDir(), "管理者 パスワード.txt", "japanese-path-pass-1")
	if code, _, errOut := run(t, "", "init", "--vault", vault, "--admin", "kanri", "--password-file", pw); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	demoDir := filepath.Join(root, "デモ 用")
	if code, _, errOut := run(t, "", "demo", "--vault", demoDir, "--businesses", "20", "--consultations", "40", "--quiet"); code != 0 {
		t.Fatalf("demo: %d %s", code, errOut)
	}
	demoPw := writePw(t, root, "デモ パスワード.txt", "madoguchi-demo")
	code, out, errOut := run(t, "", "search", "--vault", demoDir, "--as", "soudan", "--password-file", demoPw, "--case", "補助金", "--json")
	if code != 0 {
		t.Fatalf("search: %d %s", code, errOut)
	}
	var hits []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) == 0 {
		t.Fatalf("search hits %q: %v", out, err)
	}
	pdf := filepath.Join(root, "相談票 1.pdf")
	if code, _, errOut := run(t, "", "print", "sheet", "--vault", demoDir, "--as", "soudan", "--password-file", demoPw, "--id", hits[0].ID, "--out", pdf); code != 0 {
		t.Fatalf("print sheet: %d %s", code, errOut)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil || !strings.Contains(string(text), "相談票") || !strings.Contains(string(text), hits[0].ID) {
		t.Fatalf("the PDF at a Japanese path: %v", err)
	}
	if _, err := os.Stat(filepath.Join(vault, "keyring.json")); err != nil {
		t.Fatal(err)
	}
}
