package office

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// VerifyAudit re-walks the whole access-log chain, up to the event that was
// last when it was called. It returns how many events it checked, and a
// *audit.BrokenLink naming the first broken one if any. The check itself is
// logged after it ran. It walks without holding the office, reports each
// event (StepRead) and stops when ctx ends.
func (o *Office) VerifyAudit(ctx context.Context, s *Session) (int, error) {
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return 0, err
	}
	defer w.end()
	var head audit.Head
	if err := o.locked(w, func() error { head = o.head; return nil }); err != nil {
		return 0, err
	}
	kr, t := o.trusted()
	v := audit.NewVerifier()
	if t != nil && !kr.Format1() {
		v.CheckSignatures(kr.Office, t.VerifyBy)
	}
	ref := kr.Checkpoint
	var atRef string
	err = o.store.AuditRange(1, func(e local.AuditEntry) error {
		if e.Seq > head.Seq {
			return errWalked // written after the call: the next check covers it
		}
		if err := ctxErr(w.ctx); err != nil {
			return err
		}
		if err := v.Add(e.Seq, e.Data); err != nil {
			return err
		}
		if e.Seq == ref.Seq {
			atRef = v.Head().Hash
		}
		w.report(StepRead, int(e.Seq), int(head.Seq))
		return nil
	})
	var broken *audit.BrokenLink
	switch {
	case errors.As(err, &broken):
		return v.Count(), broken
	case err != nil && !errors.Is(err, errWalked):
		return v.Count(), fmt.Errorf("read access log: %w", err)
	}
	if ref.Seq != 0 && atRef != ref.Hash {
		return v.Count(), &audit.BrokenLink{Seq: ref.Seq, Reason: audit.ReasonTruncated, Signer: ref.Signer}
	}
	if v.Head() != head {
		return v.Count(), &audit.BrokenLink{Seq: head.Seq, Reason: "最後のイベントが失われています"}
	}
	n := v.Count()
	return n, o.locked(w, func() error {
		return o.commitEvents([]audit.Event{o.event("audit.verify", "", fmt.Sprintf("ok events=%d", n))})
	})
}

// errWalked stops VerifyAudit's walk at the head it set out to check.
var errWalked = errors.New("walked to the head")

// AuditEvents returns the events that match f, oldest first. It reads
// without holding the office and stops when ctx ends.
func (o *Office) AuditEvents(ctx context.Context, s *Session, f audit.Filter) ([]audit.Event, error) {
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return nil, err
	}
	defer w.end()
	var out []audit.Event
	err = o.store.AuditRange(1, func(e local.AuditEntry) error {
		if err := ctxErr(w.ctx); err != nil {
			return err
		}
		ev, err := audit.Unmarshal(e.Data)
		if err != nil {
			return &audit.BrokenLink{Seq: e.Seq, Reason: "読み取れません"}
		}
		if f.Match(ev) {
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read access log: %w", err)
	}
	return out, nil
}

// AuditFindings analyses the log for what a supervisor should look at: bulk
// viewing, after-hours access, failed logins, exports and prints.
func (o *Office) AuditFindings(ctx context.Context, s *Session, f audit.Filter) ([]audit.Finding, error) {
	evs, err := o.AuditEvents(ctx, s, f)
	if err != nil {
		return nil, err
	}
	return audit.Analyze(evs, 30), nil
}

// AuditNames are the names the access-log screen shows for the logins and
// record ids of events (the events themselves hold ids only).
type AuditNames struct {
	Users   map[string]string // login → the person's name
	Objects map[string]string // record id → the business's (or venue's, staff member's) name
}

// AuditNames returns the names of the people and of the records that evs
// name, as far as s may see them: everyone who reads the log sees the
// people's names; the businesses' names only those who work the front desk
// (others keep the id). Looking up names writes no access-log event (no
// case content is read).
func (o *Office) AuditNames(ctx context.Context, s *Session, evs []audit.Event) (AuditNames, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermAudit); err != nil {
		return AuditNames{}, err
	}
	n := AuditNames{Users: map[string]string{}, Objects: map[string]string{}}
	for _, u := range o.table.Users {
		n.Users[u.Login] = u.Name
	}
	if !s.May(PermFrontDesk) {
		return n, nil
	}
	for _, e := range evs {
		k, ok := record.KindOfID(e.Object)
		if _, done := n.Objects[e.Object]; !ok || done {
			continue
		}
		var name string
		switch k {
		case record.KindBusiness:
			name = o.businessName(s, e.Object)
		case record.KindReservation:
			var r record.Reservation
			if _, err := o.load(s, e.Object, k, &r); err == nil {
				name = o.businessName(s, r.BusinessID)
			}
		case record.KindConsultation:
			var c record.Consultation // its contact part: the case is sealed apart
			if _, err := o.load(s, e.Object, k, &c); err == nil {
				name = o.businessName(s, c.BusinessID)
			}
		case record.KindVenue:
			var v record.Venue
			if _, err := o.load(s, e.Object, k, &v); err == nil {
				name = v.Name
			}
		case record.KindStaff:
			var st record.Staff
			if _, err := o.load(s, e.Object, k, &st); err == nil {
				name = st.Name
			}
		}
		n.Objects[e.Object] = name // "" for a kind without a name, or one not readable
	}
	return n, nil
}

// businessName is the name of business id, or "" when it cannot be read.
func (o *Office) businessName(s *Session, id string) string {
	var b record.Business
	if id == "" {
		return ""
	}
	if _, err := o.load(s, id, record.KindBusiness, &b); err != nil {
		return ""
	}
	return b.Name
}
