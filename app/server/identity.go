// Package server is the central server's channel: its identity (a CA that
// issues the devices' client certificates and the server's own
// certificate, whose key the clients pin), the one-time enrollment code,
// and the HTTPS server (TLS 1.3 only, mutual TLS) in front of a
// central.Store. See docs/SECURITY.md, "The channel".
package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors of the server side.
var (
	// ErrNoIdentity: the data folder has no server identity (server init).
	ErrNoIdentity = errors.New("no server identity in the data folder")
	// ErrIdentityExists: server init on a folder that has one.
	ErrIdentityExists = errors.New("server identity exists")
	// ErrBadIdentity: identity files that this program cannot have written.
	ErrBadIdentity = errors.New("server identity damaged")
	// ErrBadName: an office name that is empty, too long or not UTF-8.
	ErrBadName = errors.New("bad office name")
)

// Files of the identity, under DATA/identity (folder 0700, files 0600).
const (
	identityDir = "identity"
	caKeyFile   = "ca-key.pem"
	caCertFile  = "ca.pem"
	keyFile     = "server-key.pem"
	certFile    = "server.pem"
	infoFile    = "server.json"
	// MaxOfficeName is the longest office name, in bytes.
	MaxOfficeName = 256
)

// Validity of the certificates the identity makes.
const (
	caValidity     = 30 * 365 * 24 * time.Hour
	serverValidity = 30 * 365 * 24 * time.Hour // the key is pinned, not the dates
	// DeviceValidity is how long a device's client certificate lasts.
	DeviceValidity = 365 * 24 * time.Hour
)

// Info is what server.json holds.
type Info struct {
	Name   string `json:"name"`   // the office's name, shown to clients
	Office string `json:"office"` // the office id in the central store
	Addr   string `json:"addr"`   // host:port that enrollment codes carry
}

// Identity is a loaded server identity.
type Identity struct {
	Info
	CA     *x509.Certificate
	caKey  ed25519.PrivateKey
	Cert   tls.Certificate // the server's certificate and key
	leaf   *x509.Certificate
	pinSum [32]byte
}

// Pin returns the SHA-256 of the server certificate's SubjectPublicKeyInfo.
func (id *Identity) Pin() [32]byte { return id.pinSum }

// PinText is Pin in base64url without padding, as printed and in codes.
func (id *Identity) PinText() string { return base64.RawURLEncoding.EncodeToString(id.pinSum[:]) }

// SPKIPin returns the pin of a certificate.
func SPKIPin(c *x509.Certificate) [32]byte { return sha256.Sum256(c.RawSubjectPublicKeyInfo) }

// CheckName checks an office name.
func CheckName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxOfficeName || !utf8.ValidString(name) {
		return fmt.Errorf("office name of %d bytes (1–%d of UTF-8): %w", len(name), MaxOfficeName, ErrBadName)
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("office name with a control character: %w", ErrBadName)
		}
	}
	return nil
}

// Init makes a new identity in dataDir: an Ed25519 CA, the server's Ed25519
// key and certificate signed by it, and server.json. addr is the host:port
// that enrollment codes will carry (CheckAddr).
func Init(dataDir, name, addr string, now time.Time) (*Identity, error) {
	name = strings.TrimSpace(name)
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := CheckAddr(addr); err != nil {
		return nil, err
	}
	dir := filepath.Join(dataDir, identityDir)
	if _, err := os.Stat(filepath.Join(dir, infoFile)); err == nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrIdentityExists)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	office, err := randomID("o-")
	if err != nil {
		return nil, err
	}
	_, caKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          mustSerial(),
		Subject:               pkix.Name{CommonName: "madoguchi office CA", Organization: []string{office}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: mustSerial(),
		Subject:      pkix.Name{CommonName: "madoguchi server", Organization: []string{office}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(serverValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, err
	}
	info, err := json.MarshalIndent(Info{Name: name, Office: office, Addr: addr}, "", "  ")
	if err != nil {
		return nil, err
	}
	caKeyDER, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	files := []struct {
		name string
		data []byte
	}{
		{caKeyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: caKeyDER})},
		{caCertFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})},
		{keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})},
		{certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})},
		{infoFile, append(info, '\n')}, // last: its presence means the identity is complete
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.name), f.data); err != nil {
			return nil, err
		}
	}
	return Load(dataDir)
}

// writeFile writes a new file with mode 0600 and syncs it.
func writeFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Load reads the identity of dataDir.
func Load(dataDir string) (*Identity, error) {
	dir := filepath.Join(dataDir, identityDir)
	raw, err := os.ReadFile(filepath.Join(dir, infoFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dataDir, ErrNoIdentity)
	}
	if err != nil {
		return nil, err
	}
	var id Identity
	if err := json.Unmarshal(raw, &id.Info); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", infoFile, err, ErrBadIdentity)
	}
	if CheckName(id.Name) != nil || CheckAddr(id.Addr) != nil || !strings.HasPrefix(id.Office, "o-") {
		return nil, fmt.Errorf("%s: bad fields: %w", infoFile, ErrBadIdentity)
	}
	if id.CA, err = readCert(filepath.Join(dir, caCertFile)); err != nil {
		return nil, err
	}
	if id.caKey, err = readKey(filepath.Join(dir, caKeyFile)); err != nil {
		return nil, err
	}
	if id.leaf, err = readCert(filepath.Join(dir, certFile)); err != nil {
		return nil, err
	}
	key, err := readKey(filepath.Join(dir, keyFile))
	if err != nil {
		return nil, err
	}
	if !key.Public().(ed25519.PublicKey).Equal(id.leaf.PublicKey) || !id.caKey.Public().(ed25519.PublicKey).Equal(id.CA.PublicKey) {
		return nil, fmt.Errorf("keys do not match their certificates: %w", ErrBadIdentity)
	}
	if err := id.leaf.CheckSignatureFrom(id.CA); err != nil {
		return nil, fmt.Errorf("server certificate not signed by the CA: %w", ErrBadIdentity)
	}
	id.Cert = tls.Certificate{Certificate: [][]byte{id.leaf.Raw}, PrivateKey: key, Leaf: id.leaf}
	id.pinSum = SPKIPin(id.leaf)
	return &id, nil
}

func readCert(path string) (*x509.Certificate, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrBadIdentity)
	}
	b, _ := pem.Decode(raw)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no certificate: %w", filepath.Base(path), ErrBadIdentity)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %w", filepath.Base(path), err, ErrBadIdentity)
	}
	return c, nil
}

func readKey(path string) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrBadIdentity)
	}
	b, _ := pem.Decode(raw)
	if b == nil || b.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: no key: %w", filepath.Base(path), ErrBadIdentity)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %w", filepath.Base(path), err, ErrBadIdentity)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key: %w", filepath.Base(path), ErrBadIdentity)
	}
	return ek, nil
}

func mustSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n.Add(n, big.NewInt(1))
}

func randomID(prefix string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return prefix + fmt.Sprintf("%x", b), nil
}

// IssueDevice signs a client certificate for a device: subject CN the
// device id, O the office, client auth only, valid from now for validity.
func (id *Identity) IssueDevice(pub any, device string, now time.Time, validity time.Duration) ([]byte, error) {
	tmpl := &x509.Certificate{
		SerialNumber: mustSerial(),
		Subject:      pkix.Name{CommonName: device, Organization: []string{id.Office}},
		NotBefore:    now.Add(-5 * time.Minute),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return x509.CreateCertificate(rand.Reader, tmpl, id.CA, pub, id.caKey)
}
