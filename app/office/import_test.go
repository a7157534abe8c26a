package office

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

func TestImport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("admin", func(s *Session) {
		venue := &record.Venue{Name: "取込会議室", Capacity: 3, Active: true}
		venue.ID = record.NewID(record.KindVenue) // records refer to each other by ids set beforehand
		adviser := &record.Staff{Name: "取込 専門家", Kana: "トリコミ センモンカ", Role: "専門家", Active: true}
		adviser.ID = record.NewID(record.KindStaff)
		prog := &record.Program{Level: "国", Name: "取込補助金", Active: true}
		prog.ID = record.NewID(record.KindProgram)
		var recs []any
		recs = append(recs, venue, adviser, prog)
		var bizs []*record.Business
		for i := range 3 {
			b := dummyBusiness(fmt.Sprintf("取込%d商店", i), "トリコミショウテン", fmt.Sprintf("03-5558-%04d", i))
			b.ID = record.NewID(record.KindBusiness)
			b.Case = &record.BusinessCase{RepBirth: fmt.Sprintf("196%d-05-01", i)}
			bizs = append(bizs, b)
			recs = append(recs, b)
		}
		res := &record.Reservation{Date: "2026-10-02", Start: "10:00", End: "11:00", VenueID: venue.ID, ConsultantID: f.staff,
			BusinessID: bizs[0].ID, Channel: "電話", Status: record.ResVisited, ReceivedOn: "2026-09-30",
			Checks: record.ReservationChecks{Subsidy: "している", Loan: "していない", VisitCount: 1}}
		res.ID = record.NewID(record.KindReservation)
		cons := &record.Consultation{BusinessID: bizs[0].ID, ReservationID: res.ID, ConsultantID: f.staff, Date: "2026-10-02",
			Start: "10:00", End: "11:00", Mode: "窓口", Status: record.StConfirmed,
			Case: &record.ConsultationCase{Summary: "取込した相談の概要：事業承継", Programs: []string{prog.ID}}}
		disp := &record.Dispatch{BusinessID: bizs[1].ID, AdviserID: adviser.ID, Theme: "事業承継の助言", RequestedOn: "2026-10-03",
			ApprovedOn: "2026-10-05", Status: record.DisApproved, Case: &record.DispatchCase{Report: "取込した派遣報告"}}
		sem := &record.Seminar{Title: "取込セミナー", Date: "2026-10-20", Start: "14:00", End: "16:00", VenueID: venue.ID, Capacity: 5}
		sem.ID = record.NewID(record.KindSeminar)
		app1 := &record.Application{SeminarID: sem.ID, BusinessID: bizs[2].ID, BusinessName: "取込2商店", PersonName: "申込 一郎",
			AppliedOn: "2026-10-01", Status: record.AppApplied}
		app2 := &record.Application{SeminarID: sem.ID, BusinessName: "取込外商店", PersonName: "申込 二郎",
			AppliedOn: "2026-10-02", Status: record.AppApplied}
		recs = append(recs, res, cons, disp, sem, app1, app2)

		var calls [][2]int
		if err := f.o.Import(ctx, s, recs, func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
			t.Fatalf("import: %v", err)
		}
		if len(calls) == 0 || calls[len(calls)-1] != [2]int{len(recs), len(recs)} {
			t.Errorf("progress calls %v, want the last to be %d of %d", calls, len(recs), len(recs))
		}
		if cons.ID == "" || disp.ID == "" || app1.ID == "" || cons.CreatedBy != "admin" || cons.Rev == "" {
			t.Fatalf("imported records not stamped: %+v", cons.Meta)
		}

		// Every record reads back, with its case part, under the id it had.
		b, err := f.o.Business(ctx, s, bizs[1].ID)
		if err != nil || b.Name != "取込1商店" || b.Case == nil || b.Case.RepBirth != "1961-05-01" {
			t.Fatalf("imported business: %+v %v", b, err)
		}
		c, err := f.o.Consultation(ctx, s, cons.ID)
		if err != nil || c.ReservationID != res.ID || c.Case == nil || c.Case.Summary != cons.Case.Summary {
			t.Fatalf("imported consultation: %+v %v", c, err)
		}
		d, err := f.o.Dispatch(ctx, s, disp.ID)
		if err != nil || d.Status != record.DisApproved || d.Case == nil || d.Case.Report != "取込した派遣報告" {
			t.Fatalf("imported dispatch: %+v %v", d, err)
		}
		apps, err := f.o.Applications(ctx, s, sem.ID)
		if err != nil || len(apps) != 2 {
			t.Fatalf("imported applications: %d %v", len(apps), err)
		}
		rs, err := f.o.ReservationsOfBusiness(ctx, s, bizs[0].ID)
		if err != nil || len(rs) != 1 || rs[0].ID != res.ID {
			t.Fatalf("imported reservation: %v %v", rs, err)
		}
		if n, err := f.o.DispatchCount(ctx, s, bizs[1].ID, f.clock.Now()); err != nil || n != 1 {
			t.Fatalf("dispatch count after import: %d %v", n, err)
		}
		// Imported content is in the case-text index and the name index.
		if hits, err := f.o.SearchCases(ctx, s, "事業承継", 10); err != nil || len(hits) != 1 || hits[0].ID != cons.ID {
			t.Fatalf("case search after import: %v %v", hits, err)
		}
		if hits, err := f.o.Search(ctx, s, "取込", 10); err != nil || len(hits) != 3 {
			t.Fatalf("name search after import: %d hits %v", len(hits), err)
		}
		if vs, err := f.o.Venues(ctx, s); err != nil || len(vs) != 3 {
			t.Fatalf("venues after import: %d %v", len(vs), err)
		}

		// One event per kind, with the count.
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: "import"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range evs {
			got = append(got, ev.Detail)
			if ev.User != "admin" || ev.Object != "" {
				t.Errorf("import event %+v", ev)
			}
		}
		sort.Strings(got)
		want := []string{"application count=2", "business count=3", "consultation count=1", "dispatch count=1",
			"program count=1", "reservation count=1", "seminar count=1", "staff count=1", "venue count=1"}
		if strings.Join(got, ";") != strings.Join(want, ";") {
			t.Errorf("import events\n got %v\nwant %v", got, want)
		}

		// An id that is already stored is refused: an import only creates.
		again := &record.Venue{Name: "別の会場", Capacity: 1}
		again.ID = venue.ID
		if err := f.o.Import(ctx, s, []any{again}, nil); !errors.Is(err, ErrConflict) {
			t.Errorf("import over an existing id: %v", err)
		}
		if vs, _ := f.o.Venues(ctx, s); len(vs) != 3 || !slicesContainsName(vs, "取込会議室") || slicesContainsName(vs, "別の会場") {
			t.Errorf("venues after the refused import: %+v", vs)
		}
	})
	// Not even a consultation's author may replace it through an import
	// once it is approved (SaveConsultation refuses that).
	id := f.confirmedConsultation("承認される相談")
	f.as("kantoku", func(s *Session) {
		if err := f.o.Approve(ctx, s, id); err != nil {
			t.Fatal(err)
		}
	})
	f.as("soudan", func(s *Session) {
		c, err := f.o.Consultation(ctx, s, id)
		if err != nil {
			t.Fatal(err)
		}
		c.Status, c.Case.Summary = record.StConfirmed, "取込で書き換え"
		if err := f.o.Import(ctx, s, []any{c}, nil); !errors.Is(err, ErrConflict) {
			t.Fatalf("import over an approved record: %v", err)
		}
		if c, err := f.o.Consultation(ctx, s, id); err != nil || c.Status != record.StApproved || c.Case.Summary != "承認される相談" {
			t.Fatalf("approved record after the refused import: %v %v", c, err)
		}
	})
}

func slicesContainsName(vs []record.Venue, name string) bool {
	for _, v := range vs {
		if v.Name == name {
			return true
		}
	}
	return false
}

// TestImportRefusesBeforeWriting: a record the person may not write anywhere
// in an import, even in a later chunk, refuses the whole import with
// ErrForbidden before anything is written; an invalid record refuses its chunk.
func TestImportRefusesBeforeWriting(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var bid string
	f.as("uketsuke", func(s *Session) {
		bid = f.business(s, "取込拒否商店", "トリコミキョヒショウテン", "03-5558-9000").ID
	})
	dispatch := func(status string) *record.Dispatch {
		d := &record.Dispatch{BusinessID: bid, AdviserID: f.staff2, Theme: "資金繰りの助言", RequestedOn: "2026-10-01", Status: status}
		if status != record.DisRequested {
			d.ApprovedOn = "2026-10-02"
		}
		return d
	}
	approved := &record.Consultation{BusinessID: bid, ConsultantID: f.staff, Date: "2026-10-01", Start: "10:00", End: "10:30",
		Mode: "窓口", Status: record.StApproved, Case: &record.ConsultationCase{Summary: "承認済として取込"}}
	many := func(tail any) []any {
		var recs []any
		for i := range importChunk { // one full chunk first, the refused record in the next
			b := dummyBusiness(fmt.Sprintf("大量取込%d商店", i), "タイリョウトリコミショウテン", fmt.Sprintf("06-6%03d-%04d", i/1000, i%1000))
			b.Case = nil
			recs = append(recs, b)
		}
		return append(recs, tail)
	}
	tests := []struct {
		login string
		name  string
		recs  []any
	}{
		{"uketsuke", "a venue after a full chunk of businesses", many(&record.Venue{Name: "受付の会場", Capacity: 1})},
		{"uketsuke", "a business with its case part", []any{dummyBusiness("生年月日付商店", "セイネンガッピツキショウテン", "03-5558-9001")}},
		{"uketsuke", "a consultation", []any{&record.Consultation{BusinessID: bid, ConsultantID: f.staff, Date: "2026-10-01"}}},
		{"soudan", "an approved dispatch", []any{dispatch(record.DisRequested), dispatch(record.DisApproved)}},
		{"soudan", "a dispatch held", []any{dispatch(record.DisHeld)}},
		{"coord", "an approved consultation", []any{approved}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func(parent *testing.T) { f.t = parent }(f.t)
			f.t = t
			f.as(tc.login, func(s *Session) {
				before := storeStateOf(t, f.o)
				err := f.o.Import(ctx, s, tc.recs, nil)
				if !errors.Is(err, ErrForbidden) {
					t.Fatalf("got %v, want ErrForbidden", err)
				}
				if d := before.diff(storeStateOf(t, f.o)); d != "" {
					t.Fatalf("refused import changed %s", d)
				}
			})
		})
	}

	f.as("coord", func(s *Session) {
		// The coordinator may import the dispatches the consultant may not.
		if err := f.o.Import(ctx, s, []any{dispatch(record.DisApproved), dispatch(record.DisHeld)}, nil); err != nil {
			t.Fatalf("coordinator's dispatches: %v", err)
		}
		// An empty import writes nothing.
		before := storeStateOf(t, f.o)
		if err := f.o.Import(ctx, s, nil, nil); err != nil {
			t.Fatalf("empty import: %v", err)
		}
		if d := before.diff(storeStateOf(t, f.o)); d != "" {
			t.Fatalf("empty import changed %s", d)
		}
		// An invalid record refuses its chunk, naming the record.
		bad := &record.Venue{Name: "", Capacity: 1}
		err := f.o.Import(ctx, s, []any{&record.Venue{Name: "正しい会場", Capacity: 1}, bad}, nil)
		var fe *record.FieldError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "import record 2") {
			t.Fatalf("invalid record: %v", err)
		}
		if d := before.diff(storeStateOf(t, f.o)); d != "" {
			t.Fatalf("invalid import changed %s", d)
		}
		if n, err := f.o.DispatchCount(ctx, s, bid, f.clock.Now()); err != nil || n != 2 {
			t.Fatalf("dispatch count: %d %v", n, err)
		}
	})
}
