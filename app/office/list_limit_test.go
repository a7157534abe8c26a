package office

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// importSpread imports 40 consultation records over the ten days from
// 2026-10-01, by two consultants and two businesses, at varied times and
// statuses.
func (f *fixture) importSpread(s *Session) {
	f.t.Helper()
	b1 := f.business(s, "一覧確認商店", "イチランカクニンショウテン", "03-5555-0701")
	b2 := f.business(s, "一覧確認食堂", "イチランカクニンショクドウ", "03-5555-0702")
	starts := []string{"09:00", "13:30", "10:00", "16:00"}
	recs := make([]any, 40)
	for i := range recs {
		c := &record.Consultation{BusinessID: []string{b1.ID, b2.ID}[i%2], ConsultantID: []string{f.staff, f.staff2}[i/2%2],
			VenueID: f.venue, Date: fmt.Sprintf("2026-10-%02d", 1+i%10), Start: starts[i%4], End: "17:00", Mode: "窓口",
			Status: []string{record.StConfirmed, record.StDraft, record.StConfirmed}[i%3],
			Case:   &record.ConsultationCase{Summary: fmt.Sprintf("一覧の相談 %d", i)}}
		c.ID = record.NewID(record.KindConsultation)
		recs[i] = c
	}
	if err := f.o.Import(context.Background(), s, recs, nil); err != nil {
		f.t.Fatalf("Import: %v", err)
	}
}

// TestConsultationsLimit checks that a limited list is the head of the
// whole list (newest first) for every filter, that the names are filled,
// and that with a period the older records are not read.
func TestConsultationsLimit(t *testing.T) {
	f := newFixture(t)
	s := f.login("coord")
	f.importSpread(s)
	ctx := context.Background()
	filters := map[string]ConsultationFilter{
		"all":                  {},
		"period":               {From: "2026-10-03", To: "2026-10-08"},
		"from only":            {From: "2026-10-05"},
		"to only":              {To: "2026-10-04"},
		"period and staff":     {From: "2026-10-02", To: "2026-10-09", ConsultantID: f.staff2},
		"period and status":    {From: "2026-10-01", To: "2026-10-10", Status: record.StDraft},
		"staff without period": {ConsultantID: f.staff},
		"status":               {Status: record.StConfirmed},
	}
	for name, filter := range filters {
		all, err := f.o.Consultations(ctx, s, filter)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(all) == 0 {
			t.Fatalf("%s: nothing listed", name)
		}
		// The same rows, in the same order, as the whole records listed.
		cs, err := f.o.consultations(ctx, s, filter)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var whole []ConsultationSummary
		for i := range cs {
			whole = append(whole, f.o.consultationSummary(s, &cs[i]))
		}
		if !slices.Equal(all, whole) {
			t.Errorf("%s: summaries %v, records %v", name, ids(all), ids(whole))
		}
		for i, c := range all {
			if c.BusinessName == "" || c.ConsultantName == "" {
				t.Errorf("%s: row %d without names: %+v", name, i, c)
			}
			if !matchConsultation(&record.Consultation{Date: c.Date, ConsultantID: c.ConsultantID, Status: c.Status}, filter) {
				t.Errorf("%s: row %d does not match: %+v", name, i, c)
			}
		}
		for _, limit := range []int{1, 3, 7, len(all), len(all) + 5} {
			lf := filter
			lf.Limit = limit
			got, err := f.o.Consultations(ctx, s, lf)
			if err != nil {
				t.Fatalf("%s, limit %d: %v", name, limit, err)
			}
			want := all[:min(limit, len(all))]
			if !slices.Equal(got, want) {
				t.Errorf("%s, limit %d: got %d rows %v, want %v", name, limit, len(got), ids(got), ids(want))
			}
		}
	}

	// With a period, a limit of 3 reads the newest day (four records) and
	// stops: the records of the other nine days are not opened.
	reads := 0
	pctx := WithProgress(ctx, func(p Progress) {
		if p.Step == StepRead {
			reads++
		}
	})
	got, err := f.o.Consultations(pctx, s, ConsultationFilter{From: "2026-10-01", To: "2026-10-10", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Date != "2026-10-10" || reads != 4 {
		t.Errorf("limit 3 over ten days: %d rows from %q after %d reads, want 3 rows of 2026-10-10 after 4 reads", len(got), got[0].Date, reads)
	}
}

func ids(cs []ConsultationSummary) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Date + " " + c.Start + " " + c.ID
	}
	return out
}

// TestBusinessesSortedByKana checks the business list's order (normalised
// フリガナ, then id) and that merged businesses are left out.
func TestBusinessesSortedByKana(t *testing.T) {
	f := newFixture(t)
	s := f.login("coord")
	f.business(s, "ん商店", "ンショウテン", "03-5555-0801")
	f.business(s, "あ商店", "アショウテン", "03-5555-0802")
	f.business(s, "か商店", "ｶｼｮｳﾃﾝ", "03-5555-0803")
	from := f.business(s, "か商店（重複）", "カショウテン", "03-5555-0804")
	into := f.business(s, "さ商店", "サショウテン", "03-5555-0805")
	if err := f.o.MergeBusiness(context.Background(), s, from.ID, into.ID); err != nil {
		t.Fatalf("MergeBusiness: %v", err)
	}
	bs, err := f.o.Businesses(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	if want := []string{"あ商店", "か商店", "さ商店", "ん商店"}; !slices.Equal(names, want) {
		t.Errorf("Businesses = %v, want %v", names, want)
	}
}
