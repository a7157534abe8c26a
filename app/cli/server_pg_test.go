package cli

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

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

func TestServerPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	dsn := pgtest.DB(t)
	data := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区 経営相談窓口", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	addr, stop := startCLIServer(t, "--data", data, "--database", dsn)
	// With PostgreSQL, server enroll writes to the database itself, while
	// the server runs.
	var codes []string
	for range 2 {
		code, out, errs := run(t, "", "server", "enroll", "--data", data, "--database", dsn, "--addr", addr)
		if code != ExitOK {
			t.Fatalf("server enroll: %d %s", code, errs)
		}
		codes = append(codes, lastLine(out))
	}
	for i, code := range codes {
		c, err := syncclient.Enroll(context.Background(), t.TempDir(), code, "PC")
		if err != nil {
			t.Fatalf("enroll %d: %v", i, err)
		}
		cl := syncclient.New(c)
		if ans, err := cl.Ping(context.Background()); err != nil || ans.Name != "テスト区 経営相談窓口" {
			t.Errorf("ping: %+v %v", ans, err)
		}
		cl.Close()
	}
	stop()
}
