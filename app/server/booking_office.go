package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// ReasonStale refuses a publication whose serial is not above the stored
// one (HTTP 409).
const ReasonStale = "stale"

// ReasonNoBooking: the server's store keeps no web booking.
const ReasonNoBooking = "no_booking"

// bookings is the store's web booking, or nil.
func (s *Server) bookings() central.Bookings {
	b, _ := s.Store.(central.Bookings)
	return b
}

// publishBooking is PUT bookingproto.PathPublish: the office's free slots
// and booking key for the public page.
func (s *Server) publishBooking(w http.ResponseWriter, r *http.Request, se session) {
	bk := s.bookings()
	if bk == nil {
		refuse(w, http.StatusNotImplemented, ReasonNoBooking)
		return
	}
	raw, err := readBody(w, r, bookingproto.MaxPublication)
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	p, err := bookingproto.DecodePublication(raw)
	if err == nil {
		// The id names the key: the page shows it and the PCs look for it.
		sum := sha256.Sum256(p.PublicKey)
		if p.KeyID != hex.EncodeToString(sum[:8]) {
			err = bookingproto.ErrMalformed
		}
	}
	if err != nil {
		s.logf("booking publication of %s refused: %v", se.login, err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	switch err := bk.PutPublication(r.Context(), s.ID.Office, p.Serial, raw); {
	case errors.Is(err, central.ErrStale):
		refuse(w, http.StatusConflict, ReasonStale)
	case err != nil:
		s.logf("booking publication: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// bookingRequests is GET bookingproto.PathRequests: the sealed requests
// after the office's cursor.
func (s *Server) bookingRequests(w http.ResponseWriter, r *http.Request, _ session) {
	bk := s.bookings()
	if bk == nil {
		refuse(w, http.StatusNotImplemented, ReasonNoBooking)
		return
	}
	q := r.URL.Query()
	after, err1 := strconv.ParseUint(q.Get("after"), 10, 64)
	limit, err2 := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err2 = central.MaxBookingPage, nil
	}
	if err1 != nil || err2 != nil || limit < 1 {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	rs, more, err := bk.BookingRequests(r.Context(), s.ID.Office, after, min(limit, central.MaxBookingPage))
	if err != nil {
		s.logf("booking requests: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	page := bookingproto.RequestsPage{Requests: make([]bookingproto.Request, 0, len(rs)), Next: after, More: more}
	for _, x := range rs {
		page.Requests = append(page.Requests, bookingproto.Request{Cursor: x.Cursor, Ref: x.Ref, SlotID: x.SlotID, KeyID: x.KeyID,
			Sealed: x.Sealed, Status: x.Status, Reason: x.Reason, Received: x.Received})
		page.Next = x.Cursor
	}
	reply(w, page)
}

// bookingStatus is POST bookingproto.PathStatus: the office confirms,
// declines or cancels a request; the status page shows it at once.
func (s *Server) bookingStatus(w http.ResponseWriter, r *http.Request, se session) {
	bk := s.bookings()
	if bk == nil {
		refuse(w, http.StatusNotImplemented, ReasonNoBooking)
		return
	}
	raw, err := readBody(w, r, bookingproto.MaxStatus)
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	u, err := bookingproto.DecodeStatusUpdate(raw)
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	switch _, err := bk.SetBookingStatus(r.Context(), s.ID.Office, u.Ref, u.Status, u.Reason); {
	case errors.Is(err, central.ErrNotFound):
		refuse(w, http.StatusNotFound, ReasonBadRequest)
	case errors.Is(err, central.ErrConflict):
		refuse(w, http.StatusConflict, ReasonBadRequest)
	case err != nil:
		s.logf("booking status: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
	default:
		s.logf("booking %s set to %s by %s", u.Ref, u.Status, se.login)
		w.WriteHeader(http.StatusNoContent)
	}
}
