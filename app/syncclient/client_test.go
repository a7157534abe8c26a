package syncclient

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
)

func selfSigned(t *testing.T) (*x509.Certificate, ed25519.PrivateKey) {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "d-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func TestTLSConfigPin(t *testing.T) {
	cert, _ := selfSigned(t)
	other, _ := selfSigned(t)
	cfg := TLSConfig(server.SPKIPin(cert), nil)
	if cfg.MinVersion != tls.VersionTLS13 || cfg.MaxVersion != tls.VersionTLS13 {
		t.Errorf("versions %x–%x", cfg.MinVersion, cfg.MaxVersion)
	}
	if err := cfg.VerifyConnection(tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}); err != nil {
		t.Errorf("pinned certificate refused: %v", err)
	}
	for _, cs := range []tls.ConnectionState{{}, {PeerCertificates: []*x509.Certificate{other}}, {PeerCertificates: []*x509.Certificate{other, cert}}} {
		if err := cfg.VerifyConnection(cs); !errors.Is(err, ErrPinMismatch) {
			t.Errorf("%d certificates: %v", len(cs.PeerCertificates), err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("empty folder: %v", err)
	}
	cert, key := selfSigned(t)
	c := Creds{Addr: "127.0.0.1:8443", Pin: [32]byte{1}, Device: "d-test", Office: "o-test", Name: "窓口",
		Cert: tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}}
	if err := save(dir, c, key); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr != c.Addr || got.Pin != c.Pin || got.Device != c.Device || got.Office != c.Office || got.Name != c.Name || got.Fingerprint() != c.Fingerprint() {
		t.Errorf("Load = %+v", got)
	}
	for name, data := range map[string]string{
		infoFile: `{"addr":"127.0.0.1:8443","pin":"short"}`,
		certFile: "not a certificate",
	} {
		d := t.TempDir()
		if err := save(d, c, key); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, credsDir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(d); !errors.Is(err, ErrBadCreds) {
			t.Errorf("damaged %s: %v", name, err)
		}
	}
}
