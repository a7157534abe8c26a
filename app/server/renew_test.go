package server_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

const day = 24 * time.Hour

// clock is a server clock that a test moves ahead.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time        { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) ahead(d time.Duration) { c.off.Store(int64(d)) }

// logBuf collects a server's log.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// startRenewServer starts a server on clk with its log in lb.
func startRenewServer(t *testing.T, clk *clock, lb *logBuf, opts ...func(*server.Server)) *running {
	return startServer(t, append([]func(*server.Server){func(s *server.Server) {
		s.Now = clk.now
		s.Log = log.New(lb, "", 0)
	}}, opts...)...)
}

// csrOf makes a certificate request signed by key.
func csrOf(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "madoguchi device"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// renewer posts renewals with one client certificate, over one HTTP
// client (kept-alive connections).
type renewer struct {
	hc  *http.Client
	url string
}

func (r *running) renewer(t *testing.T, cert tls.Certificate) *renewer {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: syncclient.TLSConfig(r.id.Pin(), &cert),
		TLSNextProto:    map[string]func(string, *tls.Conn) http.RoundTripper{},
	}}
	t.Cleanup(hc.CloseIdleConnections)
	return &renewer{hc: hc, url: "https://" + r.id.Addr}
}

// post sends body to the renew endpoint: the HTTP status (0 when the
// connection failed) and the answer's body.
func (rn *renewer) post(t *testing.T, body []byte) (int, []byte) {
	t.Helper()
	resp, err := rn.hc.Post(rn.url+server.PathRenew, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// renew asks for a certificate for key and returns the status, the
// refusal's reason, and the answer.
func (rn *renewer) renew(t *testing.T, key crypto.Signer) (int, string, server.RenewResponse) {
	t.Helper()
	body, err := json.Marshal(server.RenewRequest{CSR: csrOf(t, key)})
	if err != nil {
		t.Fatal(err)
	}
	status, raw := rn.post(t, body)
	var ans server.RenewResponse
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, &ans); err != nil {
			t.Fatalf("answer %q: %v", raw, err)
		}
		return status, "", ans
	}
	var er server.ErrorResponse
	_ = json.Unmarshal(raw, &er)
	return status, er.Error, ans
}

// fingerprint is the device's stored certificate fingerprint.
func (r *running) fingerprint(t *testing.T, device string) []byte {
	t.Helper()
	d, err := r.store.Device(context.Background(), r.id.Office, device)
	if err != nil {
		t.Fatal(err)
	}
	return d.CertSHA256
}

// pingWith pings with c on a new client, presenting cert.
func pingWith(c syncclient.Creds, cert tls.Certificate) error {
	c.Cert = cert
	return ping(c)
}

func TestRenew(t *testing.T) {
	var clk clock
	var lb logBuf
	r := startRenewServer(t, &clk, &lb)
	c, _ := r.enroll(t)
	other, _ := r.enroll(t)
	// 340 days on, the certificate has 25 days left.
	clk.ahead(340 * day)
	if err := ping(c); err != nil {
		t.Fatalf("the certificate 340 days on: %v", err)
	}
	key := newKey(t)
	status, reason, ans := r.renewer(t, c.Cert).renew(t, key)
	if status != http.StatusOK {
		t.Fatalf("renewal: %d %s", status, reason)
	}
	cert, err := x509.ParseCertificate(ans.Cert)
	if err != nil {
		t.Fatal(err)
	}
	now := clk.now()
	if !bytes.Equal(ans.CA, r.id.CA.Raw) || cert.Subject.CommonName != c.Device ||
		len(cert.Subject.Organization) != 1 || cert.Subject.Organization[0] != r.id.Office ||
		!key.Public().(ed25519.PublicKey).Equal(cert.PublicKey) {
		t.Fatalf("renewed certificate %+v", cert.Subject)
	}
	if d := cert.NotAfter.Sub(now.Add(server.DeviceValidity)); d > time.Minute || d < -time.Minute {
		t.Errorf("renewed certificate valid until %v, want about %v", cert.NotAfter, now.Add(server.DeviceValidity))
	}
	pool := x509.NewCertPool()
	pool.AddCert(r.id.CA)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("renewed certificate does not verify: %v", err)
	}
	if sum := sha256.Sum256(ans.Cert); !bytes.Equal(r.fingerprint(t, c.Device), sum[:]) {
		t.Error("the store does not hold the renewed certificate's fingerprint")
	}
	renewed := tls.Certificate{Certificate: [][]byte{ans.Cert}, PrivateKey: key}
	if err := pingWith(c, renewed); err != nil {
		t.Errorf("ping with the renewed certificate: %v", err)
	}
	if err := ping(c); !errors.Is(err, syncclient.ErrRefused) {
		t.Errorf("ping with the old certificate: %v, want ErrRefused", err)
	}
	// The old certificate cannot renew again.
	if status, reason, _ := r.renewer(t, c.Cert).renew(t, newKey(t)); status == http.StatusOK {
		t.Errorf("a second renewal with the old certificate: %d %s", status, reason)
	}
	// The renewed one is far from its expiry.
	if status, reason, _ := r.renewer(t, renewed).renew(t, newKey(t)); status != http.StatusConflict || reason != server.ReasonRenewTooEarly {
		t.Errorf("renewing a new certificate: %d %s, want 409 %s", status, reason, server.ReasonRenewTooEarly)
	}
	// Other devices are not touched.
	if err := ping(other); err != nil {
		t.Errorf("another device: %v", err)
	}
	// A year on, the renewed certificate still works, the old one expired.
	clk.ahead(700 * day)
	if err := pingWith(c, renewed); err != nil {
		t.Errorf("the renewed certificate 700 days on: %v", err)
	}
	if err := ping(other); !errors.Is(err, syncclient.ErrRefused) {
		t.Errorf("an unrenewed certificate 700 days on: %v, want ErrRefused", err)
	}
	if !strings.Contains(lb.String(), "device "+c.Device+" renewed its certificate") {
		t.Errorf("renewal not logged:\n%s", lb.String())
	}
}

func TestRenewTooEarly(t *testing.T) {
	var clk clock
	var lb logBuf
	r := startRenewServer(t, &clk, &lb)
	c, _ := r.enroll(t)
	fp := r.fingerprint(t, c.Device)
	// Right after enrollment, and 31 days before the expiry.
	for _, ahead := range []time.Duration{0, 334 * day} {
		clk.ahead(ahead)
		status, reason, _ := r.renewer(t, c.Cert).renew(t, newKey(t))
		if status != http.StatusConflict || reason != server.ReasonRenewTooEarly {
			t.Errorf("renewal %s after enrollment: %d %s, want 409 %s", ahead, status, reason, server.ReasonRenewTooEarly)
		}
	}
	if !bytes.Equal(r.fingerprint(t, c.Device), fp) {
		t.Error("a refused renewal changed the stored fingerprint")
	}
	if err := ping(c); err != nil {
		t.Errorf("the certificate after refused renewals: %v", err)
	}
	// 30 days before: renewable.
	clk.ahead(server.DeviceValidity - server.RenewWithin + time.Minute)
	if status, reason, _ := r.renewer(t, c.Cert).renew(t, newKey(t)); status != http.StatusOK {
		t.Errorf("renewal 30 days before the expiry: %d %s", status, reason)
	}
}

func TestRenewRevoked(t *testing.T) {
	var clk clock
	var lb logBuf
	r := startRenewServer(t, &clk, &lb)
	c, _ := r.enroll(t)
	fp := r.fingerprint(t, c.Device)
	clk.ahead(340 * day)
	if err := r.store.Revoke(context.Background(), r.id.Office, c.Device, clk.now()); err != nil {
		t.Fatal(err)
	}
	status, reason, _ := r.renewer(t, c.Cert).renew(t, newKey(t))
	if status != http.StatusForbidden || reason != server.ReasonRevoked {
		t.Errorf("renewal of a revoked device: %d %s, want 403 %s", status, reason, server.ReasonRevoked)
	}
	if !bytes.Equal(r.fingerprint(t, c.Device), fp) {
		t.Error("a revoked device's renewal changed the stored fingerprint")
	}
}

// gateStore holds every RenewDevice until n have arrived, so that they race
// in the store.
type gateStore struct {
	central.Store
	arrived chan struct{}
	release chan struct{}
}

func (g *gateStore) RenewDevice(ctx context.Context, office, id string, oldSHA256, newSHA256 []byte, at time.Time) error {
	g.arrived <- struct{}{}
	<-g.release
	return g.Store.RenewDevice(ctx, office, id, oldSHA256, newSHA256, at)
}

func TestRenewRace(t *testing.T) {
	var clk clock
	var lb logBuf
	const n = 2
	gate := &gateStore{arrived: make(chan struct{}, n), release: make(chan struct{})}
	r := startRenewServer(t, &clk, &lb, func(s *server.Server) { gate.Store = s.Store; s.Store = gate })
	c, _ := r.enroll(t)
	clk.ahead(340 * day)
	type result struct {
		status int
		reason string
		ans    server.RenewResponse
		key    ed25519.PrivateKey
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		rn := r.renewer(t, c.Cert)
		key := newKey(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i].status, results[i].reason, results[i].ans = rn.renew(t, key)
			results[i].key = key
		}()
	}
	for range n {
		select {
		case <-gate.arrived:
		case <-time.After(20 * time.Second):
			t.Fatal("the renewals did not both reach the store")
		}
	}
	close(gate.release)
	wg.Wait()
	won := -1
	for i, res := range results {
		switch {
		case res.status == http.StatusOK && won >= 0:
			t.Fatalf("renewals %d and %d both won", won, i)
		case res.status == http.StatusOK:
			won = i
		case res.status != http.StatusConflict || res.reason != server.ReasonRenewConflict:
			t.Errorf("renewal %d: %d %s, want 409 %s", i, res.status, res.reason, server.ReasonRenewConflict)
		}
	}
	if won < 0 {
		t.Fatal("no renewal won")
	}
	w := results[won]
	if sum := sha256.Sum256(w.ans.Cert); !bytes.Equal(r.fingerprint(t, c.Device), sum[:]) {
		t.Error("the store does not hold the winner's certificate")
	}
	if err := pingWith(c, tls.Certificate{Certificate: [][]byte{w.ans.Cert}, PrivateKey: w.key}); err != nil {
		t.Errorf("the winner's certificate: %v", err)
	}
	// The loser got no certificate; one for its key (as the server made
	// and dropped it) does not work, nor does the old one.
	loser := results[1-won]
	if len(loser.ans.Cert) != 0 {
		t.Error("the loser got a certificate")
	}
	ca, caKey := server.CAForTest(r.id)
	now := clk.now()
	forged := deviceCert(t, ca, caKey, r.id.Office, c.Device, now.Add(-time.Minute), now.Add(server.DeviceValidity))
	if err := pingWith(c, forged); !errors.Is(err, syncclient.ErrRefused) {
		t.Errorf("a certificate the store does not hold: %v, want ErrRefused", err)
	}
	if err := ping(c); !errors.Is(err, syncclient.ErrRefused) {
		t.Errorf("the old certificate: %v, want ErrRefused", err)
	}
}

func TestRenewBadRequests(t *testing.T) {
	var clk clock
	var lb logBuf
	r := startRenewServer(t, &clk, &lb)
	c, _ := r.enroll(t)
	fp := r.fingerprint(t, c.Device)
	clk.ahead(340 * day)
	rn := r.renewer(t, c.Cert)

	jsonCSR := func(csr []byte) []byte {
		b, err := json.Marshal(server.RenewRequest{CSR: csr})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := csrOf(t, newKey(t))
	badSig := bytes.Clone(good)
	badSig[len(badSig)-1] ^= 1
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":              nil,
		"not JSON":           []byte("csr"),
		"no CSR":             []byte(`{}`),
		"unknown field":      []byte(`{"csr":"","name":"x"}`),
		"trailing data":      append(jsonCSR(good), []byte(` {}`)...),
		"garbage CSR":        jsonCSR([]byte("not a certificate request")),
		"truncated CSR":      jsonCSR(good[:len(good)/2]),
		"bad signature":      jsonCSR(badSig),
		"P-384 key":          jsonCSR(csrOf(t, p384)),
		"RSA key":            jsonCSR(csrOf(t, rsaKey)),
		"over 16 KiB":        []byte(`{"csr":"` + strings.Repeat("A", server.MaxEnrollRequest) + `"}`),
		"the current key":    jsonCSR(csrOf(t, c.Cert.PrivateKey.(crypto.Signer))),
		"a CSR in a string":  []byte(`{"csr":"-----BEGIN CERTIFICATE REQUEST-----"}`),
		"an array":           []byte(`[]`),
		"two objects inside": []byte(`{"csr":"","csr":{}}`),
	}
	for name, body := range cases {
		if status, raw := rn.post(t, body); status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, status, raw)
		}
	}
	if !bytes.Equal(r.fingerprint(t, c.Device), fp) {
		t.Error("a bad request changed the stored fingerprint")
	}
	if err := ping(c); err != nil {
		t.Errorf("the certificate after bad requests: %v", err)
	}
	// A P-256 key is taken, as at enrollment.
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if status, raw := rn.post(t, jsonCSR(csrOf(t, p256))); status != http.StatusOK {
		t.Errorf("a P-256 key: %d %s", status, raw)
	}

	// Without a client certificate: refused before anything is read.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(r.id.Pin(), nil)}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post("https://"+r.id.Addr+server.PathRenew, "application/json", bytes.NewReader(jsonCSR(good)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("renewal without a certificate: %d, want 401", resp.StatusCode)
	}
	resp, err = rn.hc.Get(rn.url + server.PathRenew)
	if err == nil {
		resp.Body.Close()
	}
	if err == nil && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
}

func FuzzDecodeRenewRequest(f *testing.F) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, key)
	good, _ := json.Marshal(server.RenewRequest{CSR: csr})
	f.Add(good)
	f.Add([]byte(`{"csr":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, pub, spki, err := server.DecodeRenewRequest(bytes.NewReader(body))
		if err != nil {
			return
		}
		if pub == nil || len(spki) == 0 || len(req.CSR) == 0 || len(body) > server.MaxEnrollRequest {
			t.Fatalf("accepted %q: key %T, spki %d bytes", body, pub, len(spki))
		}
	})
}
