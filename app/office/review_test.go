package office

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestSendBack: a supervisor returns a confirmed record with a comment, the
// consultant sees it, corrects and confirms again, and the supervisor
// approves; only confirmed records can be reviewed.
func TestSendBack(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ids := []string{f.confirmedConsultation("一件目の相談"), f.confirmedConsultation("二件目の相談"), f.confirmedConsultation("三件目の相談")}
	var draft string
	f.as("soudan", func(s *Session) {
		c := &record.Consultation{BusinessID: f.business(s, "下書き商店", "シタガキショウテン", "03-5563-0001").ID,
			ConsultantID: f.staff, Date: "2026-10-01", Case: &record.ConsultationCase{Summary: "書きかけ"}}
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			t.Fatal(err)
		}
		draft = c.ID
	})
	pending := func(s *Session) []string {
		t.Helper()
		ps, err := f.o.PendingApprovals(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }
	const comment = "売上減少の状況を具体的に記入してください"

	f.as("kantoku", func(s *Session) {
		if got := pending(s); !slices.Equal(got, sorted(ids...)) {
			t.Fatalf("pending %v, want the three confirmed records", got)
		}
		before := storeStateOf(t, f.o)
		var fe *record.FieldError
		if err := f.o.SendBack(ctx, s, ids[0], "　 "); !errors.As(err, &fe) || fe.Field != "コメント" {
			t.Fatalf("send back without a comment: %v", err)
		}
		if err := f.o.SendBack(ctx, s, draft, comment); !errors.As(err, &fe) || fe.Field != "状態" {
			t.Fatalf("send back a draft: %v", err)
		}
		if err := f.o.Approve(ctx, s, draft); !errors.As(err, &fe) {
			t.Fatalf("approve a draft: %v", err)
		}
		if d := before.diff(storeStateOf(t, f.o)); d != "" {
			t.Fatalf("refused reviews changed %s", d)
		}
		if err := f.o.SendBack(ctx, s, ids[0], comment); err != nil {
			t.Fatal(err)
		}
		if err := f.o.SendBack(ctx, s, ids[0], comment); !errors.As(err, &fe) {
			t.Fatalf("send back twice: %v", err)
		}
		if got := pending(s); !slices.Equal(got, sorted(ids[1:]...)) {
			t.Fatalf("pending after the send-back %v", got)
		}
		returned, err := f.o.Consultations(ctx, s, ConsultationFilter{Status: record.StReturned})
		if err != nil || len(returned) != 1 || returned[0].ID != ids[0] {
			t.Fatalf("returned records: %v %v", returned, err)
		}
	})
	f.as("coord", func(s *Session) {
		if err := f.o.SendBack(ctx, s, ids[1], comment); !errors.Is(err, ErrForbidden) {
			t.Fatalf("coordinator sent back: %v", err)
		}
	})
	f.as("soudan", func(s *Session) {
		c, err := f.o.Consultation(ctx, s, ids[0])
		if err != nil || c.Status != record.StReturned || c.Case == nil || c.Case.ReviewComment != comment {
			t.Fatalf("returned record as the consultant sees it: %+v %v", c, err)
		}
		c.Case.SalesDrop = record.SalesDrops()[1]
		c.Status = record.StConfirmed
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			t.Fatal(err)
		}
	})
	f.as("kantoku", func(s *Session) {
		if got := pending(s); !slices.Equal(got, sorted(ids...)) {
			t.Fatalf("pending after the correction %v", got)
		}
		if err := f.o.Approve(ctx, s, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := f.o.SendBack(ctx, s, ids[0], comment); err == nil {
			t.Fatal("sent back an approved record")
		}
		h, err := f.o.ConsultationHistory(ctx, s, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, v := range h {
			statuses = append(statuses, v.Status)
		}
		want := []string{record.StConfirmed, record.StReturned, record.StConfirmed, record.StApproved}
		if !slices.Equal(statuses, want) {
			t.Fatalf("history %v, want %v", statuses, want)
		}
		if h[1].Case.ReviewComment != comment || h[0].Case.ReviewComment != "" {
			t.Fatalf("review comment in the history: %q %q", h[0].Case.ReviewComment, h[1].Case.ReviewComment)
		}
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{User: "kantoku", Action: audit.ActUpdate})
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, ev := range evs {
			if ev.Object == ids[0] {
				details = append(details, ev.Detail)
			}
		}
		if !slices.Equal(details, []string{"review " + record.StReturned, "review " + record.StApproved}) {
			t.Fatalf("review events %q", details)
		}
		if got := pending(s); !slices.Equal(got, sorted(ids[1:]...)) {
			t.Fatalf("pending after the approval %v", got)
		}
	})
}
