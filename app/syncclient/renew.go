package syncclient

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
)

// Files of a renewal in progress, next to the credentials. A renewal
// writes the new key to keyNew before it asks the server (a renewal
// whose answer is lost asks again with the same key, and the server
// answers with the certificate it issued for it), then the new
// certificate to certTmp, then renames certTmp to certNew: from that
// rename on (the commit point) the new pair is complete on disk and
// FinishRenewal puts it in place, by renaming keyNew to key.pem and
// certNew to cert.pem.
const (
	keyNew  = keyFile + ".new"
	certNew = certFile + ".new"
	certTmp = certFile + ".tmp"
)

// RenewIfDue renews the device's client certificate when it expires
// within server.RenewWithin of now: it makes a new Ed25519 key, has the
// server certify it (POST /v1/renew, authenticated with the current
// certificate), saves the new key and certificate in dir/device, and
// switches c to them: its next request uses the new certificate (the
// server refuses the old one from the renewal on). It returns false, and
// does nothing, when the certificate is not due.
//
// Before that it completes a renewal of dir that a crash interrupted
// (FinishRenewal), and takes up a newer pair that another process saved in
// dir; either also returns true.
//
// The save is crash-safe: the new files are written under temporary names
// and synced, then renamed; after a crash dir holds the old pair or, once
// FinishRenewal ran, the new one, never a mix. The new key is saved before
// the server is asked: when the answer is lost (or the new certificate
// could not be saved), the next RenewIfDue asks again with that key and
// the old certificate, which the server takes for that alone, and gets
// the certificate issued for the key.
//
// RenewIfDue must not run concurrently with other calls of c (run it
// before or after a sync); dir is the folder c's credentials were loaded
// from.
func (c *Client) RenewIfDue(ctx context.Context, dir string, now time.Time) (bool, error) {
	d := filepath.Join(dir, credsDir)
	leaf, err := leafOf(c.creds.Cert)
	if err != nil {
		return false, err
	}
	changed := false
	if err := FinishRenewal(dir); err != nil {
		return false, err
	}
	if disk, dleaf, err := loadPair(d); err == nil && dleaf.Subject.CommonName == c.creds.Device &&
		!bytes.Equal(disk.Certificate[0], c.creds.Cert.Certificate[0]) && dleaf.NotAfter.After(leaf.NotAfter) {
		// Renewed by another process, or by a renewal that FinishRenewal
		// completed: the server has that one.
		c.useCert(disk)
		leaf, changed = dleaf, true
	}
	if leaf.NotAfter.Sub(now) > server.RenewWithin {
		return changed, nil
	}

	key, err := pendingKey(d)
	if err != nil {
		return changed, err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "madoguchi device"}}, key)
	if err != nil {
		return changed, err
	}
	body, err := json.Marshal(server.RenewRequest{CSR: csr})
	if err != nil {
		return changed, err
	}
	var ans server.RenewResponse
	if err := call(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathRenew, body, &ans); err != nil {
		return changed, fmt.Errorf("renew the device certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(ans.Cert)
	if err != nil {
		return changed, fmt.Errorf("renewed certificate from the server: %v: %w", err, ErrRefused)
	}
	if pub, ok := cert.PublicKey.(ed25519.PublicKey); !ok || !pub.Equal(key.Public()) || cert.Subject.CommonName != c.creds.Device {
		return changed, fmt.Errorf("renewed certificate from the server is not for this key and device: %w", ErrRefused)
	}
	c.useCert(tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert})
	if err := saveRenewed(d, cert.Raw); err != nil {
		return true, fmt.Errorf("renewed device certificate not saved (in use until the program ends; then the device must be enrolled again): %w", err)
	}
	return true, nil
}

// useCert switches c to cert: the transport's TLS configuration is replaced
// by a copy with cert, so new connections present it, and the idle
// connections, which presented the old one, are closed.
func (c *Client) useCert(cert tls.Certificate) {
	c.creds.Cert = cert
	tr, ok := c.hc.Transport.(*http.Transport)
	if !ok {
		return
	}
	cfg := tr.TLSClientConfig.Clone()
	cfg.Certificates = []tls.Certificate{cert}
	tr.TLSClientConfig = cfg
	tr.CloseIdleConnections()
}

// leafOf returns the parsed leaf of cert.
func leafOf(cert tls.Certificate) (*x509.Certificate, error) {
	if cert.Leaf != nil {
		return cert.Leaf, nil
	}
	if len(cert.Certificate) == 0 {
		return nil, fmt.Errorf("no client certificate: %w", ErrNotEnrolled)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("client certificate: %v: %w", err, ErrBadCreds)
	}
	return leaf, nil
}

// loadPair reads the key and certificate of d as Load does.
func loadPair(d string) (tls.Certificate, *x509.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(d, certFile), filepath.Join(d, keyFile))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := leafOf(cert)
	return cert, leaf, err
}

// pendingKey returns the key of a renewal asked before whose answer did
// not arrive (keyNew), or makes a new one and saves it there, durably,
// before the server certifies it.
func pendingKey(d string) (ed25519.PrivateKey, error) {
	path := filepath.Join(d, keyNew)
	if raw, err := os.ReadFile(path); err == nil {
		if b, _ := pem.Decode(raw); b != nil && b.Type == "PRIVATE KEY" {
			if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
				if key, ok := k.(ed25519.PrivateKey); ok {
					return key, nil
				}
			}
		}
		// Unreadable (a crash while it was written): a new one.
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := writeFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})); err != nil {
		return nil, err
	}
	if err := syncDir(d); err != nil {
		return nil, err
	}
	return key, nil
}

// saveRenewed writes the new certificate under a temporary name (its key
// is in keyNew already: pendingKey), syncs it, and puts the pair in place
// (FinishRenewal).
func saveRenewed(d string, certDER []byte) error {
	if err := writeFile(filepath.Join(d, certTmp), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})); err != nil {
		return err
	}
	if err := syncDir(d); err != nil {
		return err
	}
	// The commit point: certNew exists only with keyNew complete.
	if err := os.Rename(filepath.Join(d, certTmp), filepath.Join(d, certNew)); err != nil {
		return err
	}
	if err := syncDir(d); err != nil {
		return err
	}
	return finish(d)
}

// FinishRenewal completes a renewal of dir that a crash interrupted: once
// the new pair was written whole, it is put in place; before that, what was
// written is removed and the old pair stays. Until it runs, a crash in the
// middle of putting the pair in place leaves a key that does not match the
// certificate, which Load refuses (ErrBadCreds): run it before Load.
// Nothing to do is not an error.
func FinishRenewal(dir string) error {
	if err := finish(filepath.Join(dir, credsDir)); err != nil {
		return fmt.Errorf("finish the renewal of the device certificate: %w", err)
	}
	return nil
}

func finish(d string) error {
	_, err := os.Stat(filepath.Join(d, certNew))
	if errors.Is(err, fs.ErrNotExist) {
		// No renewal, or one that did not reach its commit point: its
		// key stays for the renewal asked again (pendingKey).
		if err := os.Remove(filepath.Join(d, certTmp)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if err != nil {
		return err
	}
	keyPath := filepath.Join(d, keyNew)
	_, err = os.Stat(keyPath)
	moveKey := err == nil
	if errors.Is(err, fs.ErrNotExist) {
		keyPath = filepath.Join(d, keyFile) // moved before the crash
	} else if err != nil {
		return err
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(d, certNew), keyPath); err != nil {
		return fmt.Errorf("the renewed key and certificate do not match: %v: %w", err, ErrBadCreds)
	}
	if moveKey {
		if err := os.Rename(keyPath, filepath.Join(d, keyFile)); err != nil {
			return err
		}
	}
	if err := os.Rename(filepath.Join(d, certNew), filepath.Join(d, certFile)); err != nil {
		return err
	}
	return syncDir(d)
}

// syncDir makes the renames in d durable (not on Windows, where a folder
// cannot be opened for a sync and NTFS logs the renames itself).
func syncDir(d string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(d)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
