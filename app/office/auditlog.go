package office

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/audit"
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
