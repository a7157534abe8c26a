package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Retention: how long the office keeps each kind of record after its last
// date, and which records have passed it (「保存期間を過ぎた記録」). The rules
// are named defaults that a supervisor or an admin may change; they are
// kept in the store (meta "retention", JSON) and every change goes to the
// other PCs by sync, signed (retention_sync.go). Erasure itself (erase.go)
// is what removes records everywhere.

// RetentionRules are the years each kind is kept after its last date.
type RetentionRules struct {
	// Consultation: years after the consultation's date.
	Consultation int `json:"consultation"`
	// Reservation: years after the reservation's date.
	Reservation int `json:"reservation"`
	// Dispatch: years after the dispatch's date.
	Dispatch int `json:"dispatch"`
	// Application: years after the seminar's date.
	Application int `json:"application"`
	// Business: years after its last consultation, reservation, dispatch
	// or seminar application (after its registration when it has none).
	Business int `json:"business"`
}

// DefaultRetention is what an office keeps unless a supervisor or an
// admin changes it.
var DefaultRetention = RetentionRules{Consultation: 5, Reservation: 3, Dispatch: 5, Application: 3, Business: 5}

const metaRetention = "retention"

// years returns the rule of kind k, and false for a kind without one.
func (r RetentionRules) years(k record.Kind) (int, bool) {
	switch k {
	case record.KindConsultation:
		return r.Consultation, true
	case record.KindReservation:
		return r.Reservation, true
	case record.KindDispatch:
		return r.Dispatch, true
	case record.KindApplication:
		return r.Application, true
	case record.KindBusiness:
		return r.Business, true
	}
	return 0, false
}

// valid reports whether every rule is between 1 and 100 years.
func (r RetentionRules) valid() bool {
	for _, y := range []int{r.Consultation, r.Reservation, r.Dispatch, r.Application, r.Business} {
		if y < 1 || y > 100 {
			return false
		}
	}
	return true
}

// Retention returns the office's retention rules (the defaults until
// someone changes them).
func (o *Office) Retention(ctx context.Context, s *Session) (RetentionRules, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermErase); err != nil {
		return RetentionRules{}, err
	}
	return o.retention()
}

// retention reads the rules. Call with o.mu held or inside work.
func (o *Office) retention() (RetentionRules, error) {
	b, err := o.store.Meta(metaRetention)
	if errors.Is(err, local.ErrNotFound) {
		return DefaultRetention, nil
	}
	if err != nil {
		return RetentionRules{}, fmt.Errorf("read retention rules: %w", err)
	}
	var r RetentionRules
	if err := json.Unmarshal(b, &r); err != nil || !r.valid() {
		return RetentionRules{}, fmt.Errorf("read retention rules: %w", ErrTampered)
	}
	return r, nil
}

// SetRetention changes the retention rules (1 to 100 years each; ErrInvalid
// otherwise). Supervisors and admins only; the change is logged.
func (o *Office) SetRetention(ctx context.Context, s *Session, r RetentionRules) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermErase); err != nil {
		return err
	}
	if !r.valid() {
		return fmt.Errorf("retention rules: %w", ErrInvalid)
	}
	w, meta, err := o.retentionVersion(s, r)
	if err != nil {
		return err
	}
	return o.commit([]local.Write{w}, meta, o.event(audit.ActUpdate, "",
		fmt.Sprintf("retention consultation=%d reservation=%d dispatch=%d application=%d business=%d",
			r.Consultation, r.Reservation, r.Dispatch, r.Application, r.Business)))
}

// ExpiredRecord is one record whose retention period has passed.
type ExpiredRecord struct {
	ID   string
	Kind record.Kind
	// Last is the date the period runs from (ISO), Until the last day of
	// the period.
	Last, Until string
}

// Expired lists the records whose retention period has passed, by kind
// (businesses last) and then by date, oldest first. It reads only ids,
// dates and links (the plain index), never content, and is logged.
func (o *Office) Expired(ctx context.Context, s *Session) ([]ExpiredRecord, error) {
	w, err := o.begin(ctx, s, PermErase)
	if err != nil {
		return nil, err
	}
	defer w.end()
	if err := o.finishPending(w); err != nil {
		return nil, err
	}
	rules, err := o.retention()
	if err != nil {
		return nil, err
	}
	dates, err := o.lastDates(w)
	if err != nil {
		return nil, err
	}
	today := o.opt.now().In(jst).Format(time.DateOnly)
	var out []ExpiredRecord
	for id, last := range dates {
		k, _ := record.KindOfID(id)
		years, ok := rules.years(k)
		if !ok {
			continue
		}
		until, ok := retainedUntil(last, years)
		if ok && until < today {
			out = append(out, ExpiredRecord{ID: id, Kind: k, Last: last, Until: until})
		}
	}
	slices.SortFunc(out, func(a, b ExpiredRecord) int {
		if c := kindOrder(a.Kind) - kindOrder(b.Kind); c != 0 {
			return c
		}
		if c := strings.Compare(a.Last, b.Last); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, o.locked(w, func() error {
		return o.logRead(audit.ActView, "", fmt.Sprintf("retention expired=%d", len(out)))
	})
}

// retainedUntil is the last day of a period of years from the ISO date last.
func retainedUntil(last string, years int) (string, bool) {
	d, err := time.Parse(time.DateOnly, last)
	if err != nil {
		return "", false
	}
	return d.AddDate(years, 0, 0).Format(time.DateOnly), true
}

// kindOrder puts dependent records before the businesses they belong to.
func kindOrder(k record.Kind) int {
	return slices.Index([]record.Kind{record.KindConsultation, record.KindDispatch, record.KindReservation,
		record.KindApplication, record.KindBusiness}, k)
}

// lastDates returns, for every record with a retention rule, the date its
// period runs from: its own date, a seminar application's seminar date,
// and for a business the latest of its records' and its registration.
func (o *Office) lastDates(w *work) (map[string]string, error) {
	dates := map[string]string{}
	err := o.store.Terms(ixDate, "", func(value, id string) bool {
		dates[id] = value
		return ctxErr(w.ctx) == nil
	})
	if err != nil {
		return nil, fmt.Errorf("read dates: %w", err)
	}
	err = o.store.Terms(ixSeminar, "", func(seminar, id string) bool {
		if k, _ := record.KindOfID(id); k == record.KindApplication {
			dates[id] = dates[seminar]
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("read seminar links: %w", err)
	}
	businesses, err := o.store.IDs(string(record.KindBusiness))
	if err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	for i, id := range businesses {
		if err := ctxErr(w.ctx); err != nil {
			return nil, err
		}
		var b record.Business
		if _, err := o.load(w.s, id, record.KindBusiness, &b); err != nil {
			return nil, err
		}
		dates[id] = b.CreatedAt.In(jst).Format(time.DateOnly)
		w.report(StepRead, i+1, len(businesses))
	}
	err = o.store.Terms(ixBusiness, "", func(biz, id string) bool {
		if d := dates[id]; d > dates[biz] && dates[biz] != "" {
			dates[biz] = d
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("read business links: %w", err)
	}
	for id := range dates {
		if k, _ := record.KindOfID(id); k == record.KindSeminar || k == record.KindLedger {
			delete(dates, id)
		}
	}
	return dates, nil
}
