package syncclient

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// TestSavedSalts: a login's salt is kept per login in the device folder of
// an enrolled PC only, read back, replaced, and gone with Forget; the
// join mark likewise.
func TestSavedSalts(t *testing.T) {
	dir := t.TempDir()
	a := SavedSalt{Salt: []byte("0123456789abcdef"), KDF: vault.TestKDF()}
	b := SavedSalt{Salt: []byte("fedcba9876543210"), KDF: vault.DefaultKDF}
	if err := SaveSalt(dir, "kanri", a); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("save without enrollment: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, credsDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(dir, credsDir, infoFile), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		login string
		s     SavedSalt
	}{{"kanri", a}, {"soudan", b}, {"kanri", b}} {
		if err := SaveSalt(dir, tc.login, tc.s); err != nil {
			t.Fatal(err)
		}
		got, ok := LoadSalt(dir, tc.login)
		if !ok || string(got.Salt) != string(tc.s.Salt) || got.KDF != tc.s.KDF {
			t.Fatalf("%s: %+v %v", tc.login, got, ok)
		}
	}
	if _, ok := LoadSalt(dir, "uketsuke"); ok {
		t.Fatal("a salt for a login never saved")
	}
	if fi, err := os.Stat(filepath.Join(dir, credsDir, saltsFile)); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("salts file: %v %v", fi, err)
	}
	if Joined(dir) {
		t.Fatal("joined before the mark")
	}
	if err := MarkJoined(dir); err != nil || !Joined(dir) {
		t.Fatalf("mark: %v", err)
	}
	if err := ClearJoined(dir); err != nil || Joined(dir) {
		t.Fatalf("clear: %v", err)
	}
	if err := ClearJoined(dir); err != nil {
		t.Fatalf("clear twice: %v", err)
	}
	if err := Forget(dir); err != nil {
		t.Fatal(err)
	}
	if _, ok := LoadSalt(dir, "kanri"); ok {
		t.Fatal("salt kept after Forget")
	}
}
