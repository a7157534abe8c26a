package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Web booking's keys (see codec.go for the others):
//
//	bp/<office>                         publication: serial (u64 BE) | JSON
//	bq/<office>                         the last booking cursor given out (u64 BE)
//	br/<office>\x00<ref>                request: 1 | JSON (bookingValue)
//	bx/<office>\x00<cursor, u64 BE>     the ref of the request at that cursor
//	bh/<office>\x00<slot>               the requests holding the slot (u32 BE)

var _ central.Bookings = (*Store)(nil)

func bookingPubKey(office string) []byte      { return []byte("bp/" + office) }
func bookingSeqKey(office string) []byte      { return []byte("bq/" + office) }
func bookingReqKey(office, ref string) []byte { return []byte("br/" + office + sep + ref) }
func bookingCurPrefix(office string) []byte   { return []byte("bx/" + office + sep) }
func bookingCurKey(office string, c uint64) []byte {
	return binary.BigEndian.AppendUint64(bookingCurPrefix(office), c)
}
func bookingHoldKey(office, slot string) []byte { return []byte("bh/" + office + sep + slot) }

// bookingValue is a request's stored value (the office and ref are in the
// key).
type bookingValue struct {
	Cursor     uint64 `json:"c"`
	SlotID     string `json:"s"`
	KeyID      string `json:"k"`
	Sealed     []byte `json:"x"`
	Status     string `json:"t"`
	Reason     string `json:"r,omitempty"`
	Received   int64  `json:"at"`
	CancelHash []byte `json:"h"`
}

func encodeBooking(r central.BookingRequest) []byte {
	raw, _ := json.Marshal(bookingValue{Cursor: r.Cursor, SlotID: r.SlotID, KeyID: r.KeyID, Sealed: r.Sealed,
		Status: r.Status, Reason: r.Reason, Received: encodeTime(r.Received), CancelHash: r.CancelHash})
	return append([]byte{valueV1}, raw...)
}

func decodeBooking(v []byte, office, ref string) (central.BookingRequest, error) {
	if len(v) == 0 || v[0] != valueV1 {
		return central.BookingRequest{}, fmt.Errorf("booking request %s: format: %w", ref, central.ErrCorrupt)
	}
	dec := json.NewDecoder(bytes.NewReader(v[1:]))
	dec.DisallowUnknownFields()
	var b bookingValue
	if err := dec.Decode(&b); err != nil || dec.More() || !central.ValidBookingStatus(b.Status) ||
		len(b.CancelHash) != 32 || len(b.Sealed) > central.MaxBookingSealed {
		return central.BookingRequest{}, fmt.Errorf("booking request %s: %w", ref, central.ErrCorrupt)
	}
	return central.BookingRequest{Office: office, Cursor: b.Cursor, Ref: ref, SlotID: b.SlotID, KeyID: b.KeyID,
		Sealed: b.Sealed, Status: b.Status, Reason: b.Reason, Received: decodeTime(b.Received), CancelHash: b.CancelHash}, nil
}

func getU64(txn *badger.Txn, key []byte) (uint64, error) {
	v, err := get(txn, key, string(key))
	if errors.Is(err, central.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("%s: %w", key, central.ErrCorrupt)
	}
	return binary.BigEndian.Uint64(v), nil
}

// PutPublication stores the office's publication (central.Bookings).
func (s *Store) PutPublication(ctx context.Context, office string, serial uint64, p []byte) error {
	if office == "" || len(p) == 0 || len(p) > central.MaxBookingPublication {
		return central.ErrInvalid
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		if v, err := get(txn, bookingPubKey(office), "publication"); err == nil {
			if len(v) < 8 {
				return fmt.Errorf("publication: %w", central.ErrCorrupt)
			}
			if serial <= binary.BigEndian.Uint64(v) {
				return central.ErrStale
			}
		} else if !errors.Is(err, central.ErrNotFound) {
			return err
		}
		return txn.Set(bookingPubKey(office), append(binary.BigEndian.AppendUint64(nil, serial), p...))
	})
}

// Publication returns the office's newest publication (central.Bookings).
func (s *Store) Publication(ctx context.Context, office string) (uint64, []byte, error) {
	var serial uint64
	var p []byte
	err := s.view(ctx, func(txn *badger.Txn) error {
		v, err := get(txn, bookingPubKey(office), "publication of "+office)
		if err != nil {
			return err
		}
		if len(v) < 8 {
			return fmt.Errorf("publication: %w", central.ErrCorrupt)
		}
		serial, p = binary.BigEndian.Uint64(v), v[8:]
		return nil
	})
	return serial, p, err
}

// AddBookingRequest stores a new request holding its slot
// (central.Bookings). Writes are serialised by the store's write lock, so
// the count and the hold are one step.
func (s *Store) AddBookingRequest(ctx context.Context, r central.BookingRequest, capacity int) (central.BookingRequest, error) {
	if err := central.CheckBookingRequest(&r); err != nil || capacity < 1 {
		return central.BookingRequest{}, central.ErrInvalid
	}
	r.Status, r.Reason = central.BookingReceived, ""
	err := s.update(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(bookingReqKey(r.Office, r.Ref)); err == nil {
			return fmt.Errorf("booking request %s: %w", r.Ref, central.ErrConflict)
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		held, err := getHold(txn, r.Office, r.SlotID)
		if err != nil {
			return err
		}
		if int(held) >= capacity {
			return central.ErrSlotFull
		}
		if err := setHold(txn, r.Office, r.SlotID, held+1); err != nil {
			return err
		}
		return putBooking(txn, &r)
	})
	if err != nil {
		return central.BookingRequest{}, err
	}
	return r, nil
}

// putBooking gives r the office's next booking cursor and stores it with
// its cursor index.
func putBooking(txn *badger.Txn, r *central.BookingRequest) error {
	last, err := getU64(txn, bookingSeqKey(r.Office))
	if err != nil {
		return err
	}
	r.Cursor = last + 1
	for _, e := range []struct{ k, v []byte }{
		{bookingSeqKey(r.Office), binary.BigEndian.AppendUint64(nil, r.Cursor)},
		{bookingReqKey(r.Office, r.Ref), encodeBooking(*r)},
		{bookingCurKey(r.Office, r.Cursor), []byte(r.Ref)},
	} {
		if err := txn.Set(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

func getHold(txn *badger.Txn, office, slot string) (uint32, error) {
	v, err := get(txn, bookingHoldKey(office, slot), "hold")
	if errors.Is(err, central.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("hold of %s: %w", slot, central.ErrCorrupt)
	}
	return binary.BigEndian.Uint32(v), nil
}

func setHold(txn *badger.Txn, office, slot string, n uint32) error {
	if n == 0 {
		return txn.Delete(bookingHoldKey(office, slot))
	}
	return txn.Set(bookingHoldKey(office, slot), binary.BigEndian.AppendUint32(nil, n))
}

// BookingRequest returns one request (central.Bookings).
func (s *Store) BookingRequest(ctx context.Context, office, ref string) (central.BookingRequest, error) {
	var r central.BookingRequest
	err := s.view(ctx, func(txn *badger.Txn) error {
		v, err := get(txn, bookingReqKey(office, ref), "booking request "+ref)
		if err != nil {
			return err
		}
		r, err = decodeBooking(v, office, ref)
		return err
	})
	return r, err
}

// BookingRequests lists requests after a cursor (central.Bookings).
func (s *Store) BookingRequests(ctx context.Context, office string, after uint64, limit int) ([]central.BookingRequest, bool, error) {
	if limit <= 0 || limit > central.MaxBookingPage {
		limit = central.MaxBookingPage
	}
	var out []central.BookingRequest
	more := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: bookingCurPrefix(office)})
		defer it.Close()
		for it.Seek(bookingCurKey(office, after+1)); it.Valid(); it.Next() {
			if len(out) == limit {
				more = true
				return nil
			}
			ref, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			v, err := get(txn, bookingReqKey(office, string(ref)), "booking request "+string(ref))
			if err != nil {
				return fmt.Errorf("cursor index: %w", central.ErrCorrupt)
			}
			r, err := decodeBooking(v, office, string(ref))
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, more, err
}

// SetBookingStatus moves a request to a status (central.Bookings).
func (s *Store) SetBookingStatus(ctx context.Context, office, ref, status, reason string) (central.BookingRequest, error) {
	if !central.ValidBookingStatus(status) || len(reason) > central.MaxBookingReason {
		return central.BookingRequest{}, central.ErrInvalid
	}
	var r central.BookingRequest
	err := s.update(ctx, func(txn *badger.Txn) error {
		v, err := get(txn, bookingReqKey(office, ref), "booking request "+ref)
		if err != nil {
			return err
		}
		if r, err = decodeBooking(v, office, ref); err != nil {
			return err
		}
		if r.Status == status {
			return nil
		}
		if !central.BookingMove(r.Status, status) {
			return fmt.Errorf("booking request %s is %s: %w", ref, r.Status, central.ErrConflict)
		}
		if central.Holds(r.Status) && !central.Holds(status) {
			held, err := getHold(txn, office, r.SlotID)
			if err != nil {
				return err
			}
			if held > 0 {
				if err := setHold(txn, office, r.SlotID, held-1); err != nil {
					return err
				}
			}
		}
		if err := txn.Delete(bookingCurKey(office, r.Cursor)); err != nil {
			return err
		}
		r.Status, r.Reason = status, reason
		return putBooking(txn, &r)
	})
	return r, err
}

// encodeTime is t in microseconds since 1970 (zeroTime for the zero time).
func encodeTime(t time.Time) int64 {
	if t.IsZero() {
		return zeroTime
	}
	return t.UnixMicro()
}

func decodeTime(v int64) time.Time {
	if v == zeroTime {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}
