package office

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

func dispatchTerms(d *record.Dispatch) []local.Term {
	fy := ""
	if t, err := record.ParseDate("申請日", d.RequestedOn); err == nil {
		fy = strconv.Itoa(record.FiscalYear(t))
	}
	return []local.Term{
		{Index: ixBusiness, Value: d.BusinessID},
		{Index: ixStatus, Value: "dispatch|" + d.Status},
		{Index: ixDate, Value: d.RequestedOn},
		{Index: "dfy", Value: fy + "|" + d.BusinessID},
	}
}

// SaveDispatch creates (empty ID) or updates an adviser dispatch. Consultants
// and coordinators request; only a coordinator or supervisor may move a
// dispatch to 承認 or beyond, or change one that is there. The visit report
// is case data.
func (o *Office) SaveDispatch(ctx context.Context, s *Session, d *record.Dispatch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return err
	}
	if d.Status == "" {
		d.Status = record.DisRequested
	}
	if d.Status != record.DisRequested && d.Status != record.DisCanceled && !s.May(PermDispatchApprove) {
		return fmt.Errorf("dispatch status %s: %w", d.Status, ErrForbidden)
	}
	if d.ID != "" && !s.May(PermDispatchApprove) {
		// Once approved, taking it back or cancelling it is the approver's too.
		var old record.Dispatch
		if _, err := o.load(s, d.ID, record.KindDispatch, &old); err != nil {
			return err
		}
		if old.Status != record.DisRequested && old.Status != record.DisCanceled {
			return fmt.Errorf("change dispatch %s: %w", old.Status, ErrForbidden)
		}
	}
	if d.Status == record.DisApproved && d.ApprovedOn == "" {
		d.ApprovedOn = o.today()
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Case == nil {
		d.Case = &record.DispatchCase{}
	}
	creating := o.stamp(s, &d.Meta, record.KindDispatch)
	rev, err := o.saveParts(s, expect(creating, d.Rev), actionFor(creating), "dispatch "+d.Status,
		part{id: d.ID, kind: string(record.KindDispatch), value: d, terms: dispatchTerms(d)},
		part{id: d.ID + caseSuffix, kind: caseKind(record.KindDispatch), value: d.Case})
	if err != nil {
		if creating {
			d.ID = ""
		}
		return err
	}
	d.Rev = rev
	return nil
}

// Dispatch reads a dispatch with its visit report; the view is logged.
func (o *Office) Dispatch(ctx context.Context, s *Session, id string) (*record.Dispatch, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return nil, err
	}
	var d record.Dispatch
	rev, err := o.load(s, id, record.KindDispatch, &d)
	if err != nil {
		return nil, err
	}
	d.Rev = rev
	var c record.DispatchCase
	if ok, err := o.loadCase(s, id, record.KindDispatch, &c); err != nil {
		return nil, err
	} else if ok {
		d.Case = &c
	}
	return &d, o.logRead(audit.ActViewCase, id, "dispatch")
}

// Dispatches lists every dispatch (without reports), newest request first.
func (o *Office) Dispatches(ctx context.Context, s *Session) ([]record.Dispatch, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return nil, err
	}
	ids, err := o.store.IDs(string(record.KindDispatch))
	if err != nil {
		return nil, fmt.Errorf("list dispatches: %w", err)
	}
	ds, err := loadAll[record.Dispatch](ctx, o, s, ids, record.KindDispatch)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ds, func(a, b record.Dispatch) int { return strings.Compare(b.RequestedOn+b.ID, a.RequestedOn+a.ID) })
	return ds, nil
}

// DispatchCount counts a business's dispatches (not cancelled) in the 年度 of t.
func (o *Office) DispatchCount(ctx context.Context, s *Session, businessID string, t time.Time) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return 0, err
	}
	ids, err := o.store.Find("dfy", strconv.Itoa(record.FiscalYear(t))+"|"+businessID)
	if err != nil {
		return 0, fmt.Errorf("count dispatches: %w", err)
	}
	ds, err := loadAll[record.Dispatch](ctx, o, s, ids, record.KindDispatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range ds {
		if d.Status != record.DisCanceled {
			n++
		}
	}
	return n, nil
}
