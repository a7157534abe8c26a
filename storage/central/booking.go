package central

import (
	"context"
	"errors"
	"time"
)

// Web booking in the central store. The public booking page stores each
// request only as ciphertext sealed to the office's booking key (the page
// validates the form, seals it at once and forgets it); the store keeps the
// ciphertext with what the server itself needs: the reference code, the
// slot it holds, its status and a hash of the business's cancel code.
// Every change of a request gives it a new cursor of the office's booking
// sequence, so that the office's PCs, which follow the cursor, see every
// change.

// Statuses of a booking request (bookingproto's).
const (
	BookingReceived  = "受付中"
	BookingConfirmed = "確定"
	BookingDeclined  = "お断り"
	BookingCancelled = "取消"
)

// Limits of booking values.
const (
	MaxBookingSealed      = 16 << 10 // a sealed form
	MaxBookingPublication = 1 << 20  // a publication (JSON)
	MaxBookingPage        = 500      // requests in one page
	MaxBookingReason      = 800      // a decline's reason, in bytes
)

// Errors of web booking.
var (
	// ErrStale: a publication whose serial is not above the stored one.
	ErrStale = errors.New("publication not newer than the stored one")
	// ErrSlotFull: the slot's places are all held.
	ErrSlotFull = errors.New("slot fully booked")
)

// BookingRequest is one web booking request as the store keeps it.
type BookingRequest struct {
	Office string
	// Cursor orders the office's changes to requests (given by the store).
	Cursor uint64
	// Ref is the reference code the business got.
	Ref string
	// SlotID is the slot the request holds while it is 受付中 or 確定.
	SlotID string
	// KeyID names the booking key Sealed is sealed to.
	KeyID  string
	Sealed []byte
	Status string
	// Reason is the office's reason for a decline (no personal data).
	Reason   string
	Received time.Time
	// CancelHash is the SHA-256 of the business's cancel code.
	CancelHash []byte
}

// Holds reports whether a request of status holds its slot.
func Holds(status string) bool { return status == BookingReceived || status == BookingConfirmed }

// ValidBookingStatus reports whether s is one of the statuses.
func ValidBookingStatus(s string) bool {
	return s == BookingReceived || s == BookingConfirmed || s == BookingDeclined || s == BookingCancelled
}

// BookingMove reports whether a request may go from status from to to: a
// received request may be confirmed, declined or cancelled, a confirmed
// one cancelled (by the business, or by the office at its request), and a
// declined or cancelled one stays so. Setting the same status again is no
// move (the store answers it without a change).
func BookingMove(from, to string) bool {
	switch from {
	case BookingReceived:
		return to == BookingConfirmed || to == BookingDeclined || to == BookingCancelled
	case BookingConfirmed:
		return to == BookingCancelled
	}
	return false
}

// Bookings is the central store's web booking, implemented by both
// backends (the server finds it on its Store).
type Bookings interface {
	// PutPublication stores the office's publication p (JSON, at most
	// MaxBookingPublication bytes) under serial; a serial not above the
	// stored one fails with ErrStale.
	PutPublication(ctx context.Context, office string, serial uint64, p []byte) error
	// Publication returns the office's newest publication (ErrNotFound:
	// none yet).
	Publication(ctx context.Context, office string) (serial uint64, p []byte, err error)
	// AddBookingRequest stores r as 受付中 with the next cursor, holding
	// its slot: when capacity requests already hold it, it fails with
	// ErrSlotFull and stores nothing. A ref that exists fails with
	// ErrConflict. It returns r as stored.
	AddBookingRequest(ctx context.Context, r BookingRequest, capacity int) (BookingRequest, error)
	// BookingRequest returns one request (ErrNotFound: none).
	BookingRequest(ctx context.Context, office, ref string) (BookingRequest, error)
	// BookingRequests returns up to limit requests whose cursor is above
	// after, ascending, and whether there are more.
	BookingRequests(ctx context.Context, office string, after uint64, limit int) ([]BookingRequest, bool, error)
	// SetBookingStatus moves request ref to status (BookingMove) with a
	// reason, gives it a new cursor and frees its slot when the new status
	// does not hold one. The same status again changes nothing; a move
	// BookingMove refuses fails with ErrConflict.
	SetBookingStatus(ctx context.Context, office, ref, status, reason string) (BookingRequest, error)
}

// CheckBookingRequest checks the fields a store takes from the caller.
func CheckBookingRequest(r *BookingRequest) error {
	switch {
	case r.Office == "" || r.Ref == "" || r.SlotID == "" || len(r.Ref) > 64 || len(r.SlotID) > 64 || len(r.KeyID) > 64:
		return ErrInvalid
	case len(r.Sealed) == 0 || len(r.Sealed) > MaxBookingSealed || len(r.CancelHash) != 32:
		return ErrInvalid
	}
	return nil
}
