package office

import (
	"bytes"
	"errors"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

func TestBlindValues(t *testing.T) {
	k, err := vault.NewOfficeKeys()
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{keys: k}
	b, _ := blindKeysFor(s, 1)
	key := b.entry("e", "相談", "0")
	for _, v := range [][]byte{nil, []byte("C-0123456789"), []byte("C-0123456789abc"), []byte("C-0123456789abcdef0123")} {
		sealed, err := b.seal(key, v)
		if err != nil {
			t.Fatal(err)
		}
		if want := 32 + 16*(len(v)/16); len(sealed) != want {
			t.Errorf("%q: %d bytes, want %d", v, len(sealed), want)
		}
		got, err := b.open(key, sealed)
		if err != nil || !bytes.Equal(got, v) {
			t.Errorf("%q: got %q %v", v, got, err)
		}
		if _, err := b.open(b.entry("e", "相談", "1"), sealed); !errors.Is(err, ErrTampered) {
			t.Errorf("moved to another entry: %v", err)
		}
		for i := range sealed {
			bad := bytes.Clone(sealed)
			bad[i] ^= 1
			if _, err := b.open(key, bad); !errors.Is(err, ErrTampered) {
				t.Fatalf("byte %d flipped: %v", i, err)
			}
		}
	}
	if _, err := b.seal(key, make([]byte, 32)); !errors.Is(err, errLongID) {
		t.Errorf("32-byte id: %v", err)
	}
}
