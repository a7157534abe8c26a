package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Probe is what an operator's check learns of the central database
// without changing it.
type Probe struct {
	// Now is the database server's clock.
	Now time.Time
	// Schema is the schema version found (0: none yet, the server makes
	// it at its first start); Known is the version this program writes.
	Schema, Known int
}

// ProbeDatabase connects to dsn once and reads the server's clock and the
// schema version. It writes nothing.
func ProbeDatabase(ctx context.Context, dsn string) (Probe, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return Probe{}, fmt.Errorf("connect to the central database: %w", err)
	}
	defer conn.Close(context.Background())
	p := Probe{Known: len(migrations)}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT now(), to_regclass('central_schema') IS NOT NULL`).Scan(&p.Now, &exists); err != nil {
		return Probe{}, fmt.Errorf("query the central database: %w", err)
	}
	if exists {
		if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM central_schema`).Scan(&p.Schema); err != nil {
			return Probe{}, fmt.Errorf("read the schema version: %w", err)
		}
	}
	return p, nil
}
