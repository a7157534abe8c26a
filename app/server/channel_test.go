package server_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
)

const officeName = "テスト区 経営相談窓口"

// running is a server on loopback for a test.
type running struct {
	id    *server.Identity
	srv   *server.Server
	store central.Store
	data  string
}

// startServer makes an identity in a new folder and serves it on
// 127.0.0.1 until the test ends.
func startServer(t *testing.T, opts ...func(*server.Server)) *running {
	t.Helper()
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	id, err := server.Init(data, officeName, ln.Addr().String(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(filepath.Join(data, "store"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{ID: id, Store: st}
	for _, o := range opts {
		o(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		st.Close()
	})
	return &running{id: id, srv: srv, store: st, data: data}
}

// code adds a token valid for d and returns its enrollment code.
func (r *running) code(t *testing.T, d time.Duration) string {
	t.Helper()
	now := time.Now()
	tok, ct := r.id.NewTokenFor(now, now.Add(d))
	if err := server.AddToken(context.Background(), r.store, r.id, ct); err != nil {
		t.Fatal(err)
	}
	return server.Code{Addr: r.id.Addr, Pin: r.id.Pin(), Token: tok}.String()
}

func (r *running) enroll(t *testing.T) (syncclient.Creds, string) {
	t.Helper()
	dir := t.TempDir()
	c, err := syncclient.Enroll(context.Background(), dir, r.code(t, time.Hour), "受付PC")
	if err != nil {
		t.Fatalf("Enroll: %v", err)
	}
	return c, dir
}

func ping(c syncclient.Creds) error {
	cl := syncclient.New(c)
	defer cl.Close()
	_, err := cl.Ping(context.Background())
	return err
}

func TestEnrollAndPing(t *testing.T) {
	r := startServer(t)
	c, dir := r.enroll(t)
	loaded, err := syncclient.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cl := syncclient.New(loaded)
	defer cl.Close()
	ans, err := cl.Ping(context.Background())
	if err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if ans.Name != officeName || ans.Device != c.Device || ans.Office != r.id.Office {
		t.Errorf("Ping = %+v", ans)
	}
	d, err := r.store.Device(context.Background(), r.id.Office, c.Device)
	if err != nil {
		t.Fatal(err)
	}
	if fp := c.Fingerprint(); string(d.CertSHA256) != string(fp[:]) || d.Name != "受付PC" || d.LastContact.IsZero() {
		t.Errorf("stored device %+v", d)
	}
	for _, dd := range []string{filepath.Join(dir, "device"), filepath.Join(r.data, "identity")} {
		ents, err := os.ReadDir(dd)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v", e.Name(), fi.Mode())
			}
		}
	}
	// A second device joins the office the first one founded.
	c2, _ := r.enroll(t)
	if err := ping(c2); err != nil || c2.Office != c.Office {
		t.Errorf("second device: %v, office %s vs %s", err, c2.Office, c.Office)
	}
	if _, err := syncclient.Enroll(context.Background(), dir, r.code(t, time.Hour), "x"); !errors.Is(err, syncclient.ErrEnrolled) {
		t.Errorf("enrolling an enrolled folder: %v", err)
	}
}

func TestUnpinnedServerRefused(t *testing.T) {
	r := startServer(t)
	other := startServer(t) // another identity: another CA and key
	// A code whose pin is another server's.
	code, err := server.ParseCode(r.code(t, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	code.Pin = other.id.Pin()
	if _, err := syncclient.Enroll(context.Background(), t.TempDir(), code.String(), "PC"); !errors.Is(err, syncclient.ErrPinMismatch) {
		t.Errorf("enroll with a wrong pin: %v", err)
	}
	// An enrolled client sent to a server of another CA (same address
	// as far as it knows).
	c, _ := r.enroll(t)
	c.Addr = other.id.Addr
	if err := ping(c); !errors.Is(err, syncclient.ErrPinMismatch) {
		t.Errorf("ping to another server: %v", err)
	}
}

// deviceCert makes a client certificate for a new key, signed by signer
// (nil: self-signed) for device, valid from notBefore to notAfter.
func deviceCert(t *testing.T, signer *x509.Certificate, signerKey ed25519.PrivateKey, office, device string, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: device, Organization: []string{office}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	parent, pkey := signer, signerKey
	if parent == nil {
		parent, pkey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, pkey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// enrollCert enrolls device with cert directly in the store.
func (r *running) enrollCert(t *testing.T, device string, cert tls.Certificate) {
	t.Helper()
	now := time.Now()
	_, ct := r.id.NewTokenFor(now, now.Add(time.Hour))
	if err := server.AddToken(context.Background(), r.store, r.id, ct); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.Certificate[0])
	if _, err := r.store.Enroll(context.Background(), ct.Hash, central.Device{Office: r.id.Office, ID: device, Name: "PC", CertSHA256: sum[:]}, now); err != nil {
		t.Fatal(err)
	}
}

func TestClientCertificatesRefused(t *testing.T) {
	r := startServer(t)
	other := startServer(t)
	enrolled, _ := r.enroll(t)
	now := time.Now()
	otherCA, otherKey := server.CAForTest(other.id)
	ownCA, ownKey := server.CAForTest(r.id)

	expired := deviceCert(t, ownCA, ownKey, r.id.Office, "d-expired", now.Add(-2*365*24*time.Hour), now.Add(-time.Hour))
	r.enrollCert(t, "d-expired", expired)
	notYet := deviceCert(t, ownCA, ownKey, r.id.Office, "d-future", now.Add(time.Hour), now.Add(2*time.Hour))
	r.enrollCert(t, "d-future", notYet)
	// The same CA and an enrolled device's id, but not the enrolled certificate.
	swapped := deviceCert(t, ownCA, ownKey, r.id.Office, enrolled.Device, now.Add(-time.Hour), now.Add(time.Hour))
	// Signed by the CA, never enrolled.
	unknown := deviceCert(t, ownCA, ownKey, r.id.Office, "d-unknown", now.Add(-time.Hour), now.Add(time.Hour))

	cases := []struct {
		name string
		cert tls.Certificate
	}{
		{"another CA", deviceCert(t, otherCA, otherKey, r.id.Office, enrolled.Device, now.Add(-time.Hour), now.Add(time.Hour))},
		{"self-signed", deviceCert(t, nil, nil, r.id.Office, enrolled.Device, now.Add(-time.Hour), now.Add(time.Hour))},
		{"expired", expired},
		{"not yet valid", notYet},
		{"not the enrolled certificate", swapped},
		{"unenrolled", unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := enrolled
			c.Cert = tc.cert
			if err := ping(c); !errors.Is(err, syncclient.ErrRefused) {
				t.Errorf("ping: %v, want ErrRefused", err)
			}
		})
	}
	t.Run("no certificate", func(t *testing.T) {
		c := enrolled
		c.Cert = tls.Certificate{}
		cl := syncclient.New(c)
		defer cl.Close()
		if _, err := cl.Ping(context.Background()); !errors.Is(err, syncclient.ErrRefused) {
			t.Errorf("ping: %v, want ErrRefused", err)
		}
	})
	if err := ping(enrolled); err != nil {
		t.Errorf("the enrolled device itself: %v", err)
	}
}

func TestRevokedRefused(t *testing.T) {
	r := startServer(t)
	c, _ := r.enroll(t)
	cl := syncclient.New(c)
	defer cl.Close()
	if _, err := cl.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Revoke(context.Background(), r.id.Office, c.Device, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The kept-alive connection, then a new one: refused, and told why.
	for i := range 2 {
		if _, err := cl.Ping(context.Background()); !errors.Is(err, syncclient.ErrRefused) || !errors.Is(err, syncclient.ErrRevoked) {
			t.Errorf("ping %d after revocation: %v, want ErrRevoked", i, err)
		}
		cl.Close()
	}
	d, err := r.store.Device(context.Background(), r.id.Office, c.Device)
	if err != nil {
		t.Fatal(err)
	}
	if d.LastContact.After(d.RevokedAt) {
		t.Errorf("contact recorded after revocation: %+v", d)
	}
}

func TestTLS12Refused(t *testing.T) {
	r := startServer(t)
	c, _ := r.enroll(t)
	// A TLS 1.2 client to the server.
	cfg := syncclient.TLSConfig(r.id.Pin(), &c.Cert)
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", r.id.Addr, cfg)
	if err == nil {
		conn.Close()
		t.Fatal("TLS 1.2 handshake accepted by the server")
	}
	// A TLS 1.2 server (with the pinned key) to the client.
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{MaxVersion: tls.VersionTLS12, Certificates: []tls.Certificate{r.id.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_ = conn.(*tls.Conn).Handshake()
			conn.Close()
		}
	}()
	c.Addr = ln.Addr().String()
	if err := ping(c); err == nil {
		t.Error("client accepted a TLS 1.2 server")
	}
}

func TestTokens(t *testing.T) {
	r := startServer(t)
	code := r.code(t, time.Hour)
	if _, err := syncclient.Enroll(context.Background(), t.TempDir(), code, "PC1"); err != nil {
		t.Fatal(err)
	}
	if _, err := syncclient.Enroll(context.Background(), t.TempDir(), code, "PC2"); !errors.Is(err, syncclient.ErrTokenUsed) {
		t.Errorf("token used twice: %v", err)
	}
	now := time.Now()
	tok, ct := r.id.NewTokenFor(now.Add(-2*time.Hour), now.Add(-time.Hour))
	if err := server.AddToken(context.Background(), r.store, r.id, ct); err != nil {
		t.Fatal(err)
	}
	expired := server.Code{Addr: r.id.Addr, Pin: r.id.Pin(), Token: tok}.String()
	if _, err := syncclient.Enroll(context.Background(), t.TempDir(), expired, "PC3"); !errors.Is(err, syncclient.ErrTokenExpired) {
		t.Errorf("expired token: %v", err)
	}
	unknown := server.Code{Addr: r.id.Addr, Pin: r.id.Pin(), Token: server.NewToken()}.String()
	if _, err := syncclient.Enroll(context.Background(), t.TempDir(), unknown, "PC4"); !errors.Is(err, syncclient.ErrTokenRefused) {
		t.Errorf("unknown token: %v", err)
	}
}

func TestTokenRequestFile(t *testing.T) {
	r := startServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.srv.WatchTokens(ctx, r.data, 50*time.Millisecond)
	now := time.Now()
	tok, ct := r.id.NewTokenFor(now, now.Add(time.Hour))
	if err := server.RequestToken(ctx, r.data, ct); err != nil {
		t.Fatalf("RequestToken: %v", err)
	}
	code := server.Code{Addr: r.id.Addr, Pin: r.id.Pin(), Token: tok}.String()
	c, err := syncclient.Enroll(ctx, t.TempDir(), code, "PC")
	if err != nil {
		t.Fatalf("Enroll with an imported token: %v", err)
	}
	if err := ping(c); err != nil {
		t.Error(err)
	}
	// The same hash again: the store refuses it, the request fails.
	if err := server.RequestToken(ctx, r.data, ct); !errors.Is(err, server.ErrTokenNotImported) {
		t.Errorf("duplicate token request: %v", err)
	}
}

func TestCodesBeforeFirstEnrollment(t *testing.T) {
	r := startServer(t)
	codes := []string{r.code(t, time.Hour), r.code(t, time.Hour), r.code(t, time.Hour)}
	for i := len(codes) - 1; i >= 0; i-- {
		c, err := syncclient.Enroll(context.Background(), t.TempDir(), codes[i], "PC")
		if err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
		if err := ping(c); err != nil {
			t.Errorf("ping %d: %v", i, err)
		}
	}
	ds, err := r.store.Devices(context.Background(), r.id.Office)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 4 {
		t.Errorf("%d devices, want 3 and the office's placeholder", len(ds))
	}
	for _, d := range ds {
		if d.ID == server.OfficeDevice && !d.Revoked {
			t.Errorf("placeholder device not revoked: %+v", d)
		}
	}
}

func TestTokenRequestFolderMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits")
	}
	r := startServer(t)
	dir := filepath.Join(r.data, "tokens")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A request that others could have written is not imported.
	now := time.Now()
	_, ct := r.id.NewTokenFor(now, now.Add(time.Hour))
	raw := []byte(`{"hash":"` + base64.StdEncoding.EncodeToString(ct.Hash) + `","expires":"` + ct.Expires.UTC().Format(time.RFC3339) + `"}`)
	path := filepath.Join(dir, "x.tok")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o622); err != nil {
		t.Fatal(err)
	}
	r.srv.ImportTokens(context.Background(), r.data)
	if _, err := os.Stat(path + ".failed"); err != nil {
		t.Errorf("a 0622 request was not set aside: %v", err)
	}
	if err := os.Rename(path+".failed", path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	r.srv.ImportTokens(context.Background(), r.data)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("a request in a 0777 folder was touched: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r.srv.ImportTokens(context.Background(), r.data)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the request was not imported: %v", err)
	}
	if _, err := os.Stat(path + ".failed"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the request failed: %v", err)
	}
}

func TestEnrollEndpointRefusesBadRequests(t *testing.T) {
	r := startServer(t)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(r.id.Pin(), nil)}}
	defer hc.CloseIdleConnections()
	url := "https://" + r.id.Addr + server.PathEnroll
	for _, tc := range []struct {
		method string
		body   string
		status int
	}{
		{http.MethodGet, "", http.StatusMethodNotAllowed},
		{http.MethodPost, "", http.StatusBadRequest},
		{http.MethodPost, `{"token":"AAAA"}`, http.StatusBadRequest},
		{http.MethodPost, `{"token":"` + strings.Repeat("A", 1<<20) + `"}`, http.StatusBadRequest},
	} {
		req, err := http.NewRequest(tc.method, url, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %d bytes: %v", tc.method, len(tc.body), err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %d bytes: %d, want %d", tc.method, len(tc.body), resp.StatusCode, tc.status)
		}
	}
	// No device was added.
	if ds, err := r.store.Devices(context.Background(), r.id.Office); err == nil && len(ds) != 0 {
		t.Errorf("devices after bad requests: %+v", ds)
	}
}
