package office

import (
	"context"
	"fmt"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestManyWarningsAreWritten: thousands of warnings found by reads (a
// year's statistics over approvals that do not verify) are all written,
// in transactions the store accepts, before the next event.
func TestManyWarningsAreWritten(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const n = 6000
	f.as("admin", func(s *Session) {
		for i := range n {
			f.o.warn(fmt.Sprintf("C-%010d", i), "approval signature does not verify: shown as not approved")
		}
		f.o.mu.Lock()
		err := f.o.logRead(audit.ActSearch, "", "after the warnings")
		f.o.mu.Unlock()
		if err != nil {
			t.Fatalf("commit after %d warnings: %v", n, err)
		}
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		warnings, last := 0, audit.Event{}
		for _, e := range evs {
			if e.Action == audit.ActWarning {
				warnings++
			}
			if e.Action != audit.ActCheckpoint {
				last = e
			}
		}
		if warnings != n {
			t.Errorf("%d warnings in the log, want %d", warnings, n)
		}
		if last.Action != audit.ActSearch {
			t.Errorf("last event %+v, want the search after the warnings", last)
		}
	})
}

// TestImportSignsApprovals: a supervisor's import of 承認済 records signs
// them as Approve would, so they read as approved (not as 確定 with a
// broken approval and a warning each).
func TestImportSignsApprovals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("admin", func(s *Session) {
		biz := f.business(s, "承認取込商店", "ショウニントリコミショウテン", "03-5560-0301").ID
		var recs []any
		for i := range 3 {
			recs = append(recs, &record.Consultation{BusinessID: biz, ConsultantID: f.staff,
				Date: fmt.Sprintf("2026-09-%02d", i+1), Start: "10:00", End: "11:00", Mode: "窓口", Status: record.StApproved,
				Case: &record.ConsultationCase{Summary: "取込した承認済みの相談"}})
		}
		if err := f.o.Import(ctx, s, recs, nil); err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			c, err := f.o.Consultation(ctx, s, r.(*record.Consultation).ID)
			if err != nil || c.Status != record.StApproved || c.ApprovalBroken {
				t.Fatalf("imported approval reads %q broken=%v: %v", c.Status, c.ApprovalBroken, err)
			}
		}
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Action == audit.ActWarning {
				t.Errorf("warning in the log: %+v", e)
			}
		}
	})
}
