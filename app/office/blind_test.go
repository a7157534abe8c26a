package office

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// TestBlindValues checks the office's use of vault.BlindIndex: entry keys
// under "blind/<version>/", values bound to their entry. The tokens and the
// sealing have known answers in app/vault (testdata/vectors.json).
func TestBlindValues(t *testing.T) {
	k, err := vault.NewOfficeKeys()
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{keys: k}
	b, ok := blindKeysFor(s, 1)
	if !ok {
		t.Fatal("no index keys for case key 1")
	}
	defer b.Close()
	if _, ok := blindKeysFor(s, 2); ok {
		t.Error("index keys for a case key not held")
	}
	key := b.entry("e", "相談", "0")
	if !strings.HasPrefix(key, "blind/1/") || len(key) != len("blind/1/")+22 {
		t.Errorf("entry key %q", key)
	}
	for _, v := range [][]byte{nil, []byte("C-0123456789"), []byte("C-0123456789abcdef0123")} {
		sealed, err := b.Seal(key, v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Open(key, sealed)
		if err != nil || !bytes.Equal(got, v) {
			t.Errorf("%q: got %q %v", v, got, err)
		}
		if _, err := b.Open(b.entry("e", "相談", "1"), sealed); !errors.Is(err, ErrTampered) {
			t.Errorf("moved to another entry: %v", err)
		}
	}
	if _, err := b.Seal(key, make([]byte, 32)); !errors.Is(err, vault.ErrBlindValueTooLong) {
		t.Errorf("32-byte id: %v", err)
	}
}
