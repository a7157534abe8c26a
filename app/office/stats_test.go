package office

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// statsData is a generated office history: the records imported, kept so
// that the test can count them itself.
type statsData struct {
	venues   []*record.Venue
	staff    []*record.Staff
	programs []*record.Program
	biz      []*record.Business
	cons     []*record.Consultation
	res      []*record.Reservation
	disp     []*record.Dispatch
	sems     []*record.Seminar
	apps     []*record.Application
}

func (d *statsData) all() []any {
	var out []any
	for _, v := range d.venues {
		out = append(out, v)
	}
	for _, v := range d.staff {
		out = append(out, v)
	}
	for _, v := range d.programs {
		out = append(out, v)
	}
	for _, v := range d.biz {
		out = append(out, v)
	}
	for _, v := range d.cons {
		out = append(out, v)
	}
	for _, v := range d.res {
		out = append(out, v)
	}
	for _, v := range d.disp {
		out = append(out, v)
	}
	for _, v := range d.sems {
		out = append(out, v)
	}
	for _, v := range d.apps {
		out = append(out, v)
	}
	return out
}

// genStats makes dummy records from February 2026 to May 2027, so that the
// 年度 FY2026 has records on both sides of it.
func genStats(rng *rand.Rand) *statsData {
	d := &statsData{}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	some := func(xs []string) []string {
		var out []string
		for _, x := range xs {
			if rng.IntN(3) == 0 {
				out = append(out, x)
			}
		}
		return out
	}
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	day := func() string { return start.AddDate(0, 0, rng.IntN(485)).Format("2006-01-02") } // to 2027-05-31
	orEmpty := func(s string, oneIn int) string {
		if rng.IntN(oneIn) == 0 {
			return ""
		}
		return s
	}
	for i := range 3 {
		v := &record.Venue{Name: fmt.Sprintf("統計会場%d", i+1), Capacity: 2, Active: true}
		v.ID = record.NewID(record.KindVenue)
		d.venues = append(d.venues, v)
	}
	for i := range 4 {
		st := &record.Staff{Name: fmt.Sprintf("統計 相談員%d", i+1), Kana: "トウケイ ソウダンイン", Role: "相談員", Active: true}
		st.ID = record.NewID(record.KindStaff)
		d.staff = append(d.staff, st)
	}
	for i, level := range record.ProgramLevels() {
		p := &record.Program{Level: level, Name: fmt.Sprintf("統計支援策%d", i+1), Active: true}
		p.ID = record.NewID(record.KindProgram)
		d.programs = append(d.programs, p)
	}
	for i := range 12 {
		b := dummyBusiness(fmt.Sprintf("統計%02d商店", i), "トウケイショウテン", fmt.Sprintf("03-5565-%04d", i))
		b.ID = record.NewID(record.KindBusiness)
		b.Industry = orEmpty(pick(record.Industries()[:6]), 6)
		d.biz = append(d.biz, b)
	}
	for range 90 {
		c := &record.Consultation{BusinessID: d.biz[rng.IntN(len(d.biz))].ID, ConsultantID: d.staff[rng.IntN(len(d.staff))].ID,
			VenueID: orEmpty(d.venues[rng.IntN(len(d.venues))].ID, 8), Date: day(), Start: "10:00", End: "11:00",
			Category: orEmpty(pick(record.Categories()), 7), Mode: pick(record.Modes()), Status: pick([]string{record.StConfirmed, record.StReturned}),
			Case: &record.ConsultationCase{Summary: "統計確認の相談", Topics: some(record.Topics()), Troubles: some(record.Troubles())}}
		for _, p := range d.programs {
			if rng.IntN(3) == 0 {
				c.Case.Programs = append(c.Case.Programs, p.ID)
			}
		}
		if rng.IntN(6) == 0 { // a draft, its mode not yet chosen
			c.Status, c.Mode, c.Start, c.End = record.StDraft, "", "", ""
		}
		d.cons = append(d.cons, c)
	}
	for range 60 {
		d.res = append(d.res, &record.Reservation{Date: day(), Start: "13:00", End: "14:00", VenueID: d.venues[rng.IntN(len(d.venues))].ID,
			ConsultantID: d.staff[rng.IntN(len(d.staff))].ID, BusinessID: d.biz[rng.IntN(len(d.biz))].ID, Channel: pick(record.Channels()),
			Status: pick(record.ReservationStatuses()), ReceivedOn: "2026-01-15", Checks: record.ReservationChecks{VisitCount: 1}})
	}
	for range 25 {
		d.disp = append(d.disp, &record.Dispatch{BusinessID: d.biz[rng.IntN(len(d.biz))].ID, AdviserID: d.staff[0].ID, Theme: "統計確認の派遣",
			RequestedOn: day(), Status: pick(record.DispatchStatuses())})
	}
	for i := range 6 {
		s := &record.Seminar{Title: fmt.Sprintf("統計セミナー%d", i+1), Date: day(), Start: "14:00", End: "16:00", VenueID: d.venues[0].ID, Capacity: 30}
		s.ID = record.NewID(record.KindSeminar)
		d.sems = append(d.sems, s)
		for j := range 3 + rng.IntN(8) {
			d.apps = append(d.apps, &record.Application{SeminarID: s.ID, BusinessName: fmt.Sprintf("受講%d-%d商店", i, j), PersonName: "受講 太郎",
				AppliedOn: "2026-01-20", Status: pick(record.ApplicationStatuses())})
		}
	}
	return d
}

// want counts the generated records of a period the way the statistics are
// defined (docs/DATA.md): every consultation record of the period, each
// business once, reservations not cancelled, no-shows, dispatches not
// cancelled by request date, attendance at the period's seminars.
func (d *statsData) want(from, to string, months []string) *Stats {
	in := func(date string) bool { return date >= from && date <= to }
	names := map[string]string{}
	for _, v := range d.venues {
		names[v.ID] = v.Name
	}
	for _, v := range d.staff {
		names[v.ID] = v.Name
	}
	for _, v := range d.programs {
		names[v.ID] = v.Name
	}
	industry := map[string]string{}
	for _, b := range d.biz {
		industry[b.ID] = b.Industry
	}
	label := func(s string) string { return cmp.Or(s, "（未記入）") }
	type tally = map[string]int
	topics, programs, troubles, industries, cats, staff, venues, modes, byMonth :=
		tally{}, tally{}, tally{}, tally{}, tally{}, tally{}, tally{}, tally{}, tally{}
	st := &Stats{}
	seen := map[string]bool{}
	for _, c := range d.cons {
		if !in(c.Date) {
			continue
		}
		st.Consultations++
		seen[c.BusinessID] = true
		for _, x := range c.Case.Topics {
			topics[x]++
		}
		for _, x := range c.Case.Troubles {
			troubles[x]++
		}
		for _, x := range c.Case.Programs {
			programs[names[x]]++
		}
		industries[label(industry[c.BusinessID])]++
		cats[label(c.Category)]++
		staff[label(names[c.ConsultantID])]++
		venues[label(names[c.VenueID])]++
		modes[label(c.Mode)]++
		byMonth[c.Date[:7]]++
	}
	st.UniqueBusinesses = len(seen)
	for _, r := range d.res {
		if in(r.Date) && r.Status != record.ResCanceled {
			st.Reservations++
		}
		if in(r.Date) && r.Status == record.ResNoShow {
			st.NoShows++
		}
	}
	for _, x := range d.disp {
		if in(x.RequestedOn) && x.Status != record.DisCanceled {
			st.Dispatches++
		}
	}
	semIn := map[string]bool{}
	for _, s := range d.sems {
		semIn[s.ID] = in(s.Date)
	}
	for _, a := range d.apps {
		if semIn[a.SeminarID] && a.Status == record.AppAttended {
			st.SeminarAttendance++
		}
	}
	table := func(title string, counts tally, fixed []string) StatsTable {
		t := StatsTable{Title: title}
		for _, l := range fixed {
			t.Rows = append(t.Rows, Count{Label: l, N: counts[l]})
		}
		var rest []Count
		for l, n := range counts {
			if !slices.Contains(fixed, l) {
				rest = append(rest, Count{Label: l, N: n})
			}
		}
		slices.SortFunc(rest, func(a, b Count) int { return cmp.Or(b.N-a.N, cmp.Compare(a.Label, b.Label)) })
		t.Rows = append(t.Rows, rest...)
		return t
	}
	st.Tables = []StatsTable{table("相談内容区分", topics, record.Topics()), table("支援策", programs, nil),
		table("お困りごと", troubles, record.Troubles()), table("業種", industries, nil), table("相談者区分", cats, record.Categories()),
		table("相談員", staff, nil), table("会場", venues, nil), table("相談形態", modes, record.Modes())}
	if months != nil {
		st.Tables = append(st.Tables, table("月別相談件数", byMonth, months))
	}
	return st
}

// TestStatisticsCountGeneratedData imports a generated history and checks
// every number of the monthly and yearly statistics against counts made
// from the generated records.
func TestStatisticsCountGeneratedData(t *testing.T) {
	const seed = 20261001
	t.Logf("seed %d", seed)
	d := genStats(rand.New(rand.NewPCG(seed, 1)))
	f := newFixture(t)
	ctx := context.Background()
	f.as("admin", func(s *Session) {
		if err := f.o.Import(ctx, s, d.all(), nil); err != nil {
			t.Fatal(err)
		}
	})
	fy := d.want("2026-04-01", "2027-03-31", nil)
	if fy.Consultations < 40 || fy.NoShows == 0 || fy.Dispatches == 0 || fy.SeminarAttendance == 0 ||
		fy.Consultations == len(d.cons) || fy.UniqueBusinesses < 2 {
		t.Fatalf("the generated data do not exercise the statistics: %+v", fy)
	}
	periods := []struct {
		p, from, to, title string
		months             []string
	}{
		{"FY2026", "2026-04-01", "2027-03-31", "統計報告（2026年度（令和8年度））", monthsOf(2026)},
		{"FY2025", "2025-04-01", "2026-03-31", "統計報告（2025年度（令和7年度））", monthsOf(2025)},
		{"2026-10", "2026-10-01", "2026-10-31", "統計報告（2026年10月）", nil},
		{"2027-02", "2027-02-01", "2027-02-28", "統計報告（2027年2月）", nil},
		{"2026-03", "2026-03-01", "2026-03-31", "統計報告（2026年3月）", nil},
		{"2025-01", "2025-01-01", "2025-01-31", "統計報告（2025年1月）", nil},
	}
	f.as("coord", func(s *Session) {
		for _, p := range periods {
			t.Run(p.p, func(t *testing.T) {
				got, err := f.o.Statistics(ctx, s, p.p)
				if err != nil {
					t.Fatal(err)
				}
				want := d.want(p.from, p.to, p.months)
				if got.Title != p.title {
					t.Errorf("title %q, want %q", got.Title, p.title)
				}
				for _, c := range []struct {
					what      string
					got, want int
				}{
					{"consultations", got.Consultations, want.Consultations},
					{"businesses", got.UniqueBusinesses, want.UniqueBusinesses},
					{"reservations", got.Reservations, want.Reservations},
					{"no-shows", got.NoShows, want.NoShows},
					{"dispatches", got.Dispatches, want.Dispatches},
					{"seminar attendance", got.SeminarAttendance, want.SeminarAttendance},
				} {
					if c.got != c.want {
						t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
					}
				}
				if len(got.Tables) != len(want.Tables) {
					t.Fatalf("%d tables, want %d", len(got.Tables), len(want.Tables))
				}
				for i, w := range want.Tables {
					if g := got.Tables[i]; fmt.Sprint(g) != fmt.Sprint(w) {
						t.Errorf("table %s\n got %v\nwant %v", w.Title, g.Rows, w.Rows)
					}
				}
			})
		}
	})
}

// monthsOf lists the months of 年度 fy, April to March.
func monthsOf(fy int) []string {
	var out []string
	for m := 4; m <= 15; m++ {
		out = append(out, fmt.Sprintf("%d-%02d", fy+(m-1)/12, (m-1)%12+1))
	}
	return out
}
