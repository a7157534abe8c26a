package office

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// VerifyAudit re-walks the whole access-log chain. It returns how many events
// it checked, and a *audit.BrokenLink naming the first broken one if any.
// The check itself is logged after it ran.
func (o *Office) VerifyAudit(ctx context.Context, s *Session) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermAudit); err != nil {
		return 0, err
	}
	v := audit.NewVerifier()
	if t := o.table; t != nil && !o.kr.Format1() {
		v.CheckSignatures(o.kr.Office, t.VerifyBy)
	}
	ref := o.kr.Checkpoint
	var atRef string
	err := o.store.AuditRange(1, func(e local.AuditEntry) error {
		if err := v.Add(e.Seq, e.Data); err != nil {
			return err
		}
		if e.Seq == ref.Seq {
			atRef = v.Head().Hash
		}
		return nil
	})
	var broken *audit.BrokenLink
	if errors.As(err, &broken) {
		return v.Count(), broken
	}
	if err != nil {
		return v.Count(), fmt.Errorf("read access log: %w", err)
	}
	if ref.Seq != 0 && atRef != ref.Hash {
		return v.Count(), &audit.BrokenLink{Seq: ref.Seq, Reason: audit.ReasonTruncated, Signer: ref.Signer}
	}
	if v.Head() != o.head {
		return v.Count(), &audit.BrokenLink{Seq: o.head.Seq, Reason: "最後のイベントが失われています"}
	}
	n := v.Count()
	return n, o.commitEvents([]audit.Event{o.event("audit.verify", "", fmt.Sprintf("ok events=%d", n))})
}

// AuditEvents returns the events that match f, oldest first.
func (o *Office) AuditEvents(ctx context.Context, s *Session, f audit.Filter) ([]audit.Event, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermAudit); err != nil {
		return nil, err
	}
	var out []audit.Event
	err := o.store.AuditRange(1, func(e local.AuditEntry) error {
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
