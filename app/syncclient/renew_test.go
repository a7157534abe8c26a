package syncclient

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
)

const day = 24 * time.Hour

// renewServer is a server on loopback whose clock a test moves ahead.
type renewServer struct {
	id    *server.Identity
	store central.Store
	off   atomic.Int64
}

func (s *renewServer) now() time.Time { return time.Now().Add(time.Duration(s.off.Load())) }

func startRenewServer(t *testing.T) *renewServer {
	t.Helper()
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	id, err := server.Init(data, "窓口", ln.Addr().String(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(filepath.Join(data, "store"))
	if err != nil {
		t.Fatal(err)
	}
	rs := &renewServer{id: id, store: st}
	srv := &server.Server{ID: id, Store: st, Now: rs.now}
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
	return rs
}

// enroll enrolls a new folder and returns it with its client.
func (s *renewServer) enroll(t *testing.T) (string, *Client) {
	t.Helper()
	now := time.Now()
	tok, ct := s.id.NewTokenFor(now, now.Add(time.Hour))
	if err := server.AddToken(context.Background(), s.store, s.id, ct); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c, err := Enroll(context.Background(), dir, server.Code{Addr: s.id.Addr, Pin: s.id.Pin(), Token: tok}.String(), "受付PC")
	if err != nil {
		t.Fatal(err)
	}
	cl := New(c)
	t.Cleanup(cl.Close)
	return dir, cl
}

// files lists dir/device with the files' bytes.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	d := filepath.Join(dir, credsDir)
	ents, err := os.ReadDir(d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(d, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
		if fi, err := e.Info(); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", e.Name(), fi.Mode())
		}
	}
	return out
}

func names(m map[string][]byte) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestRenewIfDue(t *testing.T) {
	s := startRenewServer(t)
	dir, cl := s.enroll(t)
	ctx := context.Background()
	old := cl.creds
	before := files(t, dir)

	// Not due: nothing happens.
	for _, ahead := range []time.Duration{0, 334 * day} {
		s.off.Store(int64(ahead))
		if renewed, err := cl.RenewIfDue(ctx, dir, time.Now().Add(ahead)); renewed || err != nil {
			t.Fatalf("%s after enrollment: RenewIfDue = %v, %v", ahead, renewed, err)
		}
	}
	if got := files(t, dir); !equalFiles(got, before) {
		t.Fatalf("files changed by a renewal not due: %v", names(got))
	}

	// 340 days on: due. A kept-alive connection with the old certificate
	// is open before.
	s.off.Store(int64(340 * day))
	if _, err := cl.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	renewed, err := cl.RenewIfDue(ctx, dir, time.Now().Add(340*day))
	if !renewed || err != nil {
		t.Fatalf("RenewIfDue 340 days on = %v, %v", renewed, err)
	}
	// The client goes on with the new certificate.
	if ans, err := cl.Ping(ctx); err != nil || ans.Device != old.Device {
		t.Fatalf("ping after the renewal: %+v, %v", ans, err)
	}
	if fp := cl.creds.Fingerprint(); fp == old.Fingerprint() {
		t.Fatal("the client's certificate did not change")
	}
	// The folder holds the new pair, and nothing else new.
	after := files(t, dir)
	if got := names(after); len(got) != 3 || !bytes.Equal(after[infoFile], before[infoFile]) ||
		bytes.Equal(after[keyFile], before[keyFile]) || bytes.Equal(after[certFile], before[certFile]) {
		t.Fatalf("files after the renewal: %v", got)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Fingerprint() != cl.creds.Fingerprint() || loaded.Device != old.Device || loaded.Addr != old.Addr {
		t.Fatalf("loaded %+v", loaded)
	}
	d, err := s.store.Device(ctx, s.id.Office, old.Device)
	if err != nil {
		t.Fatal(err)
	}
	if fp := loaded.Fingerprint(); !bytes.Equal(d.CertSHA256, fp[:]) {
		t.Fatal("the server does not hold the saved certificate")
	}
	leaf, err := x509.ParseCertificate(loaded.Cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := s.now().Add(server.DeviceValidity); leaf.NotAfter.Before(want.Add(-time.Hour)) {
		t.Errorf("renewed certificate valid until %v, want about %v", leaf.NotAfter, want)
	}
	// A client on the loaded files works; one on the old certificate not.
	fresh := New(loaded)
	defer fresh.Close()
	if _, err := fresh.Ping(ctx); err != nil {
		t.Errorf("a client on the saved credentials: %v", err)
	}
	stale := New(old)
	defer stale.Close()
	if _, err := stale.Ping(ctx); !errors.Is(err, ErrRefused) {
		t.Errorf("a client on the old certificate: %v, want ErrRefused", err)
	}
	// The new certificate is not due.
	if renewed, err := cl.RenewIfDue(ctx, dir, time.Now().Add(340*day)); renewed || err != nil {
		t.Errorf("RenewIfDue again = %v, %v", renewed, err)
	}
	// Another process's client on the folder, still with the old
	// certificate, takes the saved pair up instead of renewing.
	other := New(old)
	defer other.Close()
	if renewed, err := other.RenewIfDue(ctx, dir, time.Now().Add(340*day)); !renewed || err != nil {
		t.Fatalf("RenewIfDue of a client on the old certificate = %v, %v", renewed, err)
	}
	if other.creds.Fingerprint() != loaded.Fingerprint() {
		t.Error("the other client did not take the saved pair up")
	}
	if _, err := other.Ping(ctx); err != nil {
		t.Errorf("the other client after taking the pair up: %v", err)
	}
	if got := files(t, dir); !equalFiles(got, after) {
		t.Error("taking the pair up changed the files")
	}
}

func TestRenewIfDueRevoked(t *testing.T) {
	s := startRenewServer(t)
	dir, cl := s.enroll(t)
	before := files(t, dir)
	s.off.Store(int64(340 * day))
	if err := s.store.Revoke(context.Background(), s.id.Office, cl.creds.Device, s.now()); err != nil {
		t.Fatal(err)
	}
	renewed, err := cl.RenewIfDue(context.Background(), dir, time.Now().Add(340*day))
	if renewed || !errors.Is(err, ErrRevoked) {
		t.Fatalf("RenewIfDue of a revoked device = %v, %v; want ErrRevoked", renewed, err)
	}
	// The pair stays; only the key of the refused renewal was saved, as
	// before every request.
	got := files(t, dir)
	delete(got, keyNew)
	if !equalFiles(got, before) {
		t.Errorf("files changed: %v", names(got))
	}
}

// lossy delivers renewals to the server and loses their answers.
type lossy struct{ rt http.RoundTripper }

func (l lossy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.rt.RoundTrip(r)
	if err == nil && r.URL.Path == server.PathRenew {
		resp.Body.Close()
		return nil, errors.New("connection reset (the answer was lost)")
	}
	return resp, err
}

// TestRenewAnswerLost loses the server's answer to a renewal: the server
// has switched to the new certificate, the PC still holds the old one.
// Asked again (after a restart), with the old certificate and the key it
// saved before asking, the renewal gives the certificate issued then, and
// the PC goes on. Whoever copied the old pair cannot have a certificate
// issued for a key of their own with it.
func TestRenewAnswerLost(t *testing.T) {
	s := startRenewServer(t)
	dir, cl := s.enroll(t)
	ctx := context.Background()
	stolen := t.TempDir()
	if err := os.CopyFS(stolen, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	s.off.Store(int64(340 * day))
	cl.hc.Transport = lossy{cl.hc.Transport}
	if renewed, err := cl.RenewIfDue(ctx, dir, time.Now().Add(340*day)); renewed || err == nil {
		t.Fatalf("RenewIfDue with the answer lost = %v, %v", renewed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, credsDir, keyNew)); err != nil {
		t.Fatalf("the key of the renewal was not saved before asking: %v", err)
	}
	// The server took the renewal: the old certificate opens nothing.
	creds, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	again := New(creds)
	defer again.Close()
	if _, err := again.Ping(ctx); !errors.Is(err, ErrRefused) {
		t.Fatalf("ping with the replaced certificate: %v", err)
	}
	// The thief first: a renewal with the old pair and a key of their own
	// is refused, and takes nothing from the PC.
	screds, err := Load(stolen)
	if err != nil {
		t.Fatal(err)
	}
	thief := New(screds)
	defer thief.Close()
	if renewed, err := thief.RenewIfDue(ctx, stolen, time.Now().Add(340*day)); renewed || !errors.Is(err, ErrRefused) {
		t.Fatalf("a renewal with the copied old pair and another key = %v, %v; want refused", renewed, err)
	}
	// The PC asks again: it gets the certificate issued for its key.
	renewed, err := again.RenewIfDue(ctx, dir, time.Now().Add(340*day))
	if !renewed || err != nil {
		t.Fatalf("the renewal asked again = %v, %v", renewed, err)
	}
	if _, err := again.Ping(ctx); err != nil {
		t.Fatalf("ping with the certificate given again: %v", err)
	}
	d, err := s.store.Device(ctx, s.id.Office, creds.Device)
	if err != nil {
		t.Fatal(err)
	}
	if sum := again.creds.Fingerprint(); !bytes.Equal(d.CertSHA256, sum[:]) {
		t.Fatal("the PC's certificate is not the one the server holds")
	}
	after, err := Load(dir)
	if err != nil || !bytes.Equal(after.Cert.Certificate[0], again.creds.Cert.Certificate[0]) {
		t.Fatalf("the certificate given again was not saved: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, credsDir, keyNew)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the pending key was left after the renewal: %v", err)
	}
	// Asked again once more with the old certificate: the same answer, no
	// change on the server.
	if _, err := thief.RenewIfDue(ctx, stolen, time.Now().Add(340*day)); !errors.Is(err, ErrRefused) {
		t.Fatalf("the thief's second try: %v", err)
	}
	if d2, _ := s.store.Device(ctx, s.id.Office, creds.Device); !bytes.Equal(d2.CertSHA256, d.CertSHA256) {
		t.Fatal("a refused renewal changed the device's certificate")
	}
}

func equalFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for n, x := range a {
		if !bytes.Equal(x, b[n]) {
			return false
		}
	}
	return true
}

// TestRenewCrash stops a save at each step and checks that the folder then
// holds the old pair or, after FinishRenewal, the new one.
func TestRenewCrash(t *testing.T) {
	cert, key := selfSigned(t)
	c := Creds{Addr: "127.0.0.1:8443", Pin: [32]byte{1}, Device: "d-test", Office: "o-test", Name: "窓口"}
	c.Cert.Certificate, c.Cert.PrivateKey = [][]byte{cert.Raw}, key
	cert2, key2 := selfSigned(t)

	setup := func(t *testing.T) (string, string) {
		dir := t.TempDir()
		if err := save(dir, c, key); err != nil {
			t.Fatal(err)
		}
		d := filepath.Join(dir, credsDir)
		// The whole renewal (the key saved first, then the certificate),
		// then undo its last steps to stand for a crash.
		other := t.TempDir()
		if err := save(other, c, key2); err != nil {
			t.Fatal(err)
		}
		kb, err := os.ReadFile(filepath.Join(other, credsDir, keyFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, keyNew), kb, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := saveRenewed(d, cert2.Raw); err != nil {
			t.Fatal(err)
		}
		return dir, d
	}
	oldPair := func(t *testing.T, dir string) {
		t.Helper()
		got, err := Load(dir)
		if err != nil || !bytes.Equal(got.Cert.Certificate[0], cert.Raw) {
			t.Fatalf("want the old pair: %v", err)
		}
	}
	newPair := func(t *testing.T, dir string) {
		t.Helper()
		got, err := Load(dir)
		if err != nil || !bytes.Equal(got.Cert.Certificate[0], cert2.Raw) {
			t.Fatalf("want the new pair: %v", err)
		}
	}
	mv := func(t *testing.T, d, from, to string) {
		t.Helper()
		if err := os.Rename(filepath.Join(d, from), filepath.Join(d, to)); err != nil {
			t.Fatal(err)
		}
	}
	write := func(t *testing.T, d, name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(d, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// restore puts the old pair back as the files before the commit.
	restore := func(t *testing.T, d string) {
		t.Helper()
		mv(t, d, keyFile, keyNew)
		mv(t, d, certFile, certNew)
		other := t.TempDir()
		if err := save(other, c, key); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{keyFile, certFile} {
			b, err := os.ReadFile(filepath.Join(other, credsDir, n))
			if err != nil {
				t.Fatal(err)
			}
			write(t, d, n, b)
		}
	}

	t.Run("done", func(t *testing.T) {
		dir, _ := setup(t)
		newPair(t, dir)
	})
	t.Run("key written", func(t *testing.T) {
		dir, d := setup(t)
		restore(t, d)
		os.Remove(filepath.Join(d, certNew))
		oldPair(t, dir)
		if err := FinishRenewal(dir); err != nil {
			t.Fatal(err)
		}
		oldPair(t, dir)
		// The key stays: the renewal is asked again with it.
		if k, err := pendingKey(d); err != nil || !k.Equal(key2) {
			t.Errorf("the new key of an uncommitted renewal was not kept for asking again: %v", err)
		}
	})
	t.Run("certificate half written", func(t *testing.T) {
		dir, d := setup(t)
		restore(t, d)
		b, _ := os.ReadFile(filepath.Join(d, certNew))
		os.Remove(filepath.Join(d, certNew))
		write(t, d, certTmp, b[:len(b)/2])
		oldPair(t, dir)
		if err := FinishRenewal(dir); err != nil {
			t.Fatal(err)
		}
		oldPair(t, dir)
		if got := names(files(t, dir)); len(got) != 4 || !slices.Contains(got, keyNew) {
			t.Errorf("files %v (want the pair, the credentials and the pending key)", got)
		}
	})
	t.Run("committed", func(t *testing.T) {
		dir, d := setup(t)
		restore(t, d)
		newPair(t, dir) // Load finishes the renewal first
		if err := FinishRenewal(dir); err != nil {
			t.Fatal(err)
		}
		newPair(t, dir)
	})
	t.Run("key moved", func(t *testing.T) {
		dir, d := setup(t)
		restore(t, d)
		mv(t, d, keyNew, keyFile)
		newPair(t, dir) // Load finishes the renewal first
		if err := FinishRenewal(dir); err != nil {
			t.Fatal(err)
		}
		newPair(t, dir)
		if got := names(files(t, dir)); len(got) != 3 {
			t.Errorf("files %v", got)
		}
	})
	t.Run("mismatched", func(t *testing.T) {
		dir, d := setup(t)
		restore(t, d)
		_, k3, _ := ed25519.GenerateKey(rand.Reader)
		other := t.TempDir()
		if err := save(other, c, k3); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(other, credsDir, keyFile))
		write(t, d, keyNew, b)
		if err := FinishRenewal(dir); !errors.Is(err, ErrBadCreds) {
			t.Fatalf("FinishRenewal of a pair that does not match: %v", err)
		}
		// Neither pair can be trusted to be the server's: Load says the
		// credentials are damaged (the PC enrolls again).
		if _, err := Load(dir); !errors.Is(err, ErrBadCreds) {
			t.Fatalf("Load after a renewal whose pair does not match: %v", err)
		}
	})
	t.Run("nothing to do", func(t *testing.T) {
		dir, _ := setup(t)
		if err := FinishRenewal(dir); err != nil {
			t.Fatal(err)
		}
		newPair(t, dir)
		if err := FinishRenewal(t.TempDir()); err != nil {
			t.Errorf("a folder without credentials: %v", err)
		}
	})
}
