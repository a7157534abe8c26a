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
