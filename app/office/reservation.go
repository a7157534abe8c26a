package office

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

func reservationTerms(r *record.Reservation) []local.Term {
	t := []local.Term{
		{Index: ixDate, Value: r.Date},
		{Index: ixVenue, Value: r.VenueID + "|" + r.Date},
		{Index: ixBusiness, Value: r.BusinessID},
	}
	if r.ConsultantID != "" {
		t = append(t, local.Term{Index: ixStaff, Value: r.ConsultantID + "|" + r.Date})
	}
	return t
}

// SaveReservation creates (empty ID) or updates a reservation. An active
// reservation is refused with a *BookingError when its consultant already has
// another one at an overlapping time, or when its venue is full then.
func (o *Office) SaveReservation(ctx context.Context, s *Session, r *record.Reservation) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return err
	}
	return o.saveReservation(ctx, s, r, "")
}

// saveReservation checks and stores r; why, when not empty, is added to
// the access-log event's detail.
func (o *Office) saveReservation(ctx context.Context, s *Session, r *record.Reservation, why string) error {
	if r.Status == "" {
		r.Status = record.ResBooked
	}
	if r.ReceivedOn == "" {
		r.ReceivedOn = o.today()
	}
	if r.ReceivedBy == "" {
		r.ReceivedBy = s.login
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := o.checkOpen(ctx, s, r); err != nil {
		return err
	}
	if err := o.checkBooking(ctx, s, r); err != nil {
		return err
	}
	creating := o.stamp(s, &r.Meta, record.KindReservation)
	detail := "reservation " + r.Status
	if why != "" {
		detail += " " + why
	}
	rev, err := o.saveParts(s, expect(creating, r.Rev), actionFor(creating), detail,
		part{id: r.ID, kind: string(record.KindReservation), value: r, terms: reservationTerms(r)})
	if err != nil {
		if creating {
			r.ID = ""
		}
		return err
	}
	r.Rev = rev
	return nil
}

func (o *Office) today() string { return o.opt.now().In(jst).Format("2006-01-02") }

func (o *Office) checkBooking(ctx context.Context, s *Session, r *record.Reservation) error {
	if !r.Active() {
		return nil
	}
	if r.ConsultantID != "" {
		others, err := o.reservationsBy(ctx, s, ixStaff, r.ConsultantID+"|"+r.Date)
		if err != nil {
			return err
		}
		for _, x := range others {
			if x.ID != r.ID && x.Active() && record.Overlaps(r.Start, r.End, x.Start, x.End) {
				var st record.Staff
				_, _ = o.load(s, r.ConsultantID, record.KindStaff, &st) // without the name the message does without
				return o.bookingError(s, "相談員", st.Name, &x)
			}
		}
	}
	capacity := 1
	var v record.Venue
	if _, err := o.load(s, r.VenueID, record.KindVenue, &v); err == nil && v.Capacity > 0 {
		capacity = v.Capacity
	}
	others, err := o.reservationsBy(ctx, s, ixVenue, r.VenueID+"|"+r.Date)
	if err != nil {
		return err
	}
	var clash []record.Reservation
	for _, x := range others {
		if x.ID != r.ID && x.Active() && record.Overlaps(r.Start, r.End, x.Start, x.End) {
			clash = append(clash, x)
		}
	}
	if len(clash) >= capacity {
		e := o.bookingError(s, "会場", v.Name, &clash[0])
		if capacity > 1 {
			e.Err, e.Start, e.End = ErrFull, r.Start, r.End
		}
		return e
	}
	return nil
}

// bookingError is the double booking of what (相談員 or 会場, called name)
// by x, with the name of x's business for the message.
func (o *Office) bookingError(s *Session, what, name string, x *record.Reservation) *BookingError {
	var b record.Business
	if x.BusinessID != "" {
		_, _ = o.load(s, x.BusinessID, record.KindBusiness, &b) // without the name the message does without
	}
	return &BookingError{Err: ErrDoubleBooking, What: what, Other: x.ID, Start: x.Start, End: x.End, Date: x.Date,
		Name: name, Business: b.Name}
}

func (o *Office) reservationsBy(ctx context.Context, s *Session, index, value string) ([]record.Reservation, error) {
	ids, err := o.store.Find(index, value)
	if err != nil {
		return nil, fmt.Errorf("find reservations: %w", err)
	}
	rs, err := loadAll[record.Reservation](ctx, o, s, ids, record.KindReservation)
	if err != nil {
		return nil, err
	}
	sortReservations(rs)
	return rs, nil
}

func sortReservations(rs []record.Reservation) {
	slices.SortFunc(rs, func(a, b record.Reservation) int {
		return strings.Compare(a.Date+record.PadClock(a.Start)+a.VenueID+a.ID, b.Date+record.PadClock(b.Start)+b.VenueID+b.ID)
	})
}

// Reservation reads one reservation.
func (o *Office) Reservation(ctx context.Context, s *Session, id string) (*record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	return o.reservation(s, id)
}

// reservation loads a reservation with its current Rev.
func (o *Office) reservation(s *Session, id string) (*record.Reservation, error) {
	var r record.Reservation
	rev, err := o.load(s, id, record.KindReservation, &r)
	if err != nil {
		return nil, err
	}
	r.Rev = rev
	return &r, nil
}

// ReservationsBetween lists the reservations from one ISO date to another
// (both included), by date, time and venue.
func (o *Office) ReservationsBetween(ctx context.Context, s *Session, from, to string) ([]record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	return o.reservationsBetween(ctx, s, from, to)
}

// reservationsBetween is ReservationsBetween without the checks.
func (o *Office) reservationsBetween(ctx context.Context, s *Session, from, to string) ([]record.Reservation, error) {
	ids, err := o.idsInDateRange(string(record.KindReservation), from, to)
	if err != nil {
		return nil, err
	}
	rs, err := loadAll[record.Reservation](ctx, o, s, ids, record.KindReservation)
	if err != nil {
		return nil, err
	}
	sortReservations(rs)
	return rs, nil
}

// ReservationsOn lists one day's reservations.
func (o *Office) ReservationsOn(ctx context.Context, s *Session, date string) ([]record.Reservation, error) {
	return o.ReservationsBetween(ctx, s, date, date)
}

// ReservationsOfBusiness lists a business's reservations, oldest first.
func (o *Office) ReservationsOfBusiness(ctx context.Context, s *Session, businessID string) ([]record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	ids, err := o.idsOfBusiness(businessID)
	if err != nil {
		return nil, err
	}
	var rs []record.Reservation
	for _, id := range ids {
		if k, _ := record.KindOfID(id); k == record.KindReservation {
			var r record.Reservation
			if _, err := o.load(s, id, k, &r); err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
	}
	sortReservations(rs)
	return rs, nil
}

// idsInDateRange returns the ids of one kind whose date term lies in [from, to].
func (o *Office) idsInDateRange(kind, from, to string) ([]string, error) {
	ids, _, err := o.datedIDsInRange(kind, from, to)
	return ids, err
}

// datedIDsInRange is idsInDateRange with each id's date (dates[i] is that
// of ids[i]); both come sorted by date.
func (o *Office) datedIDsInRange(kind, from, to string) (ids, dates []string, err error) {
	prefix := record.IDPrefix(record.Kind(kind))
	err = o.store.Terms(ixDate, commonPrefix(from, to), func(value, id string) bool {
		if value > to {
			return false
		}
		if value >= from && strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
			dates = append(dates, value)
		}
		return true
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list by date: %w", err)
	}
	return ids, dates, nil
}

// staffIDsInDateRange returns the ids of one kind whose consultant or
// adviser is staffID and whose date lies in [from, to], with their dates,
// sorted by date (the staff term is staff id + "|" + date).
func (o *Office) staffIDsInDateRange(kind, staffID, from, to string) (ids, dates []string, err error) {
	prefix := record.IDPrefix(record.Kind(kind))
	head := staffID + "|"
	err = o.store.Terms(ixStaff, head+commonPrefix(from, to), func(value, id string) bool {
		date, ok := strings.CutPrefix(value, head)
		if !ok || date > to {
			return false
		}
		if date >= from && strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
			dates = append(dates, date)
		}
		return true
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list by consultant and date: %w", err)
	}
	return ids, dates, nil
}

func commonPrefix(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[:i]
}

// SetReservationStatus records a visitor's arrival (来所), a cancellation
// (キャンセル) or a no-show (無断キャンセル).
func (o *Office) SetReservationStatus(ctx context.Context, s *Session, id, status string) (*record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	r, err := o.reservation(s, id)
	if err != nil {
		return nil, err
	}
	r.Status = status
	if err := o.saveReservation(ctx, s, r, ""); err != nil {
		return nil, err
	}
	return r, nil
}

// UndoVisit takes back a 来所 recorded by mistake: the reservation is 予約
// again, and the access log's event of the change holds the reason (in
// the detail, after "来所取消："), one of record.UndoVisitReasons (typed
// text could carry a name into the log). A reason is required; a
// reservation not in 来所, or one a consultation record already refers
// to, is refused with a *record.FieldError.
func (o *Office) UndoVisit(ctx context.Context, s *Session, id, reason string) (*record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	if err := record.CheckRequired("理由", reason); err != nil {
		return nil, err
	}
	if err := record.CheckChoice("理由", reason, record.UndoVisitReasons()); err != nil {
		return nil, err
	}
	r, err := o.reservation(s, id)
	if err != nil {
		return nil, err
	}
	if r.Status != record.ResVisited {
		return nil, &record.FieldError{Field: "理由", Msg: "この予約は来所済みではないため、来所を取り消せません。",
			En: "Reason: this reservation is not marked as visited, so there is no visit to undo."}
	}
	recs, err := o.store.Find(ixResv, id)
	if err != nil {
		return nil, fmt.Errorf("find records of %s: %w", id, err)
	}
	if len(recs) > 0 {
		return nil, &record.FieldError{Field: "理由", Msg: "この予約には相談記録が作成されているため、来所を取り消せません。相談記録を確かめてください。",
			En: "Reason: a consultation record was made for this reservation, so the visit cannot be undone. Check the consultation record."}
	}
	r.Status = record.ResBooked
	if err := o.saveReservation(ctx, s, r, "来所取消："+reason); err != nil {
		return nil, err
	}
	return r, nil
}

// WalkIn is a visitor who arrives without a reservation (飛び込み).
type WalkIn struct {
	BusinessID   string
	VenueID      string
	ConsultantID string
	Minutes      int // default 60
}

// TakeWalkIn books a walk-in from now, already checked in (来所).
func (o *Office) TakeWalkIn(ctx context.Context, s *Session, w WalkIn) (*record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	if w.Minutes <= 0 {
		w.Minutes = 60
	}
	now := o.opt.now().In(jst)
	start := now.Truncate(time.Minute)
	end := start.Add(time.Duration(w.Minutes) * time.Minute)
	if end.Day() != start.Day() {
		end = time.Date(start.Year(), start.Month(), start.Day(), 23, 59, 0, 0, jst)
	}
	r := &record.Reservation{
		Date: start.Format("2006-01-02"), Start: start.Format("15:04"), End: end.Format("15:04"),
		VenueID: w.VenueID, ConsultantID: w.ConsultantID, BusinessID: w.BusinessID,
		Channel: "窓口", Status: record.ResVisited, WalkIn: true, Checks: record.ReservationChecks{VisitCount: 1},
	}
	if err := o.saveReservation(ctx, s, r, ""); err != nil {
		return nil, err
	}
	return r, nil
}
