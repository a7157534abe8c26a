package office

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// Stats is the statistics of a month or a 年度: what the 統計 screen shows
// and the statistics report prints.
type Stats struct {
	Title  string // "統計報告（2026年10月）" or "統計報告（2026年度（令和8年度））"
	Period string // the dates covered, as shown
	// Consultations and UniqueBusinesses (実数) count consultation records
	// and the businesses they served; the no-show rate is NoShows over
	// Reservations.
	Consultations, UniqueBusinesses, Reservations, NoShows int
	Dispatches, SeminarAttendance                          int
	// Tables come in order: 相談内容区分, 支援策, お困りごと, 業種, 相談者区分,
	// 相談員, 会場, 相談形態 and, for a 年度, the months.
	Tables []StatsTable
}

// StatsTable is one table of the statistics, such as consultations by
// 相談内容区分.
type StatsTable struct {
	Title string
	Rows  []Count
}

// Count is one line of a statistics table: a label and how many.
type Count struct {
	Label string
	N     int
}

// report is st as the statistics report's input.
func (st *Stats) report() reports.StatsInput {
	in := reports.StatsInput{Title: st.Title, Period: st.Period,
		Consultations: st.Consultations, UniqueBusinesses: st.UniqueBusinesses,
		Reservations: st.Reservations, NoShows: st.NoShows,
		Dispatches: st.Dispatches, SeminarAttendance: st.SeminarAttendance}
	for _, t := range st.Tables {
		rt := reports.Table{Title: t.Title}
		for _, r := range t.Rows {
			rt.Rows = append(rt.Rows, reports.Count{Label: r.Label, N: r.N})
		}
		in.Tables = append(in.Tables, rt)
	}
	return in
}

var (
	monthPattern = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	fyPattern    = regexp.MustCompile(`^FY(\d{4})$`)
)

// period turns "2026-10" or "FY2026" into an inclusive ISO date range and a title.
func period(p string) (from, to, title string, months []string, err error) {
	if m := monthPattern.FindStringSubmatch(p); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return "", "", "", nil, ErrBadPeriod
		}
		start := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		end := start.AddDate(0, 1, -1)
		return start.Format("2006-01-02"), end.Format("2006-01-02"), fmt.Sprintf("統計報告（%d年%d月）", y, mo), nil, nil
	}
	if m := fyPattern.FindStringSubmatch(p); m != nil {
		fy, _ := strconv.Atoi(m[1])
		start, end := record.FiscalYearRange(fy)
		for d := start; d.Before(end); d = d.AddDate(0, 1, 0) {
			months = append(months, d.Format("2006-01"))
		}
		return start.Format("2006-01-02"), end.AddDate(0, 0, -1).Format("2006-01-02"),
			"統計報告（" + record.FormatFiscalYear(fy) + "）", months, nil
	}
	return "", "", "", nil, ErrBadPeriod
}

// counter counts labels and keeps the order in which a fixed list names them.
type counter struct {
	order []string
	n     map[string]int
}

func newCounter(order ...string) *counter { return &counter{order: order, n: map[string]int{}} }

func (c *counter) add(label string) {
	if label == "" {
		label = "（未記入）"
	}
	c.n[label]++
}

// table lists the fixed labels first (zeros included), then the others by count.
func (c *counter) table(title string) StatsTable {
	t := StatsTable{Title: title}
	seen := map[string]bool{}
	for _, l := range c.order {
		t.Rows = append(t.Rows, Count{Label: l, N: c.n[l]})
		seen[l] = true
	}
	var rest []Count
	for l, n := range c.n {
		if !seen[l] {
			rest = append(rest, Count{Label: l, N: n})
		}
	}
	slices.SortFunc(rest, func(a, b Count) int { return cmp.Or(b.N-a.N, cmp.Compare(a.Label, b.Label)) })
	t.Rows = append(t.Rows, rest...)
	return t
}

// Statistics counts a month ("2026-10") or a 年度 ("FY2026"): consultations
// by 相談内容区分, 支援策, お困りごと, 業種, 相談者区分, consultant, venue and mode;
// unique businesses; reservations and no-shows; dispatches; seminar
// attendance. It reads case content, so it is for coordinators and
// supervisors, and it is logged. It counts without holding the office,
// reports progress (StepCount per consultation) and stops when ctx ends.
func (o *Office) Statistics(ctx context.Context, s *Session, p string) (*Stats, error) {
	from, to, title, months, err := period(p)
	if err != nil {
		return nil, err
	}
	w, err := o.begin(ctx, s, PermStats)
	if err != nil {
		return nil, err
	}
	defer w.end()
	st := &Stats{Title: title, Period: periodText(from, to)}
	if err := o.countConsultations(w, st, from, to, months); err != nil {
		return nil, err
	}
	if err := o.countOthers(w.ctx, s, st, from, to); err != nil {
		return nil, err
	}
	return st, o.locked(w, func() error { return o.logRead(audit.ActView, "", "statistics "+p) })
}

func periodText(from, to string) string {
	f, _ := record.ParseDate("期間", from)
	t, _ := record.ParseDate("期間", to)
	return record.FormatDateJP(f) + " 〜 " + record.FormatDateJP(t)
}

func (o *Office) countConsultations(w *work, st *Stats, from, to string, months []string) error {
	s := w.s
	cs, err := o.consultations(w.ctx, s, ConsultationFilter{From: from, To: to})
	if err != nil {
		return err
	}
	topics, troubles := newCounter(record.Topics()...), newCounter(record.Troubles()...)
	programs, industries := newCounter(), newCounter()
	cats, modes := newCounter(record.Categories()...), newCounter(record.Modes()...)
	staff, venues, byMonth := newCounter(), newCounter(), newCounter(months...)
	names := map[string]string{}
	bizIndustry := map[string]string{}
	for i := range cs {
		if err := ctxErr(w.ctx); err != nil {
			return err
		}
		c := &cs[i]
		var k record.ConsultationCase
		if _, err := o.loadCase(s, c.ID, record.KindConsultation, &k); err != nil {
			return err
		}
		for _, t := range k.Topics {
			topics.add(t)
		}
		for _, t := range k.Troubles {
			troubles.add(t)
		}
		for _, id := range k.Programs {
			programs.add(o.cachedName(s, names, id, record.KindProgram))
		}
		if _, ok := bizIndustry[c.BusinessID]; !ok {
			var b record.Business
			if _, err := o.load(s, c.BusinessID, record.KindBusiness, &b); err == nil {
				bizIndustry[c.BusinessID] = b.Industry
			}
		}
		industries.add(bizIndustry[c.BusinessID])
		cats.add(c.Category)
		modes.add(c.Mode)
		staff.add(o.cachedName(s, names, c.ConsultantID, record.KindStaff))
		venues.add(o.cachedName(s, names, c.VenueID, record.KindVenue))
		if months != nil {
			byMonth.add(c.Date[:7])
		}
		w.report(StepCount, i+1, len(cs))
	}
	st.Consultations, st.UniqueBusinesses = len(cs), len(bizIndustry)
	st.Tables = []StatsTable{topics.table("相談内容区分"), programs.table("支援策"), troubles.table("お困りごと"),
		industries.table("業種"), cats.table("相談者区分"), staff.table("相談員"), venues.table("会場"), modes.table("相談形態")}
	if months != nil {
		st.Tables = append(st.Tables, byMonth.table("月別相談件数"))
	}
	return nil
}

// cachedName looks up a master's name once per statistics run.
func (o *Office) cachedName(s *Session, cache map[string]string, id string, k record.Kind) string {
	if id == "" {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := ""
	if k == record.KindProgram {
		var p record.Program
		if _, err := o.load(s, id, k, &p); err == nil {
			n = p.Name
		}
	} else {
		n = o.name(s, id, k)
	}
	cache[id] = n
	return n
}

func (o *Office) countOthers(ctx context.Context, s *Session, st *Stats, from, to string) error {
	rids, err := o.idsInDateRange(string(record.KindReservation), from, to)
	if err != nil {
		return err
	}
	rs, err := loadAll[record.Reservation](ctx, o, s, rids, record.KindReservation)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Status != record.ResCanceled {
			st.Reservations++
		}
		if r.Status == record.ResNoShow {
			st.NoShows++
		}
	}
	dids, err := o.idsInDateRange(string(record.KindDispatch), from, to)
	if err != nil {
		return err
	}
	ds, err := loadAll[record.Dispatch](ctx, o, s, dids, record.KindDispatch)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Status != record.DisCanceled {
			st.Dispatches++
		}
	}
	sids, err := o.idsInDateRange(string(record.KindSeminar), from, to)
	if err != nil {
		return err
	}
	for _, sid := range sids {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		apps, err := o.applications(ctx, s, sid)
		if err != nil {
			return err
		}
		for _, a := range apps {
			if a.Status == record.AppAttended {
				st.SeminarAttendance++
			}
		}
	}
	return nil
}
