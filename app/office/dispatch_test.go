package office

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestDispatchFlow: a consultant requests, only a coordinator or supervisor
// approves or changes an approved dispatch, the visit report is case data
// whose views are logged.
func TestDispatchFlow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var bid, did string
	f.as("soudan", func(s *Session) {
		bid = f.business(s, "派遣確認商店", "ハケンカクニンショウテン", "03-5560-0001").ID
		d := &record.Dispatch{BusinessID: bid, AdviserID: f.staff2, Theme: "原価計算の助言", RequestedOn: "2026-10-01", Hours: 2}
		if err := f.o.SaveDispatch(ctx, s, d); err != nil {
			t.Fatal(err)
		}
		if d.Status != record.DisRequested || d.ApprovedOn != "" {
			t.Fatalf("new request: %s approved on %q", d.Status, d.ApprovedOn)
		}
		did = d.ID
		before := storeStateOf(t, f.o)
		d.Status = record.DisApproved
		if err := f.o.SaveDispatch(ctx, s, d); !errors.Is(err, ErrForbidden) {
			t.Fatalf("consultant approved a dispatch: %v", err)
		}
		if diff := before.diff(storeStateOf(t, f.o)); diff != "" {
			t.Fatalf("refused approval changed %s", diff)
		}
	})
	f.as("coord", func(s *Session) {
		d, err := f.o.Dispatch(ctx, s, did)
		if err != nil {
			t.Fatal(err)
		}
		d.Status = record.DisApproved
		if err := f.o.SaveDispatch(ctx, s, d); err != nil {
			t.Fatal(err)
		}
		if d.ApprovedOn != "2026-10-01" {
			t.Fatalf("approval date %q, want today in JST", d.ApprovedOn)
		}
	})
	f.as("soudan", func(s *Session) {
		d, err := f.o.Dispatch(ctx, s, did)
		if err != nil {
			t.Fatal(err)
		}
		// The consultant may neither take the approval back nor cancel it.
		for _, st := range []string{record.DisRequested, record.DisCanceled, record.DisHeld} {
			before := storeStateOf(t, f.o)
			c := *d
			c.Status = st
			if err := f.o.SaveDispatch(ctx, s, &c); !errors.Is(err, ErrForbidden) {
				t.Fatalf("consultant moved an approved dispatch to %s: %v", st, err)
			}
			if diff := before.diff(storeStateOf(t, f.o)); diff != "" {
				t.Fatalf("refused change to %s changed %s", st, diff)
			}
		}
	})
	f.as("coord", func(s *Session) {
		d, err := f.o.Dispatch(ctx, s, did)
		if err != nil {
			t.Fatal(err)
		}
		d.Status, d.HeldOn, d.Case = record.DisHeld, "2026-10-15", &record.DispatchCase{Report: "原価計算表を一緒に作成した"}
		if err := f.o.SaveDispatch(ctx, s, d); err != nil {
			t.Fatal(err)
		}
		stale := *d
		d.Status = record.DisDone
		if err := f.o.SaveDispatch(ctx, s, d); err != nil {
			t.Fatal(err)
		}
		stale.Hours = 3
		if err := f.o.SaveDispatch(ctx, s, &stale); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale dispatch update: %v", err)
		}
	})
	f.as("kantoku", func(s *Session) {
		d, err := f.o.Dispatch(ctx, s, did)
		if err != nil || d.Status != record.DisDone || d.Case == nil || d.Case.Report != "原価計算表を一緒に作成した" {
			t.Fatalf("dispatch after the flow: %+v %v", d, err)
		}
		views, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActViewCase})
		if err != nil {
			t.Fatal(err)
		}
		byUser := map[string]int{}
		for _, ev := range views {
			if ev.Object == did {
				byUser[ev.User]++
			}
		}
		if byUser["coord"] != 2 || byUser["soudan"] != 1 || byUser["kantoku"] != 1 {
			t.Fatalf("views of the visit report by user: %v", byUser)
		}
		writes, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActUpdate})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range writes {
			if ev.Object == did {
				n++
			}
		}
		if n != 3 { // 承認, 実施, 完了
			t.Fatalf("%d update events on the dispatch, want 3", n)
		}
	})
}

// TestDispatchCountPerFiscalYear counts dispatches per business and 年度
// (April to March) against the generated requests, cancelled ones excluded.
func TestDispatchCountPerFiscalYear(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("coord", func(s *Session) {
		a := f.business(s, "年度確認一商店", "ネンドカクニンイチショウテン", "03-5560-0101").ID
		b := f.business(s, "年度確認二商店", "ネンドカクニンニショウテン", "03-5560-0102").ID
		reqs := []struct {
			biz, on, status string
		}{
			{a, "2026-04-01", record.DisRequested}, // FY2026, first day
			{a, "2026-10-01", record.DisApproved},
			{a, "2026-12-24", record.DisDone},
			{a, "2027-01-10", record.DisCanceled},  // not counted
			{a, "2027-03-31", record.DisHeld},      // FY2026, last day
			{a, "2027-04-01", record.DisRequested}, // FY2027
			{a, "2026-03-31", record.DisDone},      // FY2025
			{b, "2026-06-01", record.DisApproved},
			{b, "2026-07-01", record.DisCanceled},
		}
		want := map[string]map[int]int{}
		stats := map[string]int{} // month → dispatches not cancelled
		for _, r := range reqs {
			d := &record.Dispatch{BusinessID: r.biz, AdviserID: f.staff2, Theme: "経営改善の助言", RequestedOn: r.on, Status: r.status}
			if err := f.o.SaveDispatch(ctx, s, d); err != nil {
				t.Fatal(err)
			}
			if r.status == record.DisCanceled {
				continue
			}
			on, _ := time.Parse("2006-01-02", r.on)
			if want[r.biz] == nil {
				want[r.biz] = map[int]int{}
			}
			want[r.biz][record.FiscalYear(on)]++
			stats[r.on[:7]]++
		}
		for _, biz := range []string{a, b} {
			for _, at := range []string{"2025-06-01", "2026-05-01", "2027-02-01", "2027-04-15"} {
				tm, _ := time.Parse("2006-01-02", at)
				n, err := f.o.DispatchCount(ctx, s, biz, tm)
				if err != nil {
					t.Fatal(err)
				}
				if w := want[biz][record.FiscalYear(tm)]; n != w {
					t.Errorf("business %s, 年度 of %s: %d dispatches, want %d", biz, at, n, w)
				}
			}
		}
		if want[a][2026] != 4 || want[a][2027] != 1 || want[a][2025] != 1 {
			t.Fatalf("the generated requests do not span the fiscal years: %v", want[a])
		}
		ds, err := f.o.Dispatches(ctx, s)
		if err != nil || len(ds) != len(reqs) {
			t.Fatalf("dispatches: %d %v", len(ds), err)
		}
		for i := 1; i < len(ds); i++ {
			if ds[i-1].RequestedOn < ds[i].RequestedOn {
				t.Fatalf("dispatches not newest first: %s before %s", ds[i-1].RequestedOn, ds[i].RequestedOn)
			}
		}
		for _, month := range []string{"2026-04", "2026-07", "2026-12", "2027-01", "2027-03"} {
			st, err := f.o.Statistics(ctx, s, month)
			if err != nil {
				t.Fatal(err)
			}
			if st.Dispatches != stats[month] {
				t.Errorf("statistics %s: %d dispatches, want %d", month, st.Dispatches, stats[month])
			}
		}
		fy, err := f.o.Statistics(ctx, s, "FY2026")
		if err != nil || fy.Dispatches != 5 { // a: 4, b: 1
			t.Fatalf("statistics FY2026: %d dispatches %v", fy.Dispatches, err)
		}
	})
}
