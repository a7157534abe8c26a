package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// redactPrefix is the start of every redaction mark (central.Redaction):
// the mark's size less the SHA-256 and the order hash.
var redactPrefix = central.Redaction([32]byte{}, "")[:central.RedactionSize-32-64]

// Redact redacts the office's envelopes of ids (central.Store). The ids go
// into central_redacted and the envelopes' data becomes the mark, in one
// transaction that holds the office's row, as a push does, so a push
// either comes before (and is redacted here) or after (and finds the ids).
// Then VACUUM FULL rewrites central_envelopes and its TOAST table without
// the dead rows that still held the sealed bytes; it locks the table while
// it runs (an erasure is rare; pushes and pulls wait for it).
func (s *Store) Redact(ctx context.Context, office, order string, ids []string) (int, error) {
	if err := central.CheckRedact(office, order, ids); err != nil {
		return 0, fmt.Errorf("redact: %w", err)
	}
	var n int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var last int64
		err := tx.QueryRow(ctx, `SELECT last_cursor FROM central_offices WHERE id = $1 FOR NO KEY UPDATE`, office).Scan(&last)
		if err != nil {
			return notFound(err, "office "+office)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO central_redacted (office, id, order_hash)
SELECT $1, u.id, $2 FROM unnest($3::text[]) AS u (id) ON CONFLICT (office, id) DO NOTHING`, office, order, ids); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE central_envelopes
SET data = $2::bytea || sha256(data) || convert_to($3, 'UTF8')
WHERE office = $1 AND id = ANY($4::text[])
  AND NOT (octet_length(data) = $5 AND substring(data FROM 1 FOR $6) = $2::bytea)`,
			office, redactPrefix, order, ids, central.RedactionSize, len(redactPrefix))
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("redact records of office %s: %w", office, err)
	}
	if n > 0 {
		if err := s.vacuum(ctx); err != nil {
			return int(n), fmt.Errorf("redact records of office %s: %w", office, err)
		}
	}
	return int(n), nil
}

// vacuum rewrites the envelope table (outside a transaction, as VACUUM
// must run).
func (s *Store) vacuum(ctx context.Context) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	if _, err := s.pool.Exec(ctx, `VACUUM FULL central_envelopes`); err != nil {
		return fmt.Errorf("vacuum the envelopes: %w", ctxErr(ctx, err))
	}
	return nil
}
