package pg

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

var _ central.Bookings = (*Store)(nil)

// PutPublication stores the office's publication (central.Bookings).
func (s *Store) PutPublication(ctx context.Context, office string, serial uint64, p []byte) error {
	if office == "" || len(p) == 0 || len(p) > central.MaxBookingPublication || serial > 1<<62 {
		return central.ErrInvalid
	}
	return s.do(ctx, func() error {
		tag, err := s.pool.Exec(ctx, `INSERT INTO central_booking_publications AS p (office, serial, data) VALUES ($1, $2, $3)
ON CONFLICT (office) DO UPDATE SET serial = EXCLUDED.serial, data = EXCLUDED.data WHERE p.serial < EXCLUDED.serial`,
			office, int64(serial), p)
		if err != nil {
			return fmt.Errorf("put publication: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return central.ErrStale
		}
		return nil
	})
}

// Publication returns the office's newest publication (central.Bookings).
func (s *Store) Publication(ctx context.Context, office string) (uint64, []byte, error) {
	var serial int64
	var p []byte
	err := s.do(ctx, func() error {
		err := s.pool.QueryRow(ctx, `SELECT serial, data FROM central_booking_publications WHERE office = $1`, office).Scan(&serial, &p)
		return notFound(err, "publication of "+office)
	})
	return uint64(serial), p, err
}

// AddBookingRequest stores a new request holding its slot
// (central.Bookings): the hold is one statement that adds a place only
// while places are left, so two requests for the last one cannot both win.
func (s *Store) AddBookingRequest(ctx context.Context, r central.BookingRequest, capacity int) (central.BookingRequest, error) {
	if err := central.CheckBookingRequest(&r); err != nil || capacity < 1 {
		return central.BookingRequest{}, central.ErrInvalid
	}
	r.Status, r.Reason = central.BookingReceived, ""
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var held int
		err := tx.QueryRow(ctx, `INSERT INTO central_booking_holds AS h (office, slot, held) VALUES ($1, $2, 1)
ON CONFLICT (office, slot) DO UPDATE SET held = h.held + 1 WHERE h.held < $3 RETURNING held`, r.Office, r.SlotID, capacity).Scan(&held)
		if errors.Is(err, pgx.ErrNoRows) {
			return central.ErrSlotFull
		} else if err != nil {
			return fmt.Errorf("hold slot: %w", err)
		}
		if err := nextBookingCursor(ctx, tx, &r); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO central_booking_requests (office, ref, cursor, slot, key_id, sealed, status, reason, received, cancel_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, r.Office, r.Ref, int64(r.Cursor), r.SlotID, r.KeyID, r.Sealed, r.Status, r.Reason, ts(r.Received), r.CancelHash)
		if isCode(err, uniqueViolation) {
			return fmt.Errorf("booking request %s: %w", r.Ref, central.ErrConflict)
		}
		return err
	})
	if err != nil {
		return central.BookingRequest{}, err
	}
	return r, nil
}

// nextBookingCursor gives r the office's next booking cursor (the row lock
// orders the office's booking changes).
func nextBookingCursor(ctx context.Context, tx pgx.Tx, r *central.BookingRequest) error {
	var c int64
	err := tx.QueryRow(ctx, `INSERT INTO central_booking_offices AS o (office, last_cursor) VALUES ($1, 1)
ON CONFLICT (office) DO UPDATE SET last_cursor = o.last_cursor + 1 RETURNING last_cursor`, r.Office).Scan(&c)
	if err != nil {
		return fmt.Errorf("booking cursor: %w", err)
	}
	r.Cursor = uint64(c)
	return nil
}

const bookingColumns = `cursor, ref, slot, key_id, sealed, status, reason, received, cancel_hash`

func scanBooking(row pgx.Row, office string) (central.BookingRequest, error) {
	r := central.BookingRequest{Office: office}
	var c int64
	var at pgtype.Timestamptz
	if err := row.Scan(&c, &r.Ref, &r.SlotID, &r.KeyID, &r.Sealed, &r.Status, &r.Reason, &at, &r.CancelHash); err != nil {
		return central.BookingRequest{}, err
	}
	r.Cursor, r.Received = uint64(c), tm(at)
	return r, nil
}

// BookingRequest returns one request (central.Bookings).
func (s *Store) BookingRequest(ctx context.Context, office, ref string) (central.BookingRequest, error) {
	var r central.BookingRequest
	err := s.do(ctx, func() error {
		var err error
		r, err = scanBooking(s.pool.QueryRow(ctx, `SELECT `+bookingColumns+` FROM central_booking_requests WHERE office = $1 AND ref = $2`, office, ref), office)
		return notFound(err, "booking request "+ref)
	})
	return r, err
}

// BookingRequests lists requests after a cursor (central.Bookings).
func (s *Store) BookingRequests(ctx context.Context, office string, after uint64, limit int) ([]central.BookingRequest, bool, error) {
	if limit <= 0 || limit > central.MaxBookingPage {
		limit = central.MaxBookingPage
	}
	var out []central.BookingRequest
	err := s.do(ctx, func() error {
		rows, err := s.pool.Query(ctx, `SELECT `+bookingColumns+` FROM central_booking_requests WHERE office = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
			office, int64(min(after, 1<<62)), limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanBooking(rows, office)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// SetBookingStatus moves a request to a status (central.Bookings).
func (s *Store) SetBookingStatus(ctx context.Context, office, ref, status, reason string) (central.BookingRequest, error) {
	if !central.ValidBookingStatus(status) || len(reason) > central.MaxBookingReason {
		return central.BookingRequest{}, central.ErrInvalid
	}
	var r central.BookingRequest
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		r, err = scanBooking(tx.QueryRow(ctx, `SELECT `+bookingColumns+` FROM central_booking_requests WHERE office = $1 AND ref = $2 FOR UPDATE`, office, ref), office)
		if err != nil {
			return notFound(err, "booking request "+ref)
		}
		if r.Status == status {
			return nil
		}
		if !central.BookingMove(r.Status, status) {
			return fmt.Errorf("booking request %s is %s: %w", ref, r.Status, central.ErrConflict)
		}
		if central.Holds(r.Status) && !central.Holds(status) {
			if _, err := tx.Exec(ctx, `UPDATE central_booking_holds SET held = held - 1 WHERE office = $1 AND slot = $2 AND held > 0`, office, r.SlotID); err != nil {
				return err
			}
		}
		r.Status, r.Reason = status, reason
		if err := nextBookingCursor(ctx, tx, &r); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE central_booking_requests SET status = $3, reason = $4, cursor = $5 WHERE office = $1 AND ref = $2`,
			office, ref, status, reason, int64(r.Cursor))
		return err
	})
	return r, err
}
