package pg

import (
	"context"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// TestProbeDatabase reads a fresh database (no tables yet), then the same
// after the server's first start, and a connection string that reaches
// nothing.
func TestProbeDatabase(t *testing.T) {
	dsn := pgtest.DB(t)
	ctx := context.Background()
	p, err := ProbeDatabase(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if p.Schema != 0 || p.Known != len(migrations) || time.Since(p.Now).Abs() > time.Minute {
		t.Errorf("fresh database: %+v", p)
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if p, err = ProbeDatabase(ctx, dsn); err != nil || p.Schema != len(migrations) {
		t.Errorf("after the first start: %+v, %v", p, err)
	}
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := ProbeDatabase(short, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"); err == nil {
		t.Error("a port where nothing listens answered")
	}
}
