package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// lockedBuffer is a log sink safe to read while the server writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// loginServer is a server with cheap hashes, a log, a clock the test
// moves forward, and a count of slow hashes.
type loginServer struct {
	*running
	log    *lockedBuffer
	skew   atomic.Int64 // added to the clock, ns
	hashes atomic.Int64
}

func startLoginServer(t *testing.T, opts ...func(*server.Server)) *loginServer {
	t.Helper()
	ls := &loginServer{log: &lockedBuffer{}}
	opts = append([]func(*server.Server){func(s *server.Server) {
		s.LoginKDF = vault.TestKDF()
		s.VerifierKDF = vault.TestKDF()
		s.Log = log.New(ls.log, "", log.LstdFlags)
		s.Now = func() time.Time { return time.Now().Add(time.Duration(ls.skew.Load())) }
		server.SetHashHook(s, func() { ls.hashes.Add(1) })
	}}, opts...)
	ls.running = startServer(t, opts...)
	return ls
}

func (ls *loginServer) advance(d time.Duration) { ls.skew.Add(int64(d)) }

// register sets login's password through the operator's call and returns
// the auth key.
func (ls *loginServer) register(t *testing.T, login, password string, admin bool) []byte {
	t.Helper()
	salt := []byte("salt-of-" + login + "________")[:vault.LoginSaltSize]
	key := vault.DeriveLoginKey([]byte(password), salt, vault.TestKDF())
	if err := ls.srv.SetLogin(context.Background(), login, salt, vault.TestKDF(), key, admin); err != nil {
		t.Fatal(err)
	}
	return key
}

func (ls *loginServer) client(t *testing.T) (*syncclient.Client, syncclient.Creds) {
	t.Helper()
	c, _ := ls.enroll(t)
	cl := syncclient.New(c)
	t.Cleanup(cl.Close)
	return cl, c
}

// post makes a raw request with the device's certificate and returns the
// status, Retry-After and body.
func post(t *testing.T, c syncclient.Creds, path string, v any) (int, string, []byte) {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(c.Pin, &c.Cert)}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post("https://"+c.Addr+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After"), raw
}

const (
	pwTanaka = "正しいパスワード-dummy-1"
	pwWrong  = "まちがい-dummy-2"
)

func TestLoginSessionBoundToDevice(t *testing.T) {
	ls := startLoginServer(t)
	ctx := context.Background()
	cl, creds := ls.client(t)
	other, _ := ls.client(t)
	ls.register(t, "tanaka", pwTanaka, false)

	s, err := cl.Login(ctx, "tanaka", pwTanaka)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if len(s.Token) != 32 || s.Admin || time.Until(s.Expires) > server.SessionTTL+time.Minute || time.Until(s.Expires) < server.SessionTTL-time.Minute {
		t.Errorf("session %+v", s)
	}
	info, err := cl.Session(ctx, s)
	if err != nil || info.Login != "tanaka" || info.Device != creds.Device {
		t.Fatalf("Session = %+v, %v", info, err)
	}
	// Another enrolled device with the same token: refused.
	if _, err := other.Session(ctx, s); !errors.Is(err, syncclient.ErrSession) {
		t.Errorf("token from another device: %v", err)
	}
	// A token that was never given out: refused.
	if _, err := cl.Session(ctx, syncclient.Session{Token: make([]byte, 32)}); !errors.Is(err, syncclient.ErrSession) {
		t.Errorf("unknown token: %v", err)
	}
	// Wrong password: refused and counted; a right one clears the count.
	if _, err := cl.Login(ctx, "tanaka", pwWrong); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("wrong password: %v", err)
	}
	if l, err := ls.store.Login(ctx, ls.id.Office, "tanaka"); err != nil || l.Failures != 1 {
		t.Fatalf("after a failure: %+v, %v", l, err)
	}
	if !bytes.Contains([]byte(ls.log.String()), []byte("login failed: ")) {
		t.Errorf("failure not logged: %s", ls.log.String())
	}
	if _, err := cl.Login(ctx, "tanaka", pwTanaka); err != nil {
		t.Fatal(err)
	}
	if l, _ := ls.store.Login(ctx, ls.id.Office, "tanaka"); l.Failures != 0 {
		t.Errorf("failures after a success: %d", l.Failures)
	}
	// The session expires.
	ls.advance(server.SessionTTL + time.Second)
	if _, err := cl.Session(ctx, s); !errors.Is(err, syncclient.ErrSession) {
		t.Errorf("expired token: %v", err)
	}
}

func TestLoginLockout(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) {
		s.Lockout = central.Lockout{After: 3, Base: time.Minute, Max: time.Hour}
		s.LoginPerMinute = -1
		s.DevicePerMinute = -1
	})
	ctx := context.Background()
	cl, _ := ls.client(t)
	ls.register(t, "tanaka", pwTanaka, false)
	for i := range 3 {
		if _, err := cl.Login(ctx, "tanaka", pwWrong); !errors.Is(err, syncclient.ErrLoginFailed) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	l, err := ls.store.Login(ctx, ls.id.Office, "tanaka")
	if err != nil || l.Failures != 3 || !l.Locked(ls.srv.Now()) {
		t.Fatalf("after 3 failures: %+v, %v", l, err)
	}
	// Locked: even the right password is refused, and the attempt does
	// not lengthen the lockout.
	if _, err := cl.Login(ctx, "tanaka", pwTanaka); !errors.Is(err, syncclient.ErrLoginLocked) {
		t.Fatalf("locked login: %v", err)
	}
	if l2, _ := ls.store.Login(ctx, ls.id.Office, "tanaka"); l2.Failures != 3 || !l2.LockedUntil.Equal(l.LockedUntil) {
		t.Errorf("attempt while locked changed the record: %+v", l2)
	}
	ls.advance(time.Minute + time.Second)
	if _, err := cl.Login(ctx, "tanaka", pwTanaka); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}

func TestLoginUnknown(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = -1; s.DevicePerMinute = -1 })
	ctx := context.Background()
	cl, creds := ls.client(t)
	ls.register(t, "tanaka", pwTanaka, false)

	salt := func(login string) (int, map[string]json.RawMessage) {
		st, _, raw := post(t, creds, server.PathLoginSalt, server.LoginSaltRequest{Login: login})
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return st, m
	}
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for n := range m {
			k = append(k, n)
		}
		sort.Strings(k)
		return k
	}
	stReal, real := salt("tanaka")
	stA, a := salt("nobody")
	_, a2 := salt("nobody")
	_, b := salt("nobody2")
	if stReal != http.StatusOK || stA != stReal || !equal(keys(a), keys(real)) || string(a["kdf"]) != string(real["kdf"]) {
		t.Errorf("unknown login answered otherwise: %d %s vs %d %s", stA, a, stReal, real)
	}
	if string(a["salt"]) != string(a2["salt"]) || string(a["salt"]) == string(b["salt"]) || len(a["salt"]) != len(real["salt"]) {
		t.Errorf("fake salts %s %s %s (real %s)", a["salt"], a2["salt"], b["salt"], real["salt"])
	}
	// The unknown login costs the same slow hash as a wrong password, and
	// gets the same answer.
	n := ls.hashes.Load()
	_, errKnown := cl.Login(ctx, "tanaka", pwWrong)
	known := ls.hashes.Load() - n
	_, errUnknown := cl.Login(ctx, "nobody", pwWrong)
	unknown := ls.hashes.Load() - n - known
	if known != 1 || unknown != 1 {
		t.Errorf("slow hashes: known login %d, unknown login %d", known, unknown)
	}
	if !errors.Is(errKnown, syncclient.ErrLoginFailed) || !errors.Is(errUnknown, syncclient.ErrLoginFailed) || errKnown.Error() != errUnknown.Error() {
		t.Errorf("answers differ: %v / %v", errKnown, errUnknown)
	}
	stK, _, rawK := post(t, creds, server.PathLogin, server.LoginRequest{Login: "tanaka", AuthKey: make([]byte, 32)})
	stU, _, rawU := post(t, creds, server.PathLogin, server.LoginRequest{Login: "nobody", AuthKey: make([]byte, 32)})
	if stK != stU || !bytes.Equal(rawK, rawU) {
		t.Errorf("raw answers differ: %d %s / %d %s", stK, rawK, stU, rawU)
	}
	if _, err := ls.store.Login(ctx, ls.id.Office, "nobody"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("an unknown login was stored: %v", err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLoginRateLimits(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = 2; s.DevicePerMinute = 4 })
	ctx := context.Background()
	cl, creds := ls.client(t)
	ls.register(t, "tanaka", pwTanaka, false)
	// Per login: two attempts a minute.
	for range 2 {
		if _, err := cl.Login(ctx, "tanaka", pwWrong); !errors.Is(err, syncclient.ErrLoginFailed) {
			t.Fatal(err)
		}
	}
	st, retry, raw := post(t, creds, server.PathLogin, server.LoginRequest{Login: "tanaka", AuthKey: make([]byte, 32)})
	if st != http.StatusTooManyRequests || retry == "" || !bytes.Contains(raw, []byte(server.ReasonRateLimited)) {
		t.Fatalf("third attempt: %d %q %s", st, retry, raw)
	}
	if _, err := cl.Login(ctx, "tanaka", pwTanaka); !errors.Is(err, syncclient.ErrRateLimited) {
		t.Fatalf("right password over the limit: %v", err)
	}
	// Per device: the salt requests and logins above took 4+ of its 4.
	if _, err := cl.Login(ctx, "suzuki", pwWrong); !errors.Is(err, syncclient.ErrRateLimited) {
		t.Fatalf("device over its limit: %v", err)
	}
	// Another device is not limited by this one's attempts, and a minute
	// later the bucket has refilled.
	cl2, _ := ls.client(t)
	if _, err := cl2.Login(ctx, "suzuki", pwWrong); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatalf("another device: %v", err)
	}
	ls.advance(time.Minute)
	if _, err := cl.Login(ctx, "tanaka", pwTanaka); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestSetLoginOverTheChannel(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = -1; s.DevicePerMinute = -1 })
	ctx := context.Background()
	cl, _ := ls.client(t)
	ls.register(t, "kanri", pwTanaka, true)
	admin, err := cl.Login(ctx, "kanri", pwTanaka)
	if err != nil || !admin.Admin {
		t.Fatalf("admin login: %+v, %v", admin, err)
	}
	if err := cl.SetLogin(ctx, admin, "suzuki", "鈴木の仮パスワード-dummy", vault.TestKDF(), false); err != nil {
		t.Fatalf("SetLogin: %v", err)
	}
	user, err := cl.Login(ctx, "suzuki", "鈴木の仮パスワード-dummy")
	if err != nil || user.Admin {
		t.Fatalf("new login: %+v, %v", user, err)
	}
	// A user may change only their own password, and not become an admin.
	if err := cl.SetLogin(ctx, user, "kanri", "x-dummy", vault.TestKDF(), false); !errors.Is(err, syncclient.ErrRefused) {
		t.Errorf("user setting another login: %v", err)
	}
	if err := cl.SetLogin(ctx, user, "suzuki", "y-dummy", vault.TestKDF(), true); !errors.Is(err, syncclient.ErrRefused) {
		t.Errorf("user making itself admin: %v", err)
	}
	if err := cl.SetLogin(ctx, user, "suzuki", "新しいパスワード-dummy", vault.TestKDF(), false); err != nil {
		t.Fatalf("own password: %v", err)
	}
	if _, err := cl.Login(ctx, "suzuki", "新しいパスワード-dummy"); err != nil {
		t.Fatal(err)
	}
	// Without a session: refused.
	if err := cl.SetLogin(ctx, syncclient.Session{Token: make([]byte, 32)}, "suzuki", "z-dummy", vault.TestKDF(), false); !errors.Is(err, syncclient.ErrSession) {
		t.Errorf("no session: %v", err)
	}
}

// TestLoginSecretsNotKept scans the server's log and store folder for the
// password and the auth key, in the forms they could take.
func TestLoginSecretsNotKept(t *testing.T) {
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = -1; s.DevicePerMinute = -1 })
	ctx := context.Background()
	cl, _ := ls.client(t)
	key := ls.register(t, "scan-login-tanaka", pwTanaka, true)
	s, err := cl.Login(ctx, "scan-login-tanaka", pwTanaka)
	if err != nil {
		t.Fatal(err)
	}
	wrongKey := vault.DeriveLoginKey([]byte(pwWrong), []byte("salt-of-scan-login-tanaka")[:16], vault.TestKDF())
	if _, err := cl.Login(ctx, "scan-login-tanaka", pwWrong); !errors.Is(err, syncclient.ErrLoginFailed) {
		t.Fatal(err)
	}
	if err := cl.SetLogin(ctx, s, "scan-login-suzuki", pwWrong, vault.TestKDF(), false); err != nil {
		t.Fatal(err)
	}
	var secrets [][]byte
	for _, k := range [][]byte{key, wrongKey, s.Token} {
		secrets = append(secrets, k, []byte(hex.EncodeToString(k)), []byte(base64.StdEncoding.EncodeToString(k)),
			[]byte(base64.RawURLEncoding.EncodeToString(k)))
	}
	secrets = append(secrets, []byte(pwTanaka), []byte(pwWrong), []byte("scan-login-tanaka"))
	logText := []byte(ls.log.String())
	if !bytes.Contains(logText, []byte("login failed")) {
		t.Fatalf("log without the failure: %s", logText)
	}
	for _, sec := range secrets {
		if bytes.Contains(logText, sec) {
			t.Errorf("log holds %q", sec)
		}
	}
	// The store: every file of its folder but the value logs (preallocated
	// gigabytes; the store keeps values of under 2 KiB, such as a
	// verifier, in its write-ahead log and tables). The login name is
	// stored (it is a key) and shows that the scan sees the store's bytes.
	var all []byte
	err = filepath.WalkDir(filepath.Join(ls.data, "store"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) == ".vlog" {
			return err
		}
		b, err := os.ReadFile(p)
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(all, []byte("scan-login-tanaka")) {
		t.Fatal("the scan does not see the store's contents")
	}
	for _, sec := range secrets[:len(secrets)-1] {
		if bytes.Contains(all, sec) {
			t.Errorf("store holds %q", sec)
		}
	}
}
