package office

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// SaveSeminar creates (empty ID) or updates a seminar.
func (o *Office) SaveSeminar(ctx context.Context, s *Session, sem *record.Seminar) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSeminar); err != nil {
		return err
	}
	if err := sem.Validate(); err != nil {
		return err
	}
	creating := o.stamp(s, &sem.Meta, record.KindSeminar)
	rev, err := o.saveParts(s, expect(creating, sem.Rev), actionFor(creating), "seminar",
		part{id: sem.ID, kind: string(record.KindSeminar), value: sem,
			terms: recordTerms(sem)})
	if err != nil {
		if creating {
			sem.ID = ""
		}
		return err
	}
	sem.Rev = rev
	return nil
}

// Seminar reads one seminar.
func (o *Office) Seminar(ctx context.Context, s *Session, id string) (*record.Seminar, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loggedIn(ctx, s); err != nil {
		return nil, err
	}
	var sem record.Seminar
	rev, err := o.load(s, id, record.KindSeminar, &sem)
	if err != nil {
		return nil, err
	}
	sem.Rev = rev
	return &sem, nil
}

// Seminars lists every seminar, newest first.
func (o *Office) Seminars(ctx context.Context, s *Session) ([]record.Seminar, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loggedIn(ctx, s); err != nil {
		return nil, err
	}
	ids, err := o.store.IDs(string(record.KindSeminar))
	if err != nil {
		return nil, fmt.Errorf("list seminars: %w", err)
	}
	out, err := loadAll[record.Seminar](ctx, o, s, ids, record.KindSeminar)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b record.Seminar) int { return strings.Compare(b.Date+b.Start+b.ID, a.Date+a.Start+a.ID) })
	return out, nil
}

// SaveApplication creates (empty ID) or updates a seminar application. A new
// application beyond the seminar's capacity, or while others wait, is put on
// the waiting list (キャンセル待ち) instead of being refused; moving an
// application that holds no seat to 申込 while the seats are taken is
// refused with a *BookingError wrapping ErrFull.
func (o *Office) SaveApplication(ctx context.Context, s *Session, a *record.Application) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermApplications); err != nil {
		return err
	}
	if a.AppliedOn == "" {
		a.AppliedOn = o.today()
	}
	if a.Status == "" {
		a.Status = record.AppApplied
	}
	if err := a.Validate(); err != nil {
		return err
	}
	var sem record.Seminar
	if _, err := o.load(s, a.SeminarID, record.KindSeminar, &sem); err != nil {
		return err
	}
	if a.Status == record.AppApplied {
		apps, err := o.applications(ctx, s, a.SeminarID)
		if err != nil {
			return err
		}
		var others []record.Application
		was := ""
		for _, x := range apps {
			if x.ID == a.ID {
				was = x.Status
			} else {
				others = append(others, x)
			}
		}
		full := seated(others) >= sem.Capacity
		switch {
		case a.ID == "" && (full || slices.ContainsFunc(others, isWaiting)):
			a.Status = record.AppWaiting // behind those already waiting
		case a.ID != "" && full && !holdsSeat(was):
			return &BookingError{Err: ErrFull, What: "セミナー", Start: sem.Start, End: sem.End}
		}
	}
	creating := o.stamp(s, &a.Meta, record.KindApplication)
	rev, err := o.saveParts(s, expect(creating, a.Rev), actionFor(creating), "application "+a.Status,
		part{id: a.ID, kind: string(record.KindApplication), value: a,
			terms: recordTerms(a)})
	if err != nil {
		if creating {
			a.ID = ""
		}
		return err
	}
	a.Rev = rev
	return nil
}

func seated(apps []record.Application) int {
	n := 0
	for _, x := range apps {
		if holdsSeat(x.Status) {
			n++
		}
	}
	return n
}

// holdsSeat reports whether an application of this status holds a seat.
func holdsSeat(status string) bool {
	return status == record.AppApplied || status == record.AppAttended || status == record.AppAbsent
}

func isWaiting(a record.Application) bool { return a.Status == record.AppWaiting }

// Applications lists a seminar's applications in the order they came in.
func (o *Office) Applications(ctx context.Context, s *Session, seminarID string) ([]record.Application, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermApplications); err != nil {
		return nil, err
	}
	return o.applications(ctx, s, seminarID)
}

func (o *Office) applications(ctx context.Context, s *Session, seminarID string) ([]record.Application, error) {
	ids, err := o.store.Find(ixSeminar, seminarID)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	out, err := loadAll[record.Application](ctx, o, s, ids, record.KindApplication)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b record.Application) int {
		return strings.Compare(a.AppliedOn+a.CreatedAt.Format("150405.000")+a.ID, b.AppliedOn+b.CreatedAt.Format("150405.000")+b.ID)
	})
	return out, nil
}

// MarkAttendance sets an application to 出席 or 欠席.
func (o *Office) MarkAttendance(ctx context.Context, s *Session, applicationID string, attended bool) error {
	o.mu.Lock()
	var a record.Application
	err := o.session(ctx, s, PermApplications)
	var rev string
	if err == nil {
		rev, err = o.load(s, applicationID, record.KindApplication, &a)
	}
	o.mu.Unlock()
	if err != nil {
		return err
	}
	a.Rev, a.Status = rev, record.AppAbsent
	if attended {
		a.Status = record.AppAttended
	}
	return o.SaveApplication(ctx, s, &a)
}
