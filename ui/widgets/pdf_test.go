package widgets

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// A PDF saved from the window is readable by its owner only: another
// account on the PC must not read a printed sheet's personal data.
func TestSavedPDFIsOwnerOnly(t *testing.T) {
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "相談票 テスト.pdf")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := writePDF(w, []byte("%PDF-1.4 dummy")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved PDF mode %v, want 0600", fi.Mode().Perm())
	}
}
