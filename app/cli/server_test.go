package cli

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lastLine is the last non-empty line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// withAddr returns the code with another server address.
func withAddr(t *testing.T, code, addr string) string {
	t.Helper()
	c, err := server.ParseCode(code)
	if err != nil {
		t.Fatalf("code %q: %v", code, err)
	}
	c.Addr = addr
	return c.String()
}

func TestServerCommands(t *testing.T) {
	data := t.TempDir()
	code, out, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区 経営相談窓口", "--addr", "127.0.0.1:8443")
	if code != ExitOK || !strings.Contains(out, "ピン") {
		t.Fatalf("server init: %d %s %s", code, out, errs)
	}
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "x", "--addr", "127.0.0.1:8443"); code != ExitInvalidInput || !strings.Contains(errs, "すでにサーバーの鍵") {
		t.Errorf("second server init: %d %s", code, errs)
	}
	// A code made while the server is stopped goes straight into the store.
	code, out, errs = run(t, "", "server", "enroll", "--data", data, "--expires", "1h")
	if code != ExitOK {
		t.Fatalf("server enroll: %d %s", code, errs)
	}
	offline := lastLine(out)

	// The server on loopback, stopped by its context (Ctrl+C).
	addr, stop := startCLIServer(t, "--data", data)

	c1, err := syncclient.Enroll(context.Background(), t.TempDir(), withAddr(t, offline, addr), "受付PC")
	if err != nil {
		t.Fatalf("enroll with the offline code: %v", err)
	}
	// While the server runs, the store is locked: the token goes through
	// the tokens folder.
	code, out, errs = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	if code != ExitOK {
		t.Fatalf("server enroll while running: %d %s", code, errs)
	}
	c2, err := syncclient.Enroll(context.Background(), t.TempDir(), lastLine(out), "相談PC")
	if err != nil {
		t.Fatalf("enroll with the online code: %v", err)
	}
	for _, c := range []syncclient.Creds{c1, c2} {
		cl := syncclient.New(c)
		ans, err := cl.Ping(context.Background())
		cl.Close()
		if err != nil || ans.Name != "テスト区 経営相談窓口" {
			t.Errorf("ping: %+v %v", ans, err)
		}
	}
	if _, err := syncclient.Enroll(context.Background(), t.TempDir(), lastLine(out), "PC3"); err == nil {
		t.Error("a code used twice")
	}

	// A PC's vault joins with madoguchi enroll: an administrator only.
	vdir, adminPw := newVault(t)
	_, out, _ = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	pcCode := lastLine(out)
	recPw := writePw(t, t.TempDir(), "rec.pw", "reception-pw-1")
	if code, _, errs := run(t, "", "enroll", "--vault", vdir, "--as", "uketsuke", "--password-file", recPw, pcCode); code != ExitForbidden {
		t.Errorf("enroll by reception: %d %s", code, errs)
	}
	other := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", other, "--name", "別の窓口", "--addr", addr); code != ExitOK {
		t.Fatalf("second identity: %d %s", code, errs)
	}
	c, _ := server.ParseCode(pcCode)
	otherID, err := server.Load(other)
	if err != nil {
		t.Fatal(err)
	}
	c.Pin = otherID.Pin()
	if code, _, errs := run(t, "", "enroll", "--vault", vdir, "--as", "kanri", "--password-file", adminPw, c.String()); code != ExitForbidden || !strings.Contains(errs, "鍵が一致しません") {
		t.Errorf("enroll with another server's pin: %d %s", code, errs)
	}
	if code, _, errs := run(t, "", "enroll", "--vault", vdir, "--as", "kanri", "--password-file", adminPw, "MDG1.garbage"); code != ExitInvalidInput || !strings.Contains(errs, "登録コードが正しくありません") {
		t.Errorf("enroll with a bad code: %d %s", code, errs)
	}
	code, out, errs = run(t, "", "enroll", "--vault", vdir, "--as", "kanri", "--password-file", adminPw, "--name", "受付PC", pcCode)
	if code != ExitOK || !strings.Contains(out, "テスト区 経営相談窓口 のサーバーに登録しました") {
		t.Fatalf("enroll: %d %s %s", code, out, errs)
	}
	creds, err := syncclient.Load(vdir)
	if err != nil {
		t.Fatal(err)
	}
	cl := syncclient.New(creds)
	if _, err := cl.Ping(context.Background()); err != nil {
		t.Errorf("ping with the vault's credentials: %v", err)
	}
	cl.Close()
	_, out, _ = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	if code, _, errs := run(t, "", "enroll", "--vault", vdir, "--as", "kanri", "--password-file", adminPw, lastLine(out)); code != ExitInvalidInput || !strings.Contains(errs, "すでにサーバーに登録") {
		t.Errorf("enrolling twice: %d %s", code, errs)
	}
	if code, _, errs := run(t, "", "enroll", "--vault", vdir, "--as", "kanri", "--password-file", adminPw, pcCode); code != ExitInvalidInput {
		t.Errorf("enrolling twice with a used code: %d %s", code, errs)
	}

	if out := stop(); !strings.Contains(out, "サーバーを終了しました") {
		t.Errorf("no clean stop: %s", out)
	}
}

func TestServerErrors(t *testing.T) {
	data := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	withID := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", withID, "--name", "x", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	for _, tc := range []struct {
		args []string
		exit int
		msg  string
	}{
		{[]string{"server", "--data", data}, ExitNoVault, "server init"},
		{[]string{"server", "enroll", "--data", data}, ExitNoVault, "server init"},
		{[]string{"server", "init", "--data", data, "--name", "x", "--addr", "no-port"}, ExitInvalidInput, "ホスト名:ポート番号"},
		{[]string{"server", "init", "--data", data}, ExitUsage, "--name"},
		{[]string{"server", "enroll", "--data", data, "--expires", "1s"}, ExitUsage, "--expires"},
		{[]string{"server", "--data", withID, "--listen", busy.Addr().String()}, ExitInUse, "待ち受けできません"},
		{[]string{"server", "enroll", "--data", withID, "--addr", "bad"}, ExitInvalidInput, "ホスト名:ポート番号"},
		{[]string{"enroll", "--vault", data, "--as", "kanri"}, ExitUsage, "登録コード"},
	} {
		code, _, errs := run(t, "", tc.args...)
		if code != tc.exit || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, %s", tc.args, code, errs)
		}
	}
}

// startCLIServer runs `madoguchi server` with args on 127.0.0.1:0 and
// returns its address and a function that stops it (Ctrl+C) and checks
// its exit; the test's end stops it too.
func startCLIServer(t *testing.T, args ...string) (addr string, stop func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var sout, serr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(append([]string{"server", "--listen", "127.0.0.1:0"}, args...), &Env{Stdin: strings.NewReader(""), Stdout: &sout, Stderr: &serr, ctx: ctx})
	}()
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			cancel()
			if code := <-done; code != ExitOK {
				t.Errorf("server exit %d: %s", code, serr.String())
			}
		}
		return sout.String()
	}
	t.Cleanup(func() { stop() })
	listening := regexp.MustCompile(`待ち受け: (127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(sout.String()); m != nil {
			return m[1], stop
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("server exited %d: %s %s", code, sout.String(), serr.String())
		default:
		}
	}
	t.Fatalf("server did not start: %s %s", sout.String(), serr.String())
	return "", nil
}
