package vault

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestDeriveLoginKeyVector(t *testing.T) {
	pw, salt := []byte("パスワード123"), []byte("0123456789abcdef")
	got := DeriveLoginKey(pw, salt, TestKDF())
	const want = "fb71c66bc732ac7225e83411e06b9130c30c2332707cc074b6d8db4876500c76"
	if hex.EncodeToString(got) != want {
		t.Fatalf("DeriveLoginKey = %x, want %s", got, want)
	}
	// The same from the primitives, by another HKDF implementation.
	m := argon2.IDKey(pw, salt, 1, 1024, 1, 32)
	ind, err := hkdf.Key(sha256.New, m, nil, "madoguchi login key v1", 32)
	if err != nil || !bytes.Equal(ind, got) {
		t.Fatalf("independent computation %x (%v)", ind, err)
	}
	// Not the vault's auth or KEK derivation of the same master.
	if bytes.Equal(got, DeriveAuthKey(m)) || bytes.Equal(got, DeriveKEK(m)) {
		t.Fatal("login key equals another key of the same master")
	}
	if bytes.Equal(got, DeriveLoginKey(pw, []byte("0123456789abcdeF"), TestKDF())) ||
		bytes.Equal(got, DeriveLoginKey([]byte("パスワード124"), salt, TestKDF())) {
		t.Fatal("login key independent of salt or password")
	}
	if !TestKDF().Valid() || (KDFParams{}).Valid() {
		t.Fatal("Valid")
	}
}
