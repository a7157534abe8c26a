package office

import (
	"context"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// VisitedWithoutRecord lists the reservations of one ISO date whose visitor
// came (来所) and that no consultation record refers to yet: what a
// consultant still has to write up. It reads no case data.
func (o *Office) VisitedWithoutRecord(ctx context.Context, s *Session, date string) ([]record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return nil, err
	}
	ids, err := o.idsInDateRange(string(record.KindReservation), date, date)
	if err != nil {
		return nil, err
	}
	rs, err := loadAll[record.Reservation](ctx, o, s, ids, record.KindReservation)
	if err != nil {
		return nil, err
	}
	var out []record.Reservation
	for _, r := range rs {
		if r.Status != record.ResVisited {
			continue
		}
		recs, err := o.store.Find(ixResv, r.ID)
		if err != nil {
			return nil, fmt.Errorf("find records of %s: %w", r.ID, err)
		}
		if len(recs) == 0 {
			out = append(out, r)
		}
	}
	sortReservations(out)
	return out, nil
}
