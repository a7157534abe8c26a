package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

func FuzzParseCode(f *testing.F) {
	f.Add(Code{Addr: "madoguchi.example.jp:8443", Pin: [32]byte{1}, Token: [32]byte{2}}.String())
	f.Add(Code{Addr: "[::1]:8443", Pin: [32]byte{3}, Token: [32]byte{4}}.String())
	f.Add("MDG1...")
	f.Add("MDG1.AAAA.AAAA.AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if !errors.Is(err, ErrBadCode) {
				t.Fatalf("error without ErrBadCode: %v", err)
			}
			return
		}
		if c.String() != strings.TrimSpace(s) {
			t.Fatalf("%q decodes to %q", s, c.String())
		}
		if err := CheckAddr(c.Addr); err != nil {
			t.Fatal(err)
		}
		again, err := ParseCode(c.String())
		if err != nil || again != c {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func TestParseCode(t *testing.T) {
	c := Code{Addr: "127.0.0.1:8443", Pin: [32]byte{9}, Token: NewToken()}
	got, err := ParseCode("  " + c.String() + "\n")
	if err != nil || got != c {
		t.Fatalf("ParseCode = %+v, %v", got, err)
	}
	s := c.String()
	for _, bad := range []string{
		"", "MDG2" + s[4:], s + ".", s[:len(s)-1], s + "A", strings.Replace(s, ".", "..", 1),
		Code{Addr: "host", Pin: c.Pin, Token: c.Token}.String(),
		Code{Addr: "host:0", Pin: c.Pin, Token: c.Token}.String(),
		Code{Addr: "host:08443", Pin: c.Pin, Token: c.Token}.String(),
		Code{Addr: ":8443", Pin: c.Pin, Token: c.Token}.String(),
		Code{Addr: "a b:8443", Pin: c.Pin, Token: c.Token}.String(),
		Code{Addr: "user@host:8443", Pin: c.Pin, Token: c.Token}.String(),
		strings.Repeat("A", MaxCode+1),
	} {
		if _, err := ParseCode(bad); !errors.Is(err, ErrBadCode) {
			t.Errorf("ParseCode(%q) = %v, want ErrBadCode", bad, err)
		}
	}
}

func validEnrollRequest(t testing.TB) []byte {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(EnrollRequest{Token: make([]byte, 32), CSR: csr, Name: "受付PC"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzDecodeEnrollRequest(f *testing.F) {
	f.Add(validEnrollRequest(f))
	f.Add([]byte(`{"token":"","csr":"","name":""}`))
	f.Add([]byte(`{}{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, pub, err := DecodeEnrollRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(b) > MaxEnrollRequest || len(req.Token) != 32 || pub == nil {
			t.Fatalf("accepted %d bytes, token %d, key %T", len(b), len(req.Token), pub)
		}
	})
}

func TestDecodeEnrollRequest(t *testing.T) {
	good := validEnrollRequest(t)
	if _, _, err := DecodeEnrollRequest(bytes.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	big := append(bytes.Clone(good[:len(good)-1]), []byte(`,"x":"`+strings.Repeat("A", MaxEnrollRequest)+`"}`)...)
	for _, bad := range [][]byte{
		nil, []byte("{}"), append(bytes.Clone(good), good...), big,
		bytes.Replace(good, []byte(`"token":"`), []byte(`"token":"AAAA`), 1),
		bytes.Replace(good, []byte(`"name":"受付PC"`), []byte(`"name":"a\u0000b"`), 1),
		bytes.Replace(good, []byte(`"csr":"`), []byte(`"csr":"AAAA`), 1),
	} {
		if _, _, err := DecodeEnrollRequest(bytes.NewReader(bad)); err == nil {
			t.Errorf("accepted %.80q", bad)
		}
	}
}

func FuzzDecodeTokenRequest(f *testing.F) {
	f.Add([]byte(`{"hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","expires":"2026-12-01T00:00:00Z"}`))
	f.Add([]byte(`{"hash":"","expires":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeTokenRequest(b)
		if err != nil {
			return
		}
		if len(req.Hash) != 32 || req.Expires.IsZero() || len(b) > maxTokenFile {
			t.Fatalf("accepted %q", b)
		}
	})
}

func FuzzDecodeLoginSaltRequest(f *testing.F) {
	f.Add([]byte(`{"login":"tanaka"}`))
	f.Add([]byte(`{"login":"田中 太郎"}`))
	f.Add([]byte(`{"login":""}{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeLoginSaltRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(b) > MaxLoginRequest || central.CheckLogin(req.Login) != nil {
			t.Fatalf("accepted %q", b)
		}
	})
}

func FuzzDecodeLoginRequest(f *testing.F) {
	f.Add([]byte(`{"login":"tanaka","auth_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`))
	f.Add([]byte(`{"login":"tanaka","auth_key":"AAAA"}`))
	f.Add([]byte(`{"login":"tanaka","auth_key":null,"x":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeLoginRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(b) > MaxLoginRequest || central.CheckLogin(req.Login) != nil || len(req.AuthKey) != 32 {
			t.Fatalf("accepted %q", b)
		}
	})
}

func FuzzDecodeSetLoginRequest(f *testing.F) {
	f.Add([]byte(`{"login":"suzuki","salt":"AAAAAAAAAAAAAAAAAAAAAA==","kdf":{"time":3,"memory_kib":65536,"threads":4},"auth_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","admin":false}`))
	f.Add([]byte(`{"login":"suzuki","salt":"AAAA","kdf":{"time":0,"memory_kib":0,"threads":0},"auth_key":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeSetLoginRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(b) > MaxLoginRequest || central.CheckLogin(req.Login) != nil || len(req.AuthKey) != 32 ||
			len(req.Salt) != 16 || !req.KDF.Valid() {
			t.Fatalf("accepted %q", b)
		}
	})
}

func TestDecodeLoginRequests(t *testing.T) {
	key := `"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`
	if _, err := DecodeLoginRequest(strings.NewReader(`{"login":"tanaka","auth_key":` + key + `}`)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"", "{}", `{"login":"tanaka"}`, `{"login":"","auth_key":` + key + `}`,
		`{"login":"a b","auth_key":` + key + `}`, `{"login":"tanaka","auth_key":"AAAA"}`,
		`{"login":"tanaka","auth_key":` + key + `,"password":"x"}`,
		`{"login":"tanaka","auth_key":` + key + `}{}`,
		`{"login":"` + strings.Repeat("a", MaxLoginRequest) + `","auth_key":` + key + `}`,
	} {
		if _, err := DecodeLoginRequest(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %.80q", bad)
		}
	}
	if _, err := DecodeLoginSaltRequest(strings.NewReader(`{"login":"tanaka","x":1}`)); err == nil {
		t.Error("salt request with an unknown field accepted")
	}
	if _, err := DecodeSetLoginRequest(strings.NewReader(`{"login":"tanaka","salt":"AAAAAAAAAAAAAAAAAAAAAA==","kdf":{"time":99,"memory_kib":1024,"threads":1},"auth_key":` + key + `}`)); err == nil {
		t.Error("parameters out of range accepted")
	}
}

func TestVerifierRoundTrip(t *testing.T) {
	v := verifier{admin: true, kdf: vault.DefaultKDF, serverKDF: DefaultVerifierKDF}
	v.salt[0], v.ssalt[1], v.hash[31] = 1, 2, 3
	got, err := decodeVerifier(v.encode())
	if err != nil || got != v {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	b := v.encode()
	for _, bad := range [][]byte{nil, b[:len(b)-1], append(bytes.Clone(b), 0), append([]byte("MLV2"), b[4:]...)} {
		if _, err := decodeVerifier(bad); !errors.Is(err, central.ErrCorrupt) {
			t.Errorf("decodeVerifier(%x): %v", bad, err)
		}
	}
}

func FuzzDecodeRegisterRequest(f *testing.F) {
	sig := `"` + strings.Repeat("A", 86) + `=="`
	f.Add([]byte(`{"login":"suzuki","salt":"AAAAAAAAAAAAAAAAAAAAAA==","kdf":{"time":3,"memory_kib":65536,"threads":4},"auth_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","at":1790000000000,"sig":` + sig + `}`))
	f.Add([]byte(`{"login":"suzuki","salt":"AAAA","kdf":{"time":0,"memory_kib":0,"threads":0},"auth_key":"","at":0,"sig":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeRegisterRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(b) > MaxLoginRequest || central.CheckLogin(req.Login) != nil || len(req.AuthKey) != 32 ||
			len(req.Salt) != 16 || !req.KDF.Valid() || len(req.Sig) != 64 {
			t.Fatalf("accepted %q", b)
		}
	})
}
