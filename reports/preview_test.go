package reports

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var previews = flag.Bool("previews", false, "render a PNG of the first page of each document into ../docs/reports")

// TestPreviews writes docs/reports/<doc>.png for people to look at. It runs
// only with -previews.
func TestPreviews(t *testing.T) {
	if !*previews {
		t.Skip("run with -previews to write the PNG previews")
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed")
	}
	dir := filepath.Join("..", "docs", "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range documents(t) {
		pdf := filepath.Join(t.TempDir(), tc.name+".pdf")
		if err := os.WriteFile(pdf, tc.render(t), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, tc.name)
		cmd := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: pdftoppm: %v: %s", tc.name, err, b)
		}
	}
}
