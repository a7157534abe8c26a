package audit

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// The monthly access-log analysis (アクセスログ分析) looks at one calendar
// month of every device's events and lists, per person, what a supervisor
// should review. Its thresholds:
const (
	// BulkViewRecords distinct records viewed by one person within
	// BulkViewWindow is bulk viewing (a person serving visitors opens a
	// few records an hour; a list copied record by record opens many).
	BulkViewRecords = 20
	// BulkViewWindow is the span in which BulkViewRecords are counted.
	BulkViewWindow = 10 * time.Minute
	// FailedLoginsReported failed logins of one login id within the month
	// are reported; a lockout is reported whatever the count.
	FailedLoginsReported = 3
	// StaleSync is how long a device may go without syncing before it is
	// reported.
	StaleSync = 7 * 24 * time.Hour
)

// ActAnalysis records that a person opened the monthly access-log
// analysis; its Object is the month ("2026-09"). The reminder to
// supervisors looks for it.
const ActAnalysis = "audit.analysis"

// Month is a calendar month in Japan time.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2026-09". It refuses anything else, and years outside
// 2000–9999.
func ParseMonth(s string) (Month, error) {
	t, err := time.ParseInLocation("2006-01", s, record.JST())
	if err != nil || t.Format("2006-01") != s || t.Year() < 2000 {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// MonthOf returns the month t falls in, in Japan time.
func MonthOf(t time.Time) Month {
	t = t.In(record.JST())
	return Month{Year: t.Year(), Month: t.Month()}
}

// String returns "2026-09".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Start is the first instant of the month (JST).
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, record.JST()) }

// End is the first instant after the month (JST).
func (m Month) End() time.Time { return m.Start().AddDate(0, 1, 0) }

// Previous is the month before m.
func (m Month) Previous() Month { return MonthOf(m.Start().AddDate(0, 0, -1)) }

// OfficeHours are the hours of the office in Japan time. Work at other
// times, on Saturdays and Sundays, and on days Holiday names is outside
// office hours.
type OfficeHours struct {
	// Open and Close are the times of day the office opens and closes,
	// as durations since midnight; both zero means 8:30–17:30.
	Open, Close time.Duration
	// Holiday reports whether a date (midnight JST) is a public holiday;
	// nil counts weekends only.
	Holiday func(day time.Time) bool
}

// The office hours when none are set.
const (
	DefaultOpen  = 8*time.Hour + 30*time.Minute
	DefaultClose = 17*time.Hour + 30*time.Minute
)

// span returns the opening and closing times, defaults filled in.
func (h OfficeHours) span() (time.Duration, time.Duration) {
	if h.Open == 0 && h.Close == 0 {
		return DefaultOpen, DefaultClose
	}
	return h.Open, h.Close
}

// Outside reports whether t is outside office hours.
func (h OfficeHours) Outside(t time.Time) bool {
	t = t.In(record.JST())
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, record.JST())
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return true
	}
	if h.Holiday != nil && h.Holiday(day) {
		return true
	}
	open, closing := h.span()
	since := t.Sub(day)
	return since < open || since >= closing
}

// String returns "8:30〜17:30".
func (h OfficeHours) String() string {
	open, closing := h.span()
	f := func(d time.Duration) string { return fmt.Sprintf("%d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return f(open) + "〜" + f(closing)
}

// BulkView is a span in which one person viewed many records.
type BulkView struct {
	User     string
	From, To time.Time // first and last view of the span (UTC)
	Records  int       // distinct records viewed in the span
}

// OutsideDay is one person's work outside office hours on one day.
type OutsideDay struct {
	User        string
	First, Last time.Time // first and last such event of the day (UTC)
	Events      int
}

// LoginFailures are the failed logins of one login id. Login is "" for
// the failures of ids that name no one (someone guessing), which the log
// records without the id typed.
type LoginFailures struct {
	Login       string
	Failures    int
	Lockouts    int
	First, Last time.Time // first and last failure or lockout (UTC)
}

// Outputs are one person's prints and exports.
type Outputs struct {
	User            string
	Prints, Exports int
	Last            time.Time // the last of them (UTC)
}

// Monthly is the analysis of one month's events.
type Monthly struct {
	Month        Month
	Events       int // events of the month looked at
	BulkViews    []BulkView
	Outside      []OutsideDay
	FailedLogins []LoginFailures
	Outputs      []Outputs
}

// AnalyseMonth analyses the events of month m among events (of any
// devices, in any order): bulk viewing (BulkViewRecords distinct records
// within BulkViewWindow, each span once however long it lasts), work
// outside hours (per person and day; failed logins, warnings and syncs are
// not work), failed logins and lockouts per login id (reported from
// FailedLoginsReported, or with a lockout) and prints and exports per
// person. Each list is sorted by person, then time.
func AnalyseMonth(events []Event, m Month, hours OfficeHours) Monthly {
	from, to := m.Start(), m.End()
	var evs []Event
	for _, e := range events {
		if !e.At.Before(from) && e.At.Before(to) {
			evs = append(evs, e)
		}
	}
	slices.SortStableFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) })
	return Monthly{Month: m, Events: len(evs), BulkViews: bulkSpans(evs), Outside: outsideDays(evs, hours),
		FailedLogins: failedLogins(evs), Outputs: outputs(evs)}
}

// byUser groups the events that keep by person, in time order.
func byUser(evs []Event, keep func(Event) bool) map[string][]Event {
	out := map[string][]Event{}
	for _, e := range evs {
		if e.User != "" && keep(e) {
			out[e.User] = append(out[e.User], e)
		}
	}
	return out
}

// bulkSpans finds each person's spans of bulk viewing.
func bulkSpans(evs []Event) []BulkView {
	views := byUser(evs, func(e Event) bool { return (e.Action == ActView || e.Action == ActViewCase) && e.Object != "" })
	var out []BulkView
	for user, vs := range views {
		out = append(out, userBulkSpans(user, vs)...)
	}
	slices.SortFunc(out, func(a, b BulkView) int { return cmp.Or(cmp.Compare(a.User, b.User), a.From.Compare(b.From)) })
	return out
}

// userBulkSpans slides a BulkViewWindow over one person's views; windows
// holding BulkViewRecords distinct records that overlap form one span.
func userBulkSpans(user string, vs []Event) []BulkView {
	var out []BulkView
	seen := map[string]int{}
	start, end := -1, -1 // the open span, as indexes into vs
	closeSpan := func() {
		if start >= 0 {
			out = append(out, BulkView{User: user, From: vs[start].At, To: vs[end].At, Records: distinct(vs[start : end+1])})
			start = -1
		}
	}
	for i, lo := 0, 0; i < len(vs); i++ {
		seen[vs[i].Object]++
		for vs[i].At.Sub(vs[lo].At) > BulkViewWindow {
			if seen[vs[lo].Object]--; seen[vs[lo].Object] == 0 {
				delete(seen, vs[lo].Object)
			}
			lo++
		}
		if len(seen) < BulkViewRecords {
			continue
		}
		if start >= 0 && lo > end {
			closeSpan()
		}
		if start < 0 {
			start = lo
		}
		end = i
	}
	closeSpan()
	return out
}

func distinct(evs []Event) int {
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.Object] = true
	}
	return len(seen)
}

// notWork are the events that are not a person's work: failed logins,
// warnings the office wrote, sync pages applied in the background.
func notWork(a string) bool {
	return a == ActLoginFail || a == ActLocked || a == ActWarning || a == ActSync
}

// outsideDays counts each person's events outside office hours per day.
func outsideDays(evs []Event, hours OfficeHours) []OutsideDay {
	users := byUser(evs, func(e Event) bool { return !notWork(e.Action) && hours.Outside(e.At) })
	var out []OutsideDay
	for user, es := range users {
		for _, e := range es {
			if n := len(out); n > 0 && out[n-1].User == user && sameDay(out[n-1].First, e.At) {
				out[n-1].Last = e.At
				out[n-1].Events++
				continue
			}
			out = append(out, OutsideDay{User: user, First: e.At, Last: e.At, Events: 1})
		}
	}
	slices.SortFunc(out, func(a, b OutsideDay) int { return cmp.Or(cmp.Compare(a.User, b.User), a.First.Compare(b.First)) })
	return out
}

func sameDay(a, b time.Time) bool {
	a, b = a.In(record.JST()), b.In(record.JST())
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

// failedLogins counts failures and lockouts per login id; the failures of
// login ids that name no one are logged without one and counted under "".
func failedLogins(evs []Event) []LoginFailures {
	users := map[string][]Event{}
	for _, e := range evs {
		if e.Action == ActLoginFail || e.Action == ActLocked {
			users[e.User] = append(users[e.User], e)
		}
	}
	var out []LoginFailures
	for login, es := range users {
		l := LoginFailures{Login: login, First: es[0].At, Last: es[len(es)-1].At}
		for _, e := range es {
			if e.Action == ActLocked {
				l.Lockouts++
			} else {
				l.Failures++
			}
		}
		if l.Failures >= FailedLoginsReported || l.Lockouts > 0 {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b LoginFailures) int { return cmp.Compare(a.Login, b.Login) })
	return out
}

// outputs counts prints and exports per person.
func outputs(evs []Event) []Outputs {
	users := byUser(evs, func(e Event) bool { return e.Action == ActPrint || e.Action == ActExport })
	var out []Outputs
	for user, es := range users {
		o := Outputs{User: user, Last: es[len(es)-1].At}
		for _, e := range es {
			if e.Action == ActPrint {
				o.Prints++
			} else {
				o.Exports++
			}
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Outputs) int { return cmp.Compare(a.User, b.User) })
	return out
}
