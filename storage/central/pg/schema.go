package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// migrations[i] takes the schema from version i to i+1. A released
// migration is never edited: a change is a new one appended.
var migrations = []string{
	// 1: the first layout.
	`
CREATE TABLE central_offices (
	id          text PRIMARY KEY,
	last_cursor bigint NOT NULL DEFAULT 0 CHECK (last_cursor >= 0),
	created     timestamptz NOT NULL
);

CREATE TABLE central_devices (
	office       text NOT NULL REFERENCES central_offices (id),
	id           text NOT NULL,
	name         text NOT NULL,
	cert_sha256  bytea NOT NULL,
	created      timestamptz NOT NULL,
	last_contact timestamptz,
	revoked      boolean NOT NULL DEFAULT false,
	revoked_at   timestamptz,
	chain_seq    bigint NOT NULL DEFAULT 0,
	chain_hash   bytea NOT NULL DEFAULT ''::bytea,
	anchor_seq   bigint NOT NULL DEFAULT 0,
	anchor_hash  bytea NOT NULL DEFAULT ''::bytea,
	anchor_sig   bytea NOT NULL DEFAULT ''::bytea,
	anchor_at    timestamptz,
	PRIMARY KEY (office, id)
);

-- No foreign key to central_devices: a push holds the device's row locked
-- and checked already, and a check per row would slow batches down.
CREATE TABLE central_envelopes (
	office    text NOT NULL,
	cursor_no bigint NOT NULL CHECK (cursor_no > 0),
	id        text NOT NULL,
	rev       text NOT NULL,
	device    text NOT NULL,
	seq       bigint NOT NULL,
	prev      bytea NOT NULL,
	hash      bytea NOT NULL,
	sig       bytea NOT NULL,
	sum       bytea NOT NULL,
	data      bytea NOT NULL,
	PRIMARY KEY (office, cursor_no),
	UNIQUE (office, id, rev)
);
-- Ciphertext does not compress: keep it out of line without trying.
ALTER TABLE central_envelopes ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE central_tokens (
	hash    bytea PRIMARY KEY,
	office  text REFERENCES central_offices (id), -- NULL: founds an office
	created timestamptz,
	expires timestamptz NOT NULL,
	used_at timestamptz,
	used_by text NOT NULL DEFAULT ''
);

CREATE TABLE central_logins (
	office       text NOT NULL REFERENCES central_offices (id),
	login        text NOT NULL,
	verifier     bytea NOT NULL,
	failures     integer NOT NULL DEFAULT 0,
	last_failure timestamptz,
	locked_until timestamptz,
	PRIMARY KEY (office, login)
);
`,
	// 2: a token may let its device register the office's first admin.
	`ALTER TABLE central_tokens ADD COLUMN first_admin boolean NOT NULL DEFAULT false;`,
	// 3: each office's newest signed user table, opaque.
	`
CREATE TABLE central_tables (
	office text PRIMARY KEY REFERENCES central_offices (id),
	serial bigint NOT NULL CHECK (serial > 0),
	data   bytea NOT NULL,
	device text NOT NULL,
	at     timestamptz
);
-- Mostly sealed key bundles: kept out of line without compressing.
ALTER TABLE central_tables ALTER COLUMN data SET STORAGE EXTERNAL;
`,
	// 4: a device's certificate as issued and the fingerprint its last
	// renewal replaced (a renewal whose answer was lost is answered
	// again).
	`
ALTER TABLE central_devices ADD COLUMN cert bytea;
ALTER TABLE central_devices ADD COLUMN prev_cert_sha256 bytea;
`,
	// 5: web booking: each office's newest publication, the sealed
	// requests with their own cursor sequence, and the places each slot
	// has held.
	`
CREATE TABLE central_booking_publications (
	office text PRIMARY KEY,
	serial bigint NOT NULL,
	data   bytea NOT NULL
);
CREATE TABLE central_booking_offices (
	office      text PRIMARY KEY,
	last_cursor bigint NOT NULL DEFAULT 0
);
CREATE TABLE central_booking_requests (
	office      text NOT NULL,
	ref         text NOT NULL,
	cursor      bigint NOT NULL,
	slot        text NOT NULL,
	key_id      text NOT NULL,
	sealed      bytea NOT NULL,
	status      text NOT NULL,
	reason      text NOT NULL DEFAULT '',
	received    timestamptz,
	cancel_hash bytea NOT NULL,
	PRIMARY KEY (office, ref),
	UNIQUE (office, cursor)
);
CREATE TABLE central_booking_holds (
	office text NOT NULL,
	slot   text NOT NULL,
	held   integer NOT NULL CHECK (held >= 0),
	PRIMARY KEY (office, slot)
);
`,
	// 6: erasure: the record ids a verified purge order redacted, so that
	// versions pushed under them later are stored redacted.
	`
CREATE TABLE central_redacted (
	office     text NOT NULL,
	id         text NOT NULL,
	order_hash text NOT NULL,
	PRIMARY KEY (office, id)
);
`,
}

// SchemaVersion is the schema this program writes.
var SchemaVersion = len(migrations)

// schemaLock is the advisory lock key under which servers migrate, so that
// several starting at once migrate once.
const schemaLock = 0x6d61646f_63656e74 // "madocent"

// migrate brings the database to SchemaVersion in one transaction; a
// database of a newer version gives ErrNewerSchema.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(schemaLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS central_schema (
	version integer PRIMARY KEY,
	applied timestamptz NOT NULL DEFAULT now()
)`); err != nil {
			return err
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM central_schema`).Scan(&v); err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("schema version %d, this program knows %d: %w", v, len(migrations), central.ErrNewerSchema)
		}
		for ; v < len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration to version %d: %w", v+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO central_schema (version) VALUES ($1)`, v+1); err != nil {
				return err
			}
		}
		return nil
	})
}
