package pg

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/centraltest"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// TestHeldPushHoldsBackLaterPushes holds a push open after it has taken its
// cursors: a push through a second server waits for it, and a reader on a
// third server sees nothing until it commits.
func TestHeldPushHoldsBackLaterPushes(t *testing.T) {
	dsn := pgtest.DB(t)
	a, b, r := open(t, dsn), open(t, dsn), open(t, dsn)
	centraltest.HeldPush(t, a, b, r, func(hook func()) { testHookBeforeCommit = hook })
}

// TestSlowCommitsNeverSkip runs concurrent pushers on two servers with every
// push held open up to three milliseconds between taking its cursors and
// committing, and a reader polling on a third server.
func TestSlowCommitsNeverSkip(t *testing.T) {
	dsn := pgtest.DB(t)
	a, b, r := open(t, dsn), open(t, dsn), open(t, dsn)
	testHookBeforeCommit = func() { time.Sleep(time.Duration(mrand.IntN(3000)) * time.Microsecond) }
	defer func() { testHookBeforeCommit = nil }()
	batches := 20
	if testing.Short() {
		batches = 8
	}
	centraltest.ConcurrentPushersNeverSkip(t, []central.Store{a, b}, r, 4, batches)
}

// TestSequenceAloneSkipsRows is the control: the same interleaving as
// TestHeldPushHoldsBackLaterPushes with cursors from a plain sequence and
// no lock loses a row for a polling reader. It is what the office row lock
// prevents.
func TestSequenceAloneSkipsRows(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DB(t)
	conn := func() *pgx.Conn {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	setup, ca, cb := conn(), conn(), conn()
	if _, err := setup.Exec(ctx, `CREATE SEQUENCE naive_seq; CREATE TABLE naive (c bigint PRIMARY KEY DEFAULT nextval('naive_seq'), v text)`); err != nil {
		t.Fatal(err)
	}
	ta, err := ca.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ta.Exec(ctx, `INSERT INTO naive (v) VALUES ('a')`); err != nil { // takes 1, not committed
		t.Fatal(err)
	}
	if _, err := cb.Exec(ctx, `INSERT INTO naive (v) VALUES ('b')`); err != nil { // takes 2, commits
		t.Fatal(err)
	}
	poll := func(after int64) []int64 {
		rows, err := setup.Query(ctx, `SELECT c FROM naive WHERE c > $1 ORDER BY c`, after)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	seen := poll(0)
	if len(seen) != 1 || seen[0] != 2 {
		t.Fatalf("first poll saw %v, want [2]", seen)
	}
	if err := ta.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if later := poll(seen[len(seen)-1]); len(later) != 0 {
		t.Fatalf("second poll saw %v", later)
	}
	if all := poll(0); len(all) != 2 {
		t.Fatalf("table holds %v", all)
	}
	t.Log("with a bare sequence the reader moved past cursor 1 before it committed, and never pulls it")
}

// TestMigrateTogether opens several servers on a new database at once: the
// schema is made once.
func TestMigrateTogether(t *testing.T) {
	dsn := pgtest.DB(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(t.Context(), dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, dsn)
	var n, v int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*), max(version) FROM central_schema`).Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != SchemaVersion || v != SchemaVersion {
		t.Fatalf("central_schema has %d rows up to %d, want %d", n, v, SchemaVersion)
	}
}

func TestNewerSchema(t *testing.T) {
	dsn := pgtest.DB(t)
	s := open(t, dsn)
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO central_schema (version) VALUES ($1)`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(t.Context(), dsn); !errors.Is(err, central.ErrNewerSchema) {
		t.Fatalf("Open of a newer schema: %v", err)
	}
}

// TestOpenWithoutServer: a server that is not there gives an error, not a
// Store.
func TestOpenWithoutServer(t *testing.T) {
	if s, err := Open(t.Context(), "host=/nonexistent-dir port=1 user=x sslmode=disable connect_timeout=1"); err == nil {
		s.Close()
		t.Fatal("Open without a server succeeded")
	}
}

// TestSerializableByDefault runs concurrent pushers on a database whose
// default isolation is serializable: the store's transactions say read
// committed themselves, so pushes that wait for the office's row succeed.
func TestSerializableByDefault(t *testing.T) {
	dsn := pgtest.DB(t)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(t.Context(), `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation = serializable', current_database()); END $$`)
	conn.Close(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a, b := open(t, dsn), open(t, dsn)
	centraltest.ConcurrentPushersNeverSkip(t, []central.Store{a, b}, a, 3, 8)
}
