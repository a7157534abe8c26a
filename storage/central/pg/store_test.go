package pg

import (
	"os"
	"sync"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/centraltest"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dsns remembers the database of each open Store of the tests.
var dsns sync.Map // central.Store → string

func open(tb testing.TB, dsn string) *Store {
	tb.Helper()
	s, err := Open(tb.Context(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	dsns.Store(s, dsn)
	tb.Cleanup(func() { s.Close() })
	return s
}

func dsnOf(s central.Store) string {
	v, _ := dsns.Load(s)
	return v.(string)
}

func backend() centraltest.Backend {
	return centraltest.Backend{
		Open:  func(tb testing.TB) central.Store { return open(tb, pgtest.DB(tb)) },
		Again: func(tb testing.TB, s central.Store) central.Store { return open(tb, dsnOf(s)) },
		Reopen: func(tb testing.TB, s central.Store) central.Store {
			s.Close()
			return open(tb, dsnOf(s))
		},
		Raw: func(tb testing.TB, s central.Store) []byte { return pgtest.Dump(tb, dsnOf(s)) },
	}
}

func TestConformance(t *testing.T) { centraltest.Run(t, backend()) }

func BenchmarkPush1000(b *testing.B) { centraltest.BenchPush(b, backend()) }
func BenchmarkPullPage(b *testing.B) { centraltest.BenchPull(b, backend()) }
