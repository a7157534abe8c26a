package office

import (
	"context"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Record reads any record by its id, with the case part when the person holds
// the case key (and that view is logged). The value is a pointer to one of
// the record types of package record.
func (o *Office) Record(ctx context.Context, s *Session, id string) (any, error) {
	k, ok := record.KindOfID(id)
	if !ok {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	switch k {
	case record.KindBusiness:
		return o.Business(ctx, s, id)
	case record.KindReservation:
		return o.Reservation(ctx, s, id)
	case record.KindConsultation:
		return o.Consultation(ctx, s, id)
	case record.KindDispatch:
		if !s.May(PermCase) {
			return nil, ErrForbidden
		}
		return o.Dispatch(ctx, s, id)
	case record.KindSeminar:
		return o.Seminar(ctx, s, id)
	case record.KindApplication:
		return o.application(ctx, s, id)
	case record.KindVenue:
		return loadMaster[record.Venue](ctx, o, s, id, k)
	case record.KindStaff:
		return loadMaster[record.Staff](ctx, o, s, id, k)
	case record.KindProgram:
		return loadMaster[record.Program](ctx, o, s, id, k)
	case record.KindClosedDay:
		return loadMaster[record.ClosedDay](ctx, o, s, id, k)
	}
	return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
}

func (o *Office) application(ctx context.Context, s *Session, id string) (*record.Application, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermApplications); err != nil {
		return nil, err
	}
	var a record.Application
	rev, err := o.load(s, id, record.KindApplication, &a)
	a.Rev = rev
	return &a, err
}

func loadMaster[T any](ctx context.Context, o *Office, s *Session, id string, k record.Kind) (*T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loggedIn(ctx, s); err != nil {
		return nil, err
	}
	var t T
	if _, err := o.load(s, id, k, &t); err != nil {
		return nil, err
	}
	return &t, nil
}
