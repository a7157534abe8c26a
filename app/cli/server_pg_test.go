//go:build linux

package cli

import (
	"context"
	"os"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// TestMain stops the private PostgreSQL of the tests, if one was started.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

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
