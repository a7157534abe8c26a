package office

import (
	"context"
	"fmt"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/holiday"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// SaveClosedDay creates (empty ID) or updates an entry of the 休業日
// master: days without reservations besides the public holidays.
func (o *Office) SaveClosedDay(ctx context.Context, s *Session, c *record.ClosedDay) error {
	return o.saveMaster(ctx, s, &c.Meta, record.KindClosedDay, c)
}

// ClosedDays lists the 休業日 master by first day.
func (o *Office) ClosedDays(ctx context.Context, s *Session) ([]record.ClosedDay, error) {
	return masters(ctx, o, s, record.KindClosedDay, func(c *record.ClosedDay) string { return c.From + c.ID })
}

// Closure says why the office takes no reservations on a day: a public
// holiday (Holiday true, Reason its name) or an entry of the 休業日 master
// (Reason its name).
type Closure struct {
	Reason  string
	Holiday bool
}

// Closures maps each closed ISO date from one date to another (both
// included, at most a year) to its Closure. Everyone logged in may ask.
func (o *Office) Closures(ctx context.Context, s *Session, from, to string) (map[string]Closure, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loggedIn(ctx, s); err != nil {
		return nil, err
	}
	return o.closures(ctx, s, from, to)
}

// closures is Closures without the checks.
func (o *Office) closures(ctx context.Context, s *Session, from, to string) (map[string]Closure, error) {
	first, err1 := time.Parse(time.DateOnly, from)
	last, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || last.Before(first) || last.Sub(first) > 366*24*time.Hour {
		return nil, fmt.Errorf("closures %s to %s: %w", from, to, ErrInvalid)
	}
	ids, err := o.store.IDs(string(record.KindClosedDay))
	if err != nil {
		return nil, fmt.Errorf("list closed days: %w", err)
	}
	master, err := loadAll[record.ClosedDay](ctx, o, s, ids, record.KindClosedDay)
	if err != nil {
		return nil, err
	}
	out := map[string]Closure{}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		iso := d.Format(time.DateOnly)
		if name, ok := holiday.Name(d); ok {
			out[iso] = Closure{Reason: name, Holiday: true}
			continue
		}
		for _, c := range master {
			if c.Covers(iso) {
				out[iso] = Closure{Reason: c.Name}
				break
			}
		}
	}
	return out, nil
}

// ClosedDayError refuses a reservation on a public holiday or a 休業日. It
// unwraps to a *record.FieldError on 予約日 whose message says why.
type ClosedDayError struct {
	Date string // ISO
	Closure
}

func (e *ClosedDayError) Error() string { return e.field().Msg }

// Unwrap returns the field error the reservation form shows beside 予約日.
func (e *ClosedDayError) Unwrap() error { return e.field() }

func (e *ClosedDayError) field() *record.FieldError {
	day := e.Date
	if d, err := time.Parse(time.DateOnly, e.Date); err == nil {
		day = fmt.Sprintf("%d年%d月%d日（%s）", d.Year(), d.Month(), d.Day(), []string{"日", "月", "火", "水", "木", "金", "土"}[d.Weekday()])
	}
	kind, en := "休業日", "the office is closed"
	if e.Holiday {
		kind, en = "祝日", "it is a public holiday"
	}
	return &record.FieldError{Field: "予約日", Msg: fmt.Sprintf("%sは%s（%s）のため予約できません。別の日を選んでください。", day, kind, e.Reason),
		En: fmt.Sprintf("Date: %s cannot be booked: %s (%s). Choose another day.", e.Date, en, e.Reason)}
}

// checkOpen refuses a booking (予約) made for, or moved to, a closed day;
// reservations already on a day that closed later may still be changed,
// cancelled or checked in, and walk-ins (already 来所) are never refused.
func (o *Office) checkOpen(ctx context.Context, s *Session, r *record.Reservation) error {
	if r.Status != record.ResBooked {
		return nil
	}
	if r.ID != "" {
		if old, err := o.reservation(s, r.ID); err == nil && old.Date == r.Date {
			return nil
		}
	}
	cs, err := o.closures(ctx, s, r.Date, r.Date)
	if err != nil {
		return err
	}
	if c, ok := cs[r.Date]; ok {
		return &ClosedDayError{Date: r.Date, Closure: c}
	}
	return nil
}
