// Package syncclient is the PC's side of the channel to the central
// server: it talks to one server only, the one whose key it pinned from the
// enrollment code, over TLS 1.3 with the client certificate it got at
// enrollment. Its key is made on the PC and never leaves it.
package syncclient

import (
	"bytes"
	"context"
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
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
)

// Sentinel errors of the client.
var (
	// ErrPurgeRefused: the server did not verify a purge order against
	// the office's user table. Errors that wrap it wrap ErrRefused too.
	ErrPurgeRefused = errors.New("purge order refused by the server")
	// ErrPinMismatch: the server's key is not the pinned one.
	ErrPinMismatch = errors.New("server key does not match the pin")
	// ErrTokenRefused: the server refused the enrollment token (unknown,
	// used or expired; errors wrap ErrTokenUsed or ErrTokenExpired too
	// when the server said so).
	ErrTokenRefused = errors.New("enrollment token refused")
	ErrTokenUsed    = errors.New("enrollment token already used")
	ErrTokenExpired = errors.New("enrollment token expired")
	// ErrRefused: the server refused this device (revoked, unknown, or its
	// certificate expired), or answered with an error.
	ErrRefused = errors.New("refused by the server")
	// ErrRevoked: the server says this device was revoked; it is to wipe
	// its store. Errors that wrap it wrap ErrRefused too.
	ErrRevoked = errors.New("device revoked by the office")
	// ErrUnreachable: no connection to the server.
	ErrUnreachable = errors.New("server unreachable")
	// ErrNotEnrolled: the folder has no device credentials.
	ErrNotEnrolled = errors.New("device not enrolled")
	// ErrEnrolled: the folder has device credentials already.
	ErrEnrolled = errors.New("device already enrolled")
	// ErrBadCreds: device files this program cannot have written.
	ErrBadCreds = errors.New("device credentials damaged")
	// ErrLoginFailed: wrong login or password (the server does not say
	// which).
	ErrLoginFailed = errors.New("login failed")
	// ErrLoginLocked: too many failed logins; wait and try again.
	ErrLoginLocked = errors.New("login locked after repeated failures")
	// ErrRateLimited: too many attempts from this device or for this
	// login; wait and try again.
	ErrRateLimited = errors.New("too many login attempts")
	// ErrSession: the session is unknown to the server, expired, or of
	// another device; log in again.
	ErrSession = errors.New("session invalid")
	// ErrForbidden: the session may not do this (an admin's only). Errors
	// that wrap it, or ErrAdminExists, wrap ErrRefused too.
	ErrForbidden = errors.New("not allowed to this login")
	// ErrAdminExists: a first admin was asked for, but the office has an
	// admin already.
	ErrAdminExists = errors.New("the office has an admin already")
	// ErrOwnDevice: an admin cannot revoke the device it is working on.
	ErrOwnDevice = errors.New("cannot revoke the device in use")
	// ErrUnknownDevice: no such device in the office.
	ErrUnknownDevice = errors.New("no such device")
	// ErrChainBroken: the server refused a push that does not continue
	// this device's chain as the server has it. Errors that wrap it wrap
	// ErrRefused too.
	ErrChainBroken = errors.New("push does not continue the device's chain on the server")
	// ErrEnvelopeConflict: the server holds one of the pushed versions with
	// other bytes.
	ErrEnvelopeConflict = errors.New("a version is stored on the server with other bytes")
	// ErrTableStale: the server holds a user table with the same or a
	// higher serial.
	ErrTableStale = errors.New("the server has a newer user table")
	// ErrNoTable: the office has no user table on the server yet.
	ErrNoTable = errors.New("no user table on the server")
	// ErrTableForged: the server refused a user table that does not
	// verify with the office's admin key.
	ErrTableForged = errors.New("the server refused the user table as not signed by the office admin key")
)

// Files of the credentials, in DIR/device (folder 0700, files 0600).
const (
	credsDir  = "device"
	keyFile   = "key.pem"
	certFile  = "cert.pem"
	infoFile  = "server.json"
	maxAnswer = 64 << 10
	// maxRefusal bounds a refusal: a revoked device's carries the signed
	// user table.
	maxRefusal = 24 << 20
)

// Creds are a device's credentials for its one server.
type Creds struct {
	Addr   string          // host:port
	Pin    [32]byte        // SHA-256 of the server's SubjectPublicKeyInfo
	Device string          // the device id
	Office string          // the office id
	Name   string          // the office name
	Cert   tls.Certificate // client certificate and key
}

type info struct {
	Addr   string `json:"addr"`
	Pin    string `json:"pin"`
	Device string `json:"device"`
	Office string `json:"office"`
	Name   string `json:"name"`
}

// TLSConfig returns the client's TLS: 1.3 only, no system roots, and a
// server accepted only when its certificate's key has the pin. cert may be
// nil (enrollment).
func TLSConfig(pin [32]byte, cert *tls.Certificate) *tls.Config {
	c := &tls.Config{
		MinVersion: tls.VersionTLS13,
		MaxVersion: tls.VersionTLS13,
		RootCAs:    x509.NewCertPool(),
		// The chain is not checked against roots: the pin is the trust.
		// VerifyConnection below checks it on every connection, resumed
		// ones included.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return ErrPinMismatch
			}
			if server.SPKIPin(cs.PeerCertificates[0]) != pin {
				return ErrPinMismatch
			}
			return nil
		},
	}
	if cert != nil {
		c.Certificates = []tls.Certificate{*cert}
	}
	return c
}

func httpClient(pin [32]byte, cert *tls.Certificate) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: TLSConfig(pin, cert),
			// HTTP/1.1: a server's refusal of the client certificate (a TLS
			// alert after the handshake, in TLS 1.3) then reaches the
			// caller as such, which HTTP/2's connection setup hides.
			TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{},
			TLSHandshakeTimeout: 10 * time.Second,
			Proxy:               nil, // never through a proxy: the pin is for this address
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Enroll enrolls this PC with the server of code: it makes the device's
// Ed25519 key, sends a certificate request with the token, and stores key,
// certificate and server (address, pin) in dir/device. name is the
// device's display name.
func Enroll(ctx context.Context, dir, codeText, name string) (Creds, error) {
	code, err := server.ParseCode(codeText)
	if err != nil {
		return Creds{}, err
	}
	if _, err := os.Stat(filepath.Join(dir, credsDir, infoFile)); err == nil {
		return Creds{}, fmt.Errorf("%s: %w", dir, ErrEnrolled)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Creds{}, err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "madoguchi device"}}, key)
	if err != nil {
		return Creds{}, err
	}
	body, err := json.Marshal(server.EnrollRequest{Token: code.Token[:], CSR: csr, Name: name})
	if err != nil {
		return Creds{}, err
	}
	var ans server.EnrollResponse
	hc := httpClient(code.Pin, nil)
	defer hc.CloseIdleConnections()
	if err := call(ctx, hc, http.MethodPost, code.Addr, server.PathEnroll, body, &ans); err != nil {
		return Creds{}, err
	}
	cert, err := x509.ParseCertificate(ans.Cert)
	if err != nil {
		return Creds{}, fmt.Errorf("certificate from the server: %v: %w", err, ErrRefused)
	}
	if pub, ok := cert.PublicKey.(ed25519.PublicKey); !ok || !pub.Equal(key.Public()) || cert.Subject.CommonName != ans.Device {
		return Creds{}, fmt.Errorf("certificate from the server is not for this key: %w", ErrRefused)
	}
	c := Creds{Addr: code.Addr, Pin: code.Pin, Device: ans.Device, Office: ans.Office, Name: ans.Name,
		Cert: tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}}
	return c, save(dir, c, key)
}

func save(dir string, c Creds, key ed25519.PrivateKey) error {
	d := filepath.Join(dir, credsDir)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	inf, err := json.MarshalIndent(info{Addr: c.Addr, Pin: base64.RawURLEncoding.EncodeToString(c.Pin[:]),
		Device: c.Device, Office: c.Office, Name: c.Name}, "", "  ")
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})},
		{certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Certificate[0]})},
		{infoFile, append(inf, '\n')}, // last: the folder is complete when it exists
	} {
		if err := writeFile(filepath.Join(d, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

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

// Load reads the credentials of dir.
func Load(dir string) (Creds, error) {
	// A renewal cut by a crash is finished (or undone) first, so that the
	// key and the certificate always belong together.
	if err := FinishRenewal(dir); err != nil {
		return Creds{}, err
	}
	d := filepath.Join(dir, credsDir)
	raw, err := os.ReadFile(filepath.Join(d, infoFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Creds{}, fmt.Errorf("%s: %w", dir, ErrNotEnrolled)
	}
	if err != nil {
		return Creds{}, err
	}
	var inf info
	if err := json.Unmarshal(raw, &inf); err != nil {
		return Creds{}, fmt.Errorf("%s: %v: %w", infoFile, err, ErrBadCreds)
	}
	pin, err := base64.RawURLEncoding.Strict().DecodeString(inf.Pin)
	if err != nil || len(pin) != 32 || server.CheckAddr(inf.Addr) != nil {
		return Creds{}, fmt.Errorf("%s: bad fields: %w", infoFile, ErrBadCreds)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(d, certFile), filepath.Join(d, keyFile))
	if err != nil {
		return Creds{}, fmt.Errorf("%v: %w", err, ErrBadCreds)
	}
	c := Creds{Addr: inf.Addr, Device: inf.Device, Office: inf.Office, Name: inf.Name, Cert: cert}
	copy(c.Pin[:], pin)
	return c, nil
}

// Client talks to the server of its credentials.
type Client struct {
	creds Creds
	hc    *http.Client
	// stream is hc without its overall time limit, for pull streams
	// (PullPages watches them for pages instead): same connections.
	stream *http.Client
}

// New returns a client for creds.
func New(c Creds) *Client {
	hc := httpClient(c.Pin, &c.Cert)
	return &Client{creds: c, hc: hc, stream: &http.Client{Transport: hc.Transport, CheckRedirect: hc.CheckRedirect}}
}

// Close closes idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Ping makes one authenticated round trip and returns the server's answer
// (the office's name and id, and the device id the server sees).
func (c *Client) Ping(ctx context.Context) (server.PingResponse, error) {
	var ans server.PingResponse
	err := call(ctx, c.hc, http.MethodGet, c.creds.Addr, server.PathPing, nil, &ans)
	return ans, err
}

// call makes one request and decodes its JSON answer into out.
func call(ctx context.Context, hc *http.Client, method, addr, path string, body []byte, out any) error {
	return callAuth(ctx, hc, method, addr, path, nil, body, out)
}

// callAuth is call with a session token (nil: none).
func callAuth(ctx context.Context, hc *http.Client, method, addr, path string, token, body []byte, out any) error {
	raw, err := do(ctx, hc, method, addr, path, token, "application/json", body, maxAnswer)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("answer: %v: %w", err, ErrRefused)
	}
	return nil
}

// do makes one request with body of the content type (none when body is
// nil) and returns the answer's body, at most max bytes, or the refusal
// mapped to this package's errors.
func do(ctx context.Context, hc *http.Client, method, addr, path string, token []byte, ctype string, body []byte, max int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "https://"+addr+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != nil {
		req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(token))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, classify(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return nil, nil
	}
	if resp.StatusCode != http.StatusOK {
		max = maxRefusal
	}
	var raw []byte
	if resp.ContentLength > 0 && resp.ContentLength <= int64(max) {
		// A page of a pull: read into one buffer of its size.
		raw = make([]byte, resp.ContentLength)
		_, err = io.ReadFull(resp.Body, raw)
	} else {
		raw, err = io.ReadAll(io.LimitReader(resp.Body, int64(max)+1))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%v: %w", err, ErrUnreachable)
	}
	if len(raw) > max {
		return nil, fmt.Errorf("answer over %d bytes: %w", max, ErrRefused)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, refusal(resp, raw)
	}
	return raw, nil
}

// RevokedError is the server's answer to a revoked device. Table, when
// not empty, is the office's signed user table that lists the device as
// revoked: verified with the admin key pinned on the PC
// (office.RevokedBy), it tells the PC to wipe its store. It matches
// ErrRevoked and ErrRefused.
type RevokedError struct{ Table []byte }

func (e *RevokedError) Error() string { return ErrRevoked.Error() }

// Unwrap returns ErrRefused and ErrRevoked.
func (e *RevokedError) Unwrap() []error { return []error{ErrRefused, ErrRevoked} }

// refusal maps the server's answer to a refused request to this package's
// errors.
func refusal(resp *http.Response, raw []byte) error {
	var er server.ErrorResponse
	_ = json.Unmarshal(raw, &er)
	switch er.Error {
	case server.ReasonTokenUsed:
		return fmt.Errorf("%w: %w", ErrTokenRefused, ErrTokenUsed)
	case server.ReasonTokenExpired:
		return fmt.Errorf("%w: %w", ErrTokenRefused, ErrTokenExpired)
	case server.ReasonRevoked:
		return &RevokedError{Table: er.Table}
	case server.ReasonTokenUnknown:
		return fmt.Errorf("unknown token: %w", ErrTokenRefused)
	case server.ReasonLoginFailed:
		return ErrLoginFailed
	case server.ReasonLoginLocked:
		return fmt.Errorf("%w (retry after %s s)", ErrLoginLocked, resp.Header.Get("Retry-After"))
	case server.ReasonRateLimited:
		return fmt.Errorf("%w (retry after %s s)", ErrRateLimited, resp.Header.Get("Retry-After"))
	case server.ReasonSessionInvalid:
		return ErrSession
	case server.ReasonForbidden:
		return fmt.Errorf("%w: %w", ErrRefused, ErrForbidden)
	case server.ReasonOwnDevice:
		return ErrOwnDevice
	case server.ReasonDeviceUnknown:
		return ErrUnknownDevice
	case server.ReasonAdminExists:
		return fmt.Errorf("%w: %w", ErrRefused, ErrAdminExists)
	case server.ReasonChainBroken:
		return fmt.Errorf("%w: %w", ErrRefused, ErrChainBroken)
	case server.ReasonEnvelopeConflict:
		return fmt.Errorf("%w: %w", ErrRefused, ErrEnvelopeConflict)
	case server.ReasonTableStale:
		return fmt.Errorf("%w: %w", ErrRefused, ErrTableStale)
	case server.ReasonNoTable:
		return ErrNoTable
	case server.ReasonRegisterRefused:
		return fmt.Errorf("%w: %w", ErrRefused, ErrRegisterRefused)
	case reasonStale:
		return fmt.Errorf("%w: %w", ErrRefused, ErrPublicationStale)
	case server.ReasonTableForged:
		return fmt.Errorf("%w: %w", ErrRefused, ErrTableForged)
	case server.ReasonPurgeRefused:
		return fmt.Errorf("%w: %w", ErrRefused, ErrPurgeRefused)
	}
	return fmt.Errorf("HTTP %d %q: %w", resp.StatusCode, er.Error, ErrRefused)
}

// classify names a transport error: a pin mismatch, a refusal by the
// server during the handshake, or no connection.
func classify(ctx context.Context, err error) error {
	if errors.Is(err, ErrPinMismatch) {
		return fmt.Errorf("%v: %w", err, ErrPinMismatch)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if isRemoteAlert(err) {
		return fmt.Errorf("%v: %w", err, ErrRefused)
	}
	return fmt.Errorf("%v: %w", err, ErrUnreachable)
}

// isRemoteAlert reports whether err is a TLS alert from the server.
func isRemoteAlert(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if _, ok := e.(tls.AlertError); ok {
			return true
		}
	}
	return bytes.Contains([]byte(err.Error()), []byte("remote error: tls:"))
}

// Fingerprint is the SHA-256 of the device's certificate (what the server
// stores).
func (c Creds) Fingerprint() [32]byte { return sha256.Sum256(c.Cert.Certificate[0]) }

// Forget deletes the device credentials in dir (a revoked device wiping
// itself): its key, its certificate and the server's address and pin.
func Forget(dir string) error {
	if err := os.RemoveAll(filepath.Join(dir, credsDir)); err != nil {
		return fmt.Errorf("remove device credentials: %w", err)
	}
	return nil
}
