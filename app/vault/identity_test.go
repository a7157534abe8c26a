package vault

import (
	"bytes"
	"errors"
	"testing"
)

func TestIdentity(t *testing.T) {
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if len(id.SignPublic()) != 32 || len(id.KEMPublic()) != 1216 {
		t.Fatalf("key lengths %d %d", len(id.SignPublic()), len(id.KEMPublic()))
	}
	msg := []byte("message")
	sig := id.Sign(msg)
	if !Verify(id.SignPublic(), msg, sig) || Verify(id.SignPublic(), []byte("other"), sig) ||
		Verify(id.SignPublic()[:31], msg, sig) || Verify(nil, msg, sig) {
		t.Error("Verify")
	}
	// The same seeds give the same keys.
	again, err := identityFromSeeds(bytes.Clone(id.signSeed), bytes.Clone(id.kemSeed))
	if err != nil || !bytes.Equal(again.SignPublic(), id.SignPublic()) || !bytes.Equal(again.KEMPublic(), id.KEMPublic()) {
		t.Fatalf("identityFromSeeds: %v", err)
	}
	for _, seeds := range [][2][]byte{{make([]byte, 31), make([]byte, 32)}, {make([]byte, 32), make([]byte, 33)}, {nil, nil}} {
		if _, err := identityFromSeeds(seeds[0], seeds[1]); !errors.Is(err, ErrMalformed) {
			t.Errorf("seeds %d/%d: %v", len(seeds[0]), len(seeds[1]), err)
		}
	}

	other, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	ct, err := wrapTo(id.KEMPublic(), "info", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := id.unwrap("info", ct); err != nil || string(pt) != "secret" {
		t.Fatalf("unwrap = %q, %v", pt, err)
	}
	if ct2, _ := wrapTo(id.KEMPublic(), "info", []byte("secret")); bytes.Equal(ct, ct2) {
		t.Error("wrap is not randomised")
	}
	flipped := bytes.Clone(ct)
	flipped[len(flipped)-1] ^= 1
	encFlipped := bytes.Clone(ct)
	encFlipped[100] ^= 1
	for name, f := range map[string]func() ([]byte, error){
		"other info":      func() ([]byte, error) { return id.unwrap("info2", ct) },
		"other recipient": func() ([]byte, error) { return other.unwrap("info", ct) },
		"flipped tag":     func() ([]byte, error) { return id.unwrap("info", flipped) },
		"flipped enc":     func() ([]byte, error) { return id.unwrap("info", encFlipped) },
		"truncated":       func() ([]byte, error) { return id.unwrap("info", ct[:1120]) },
		"empty":           func() ([]byte, error) { return id.unwrap("info", nil) },
	} {
		if pt, err := f(); !errors.Is(err, ErrTampered) || pt != nil {
			t.Errorf("%s: %q, %v", name, pt, err)
		}
	}
	if _, err := wrapTo(id.KEMPublic()[:100], "info", nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrap to a short key: %v", err)
	}

	seed := id.signSeed
	id.Zero()
	if !bytes.Equal(seed, make([]byte, 32)) || id.kem != nil {
		t.Error("Zero left the seed")
	}
	var none *Identity
	none.Zero()
}

// TestBoundFieldsDistinct checks that the length-prefixed messages keep
// their fields apart: moving a byte from one field to the next changes the
// bytes.
func TestBoundFieldsDistinct(t *testing.T) {
	p := TestKDF()
	salt := make([]byte, SaltSize)
	base := bundleAADv2("ab", "c", p, salt)
	for name, other := range map[string]string{
		"shifted":  bundleAADv2("a", "bc", p, salt),
		"login":    bundleAADv2("ab", "d", p, salt),
		"time":     bundleAADv2("ab", "c", KDFParams{2, p.MemoryKiB, p.Threads}, salt),
		"memory":   bundleAADv2("ab", "c", KDFParams{p.Time, 2048, p.Threads}, salt),
		"threads":  bundleAADv2("ab", "c", KDFParams{p.Time, p.MemoryKiB, 2}, salt),
		"salt":     bundleAADv2("ab", "c", p, append(make([]byte, SaltSize-1), 1)),
		"salt len": bundleAADv2("ab", "c", p, make([]byte, SaltSize+1)),
	} {
		if other == base {
			t.Errorf("%s: same AAD", name)
		}
	}
	k := fixedKeys(t, ClassCase, 1)
	up := Upgrade{Login: "ab", Class: ClassCase, KEMPub: []byte("c"), SignPub: []byte("d"), Bundle: SealedBlob{Nonce: []byte("e"), CT: []byte("f")}}
	shifted := up
	shifted.Login, shifted.KEMPub = "a", []byte("bc")
	if bytes.Equal(upgradeMAC(k, up, "o"), upgradeMAC(k, shifted, "o")) {
		t.Error("upgrade MAC fields shift")
	}
	if upgradeMAC(fixedKeys(t, ClassContact, 1), up, "o") != nil || legacyPinMAC(k, ClassContact, "o", nil) != nil {
		t.Error("MAC without the version-1 key")
	}
	if bytes.Equal(legacyPinMAC(k, ClassCase, "ab", []byte("c")), legacyPinMAC(k, ClassCase, "a", []byte("bc"))) {
		t.Error("legacy pin fields shift")
	}
}
