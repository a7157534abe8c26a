package audit

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Filter selects events for the supervisor's screen. Zero fields select
// everything: From is inclusive, To exclusive, User and Action match exactly.
type Filter struct {
	From, To     time.Time
	User, Action string
}

// Match reports whether e passes the filter.
func (f Filter) Match(e Event) bool {
	switch {
	case !f.From.IsZero() && e.At.Before(f.From):
		return false
	case !f.To.IsZero() && !e.At.Before(f.To):
		return false
	case f.User != "" && e.User != f.User:
		return false
	case f.Action != "" && e.Action != f.Action:
		return false
	}
	return true
}

// The kinds of Finding, in the order Analyze returns them.
const (
	FindBulkView     = "bulk_view"
	FindAfterHours   = "after_hours"
	FindFailedLogins = "failed_logins"
	FindExports      = "exports"
	FindPrints       = "prints"
)

// Working hours in Japan time: events before 7:00 or from 21:00 on are
// after hours.
const (
	dayStartHour = 7
	dayEndHour   = 21
	// minFailedLogins is the number of failed logins of one user that is
	// reported.
	minFailedLogins = 3
	// DefaultBulkPerHour is used by Analyze when bulkPerHour <= 0.
	DefaultBulkPerHour = 30
)

// Finding is one result of Analyze for one user. Count is the number of
// events found (for bulk_view the most case views within one hour); Detail
// is a short note in Japanese, never personal data.
type Finding struct {
	Kind, User string
	Count      int
	Detail     string
}

// Analyze looks for what a supervisor should review: more than bulkPerHour
// case views by one user within any hour (bulk_view), events before 7:00 or
// from 21:00 Japan time (after_hours), at least three failed logins
// (failed_logins), and the number of exports and prints per user. Findings
// come sorted by kind, in the order of the Find constants, then by user.
func Analyze(events []Event, bulkPerHour int) []Finding {
	if bulkPerHour <= 0 {
		bulkPerHour = DefaultBulkPerHour
	}
	jst := record.JST()
	var out []Finding
	out = append(out, bulkViews(events, bulkPerHour, jst)...)
	out = append(out, countPerUser(events, FindAfterHours, 1, func(e Event) bool { return afterHours(e.At, jst) })...)
	out = append(out, countPerUser(events, FindFailedLogins, minFailedLogins, isAction(ActLoginFail))...)
	out = append(out, countPerUser(events, FindExports, 1, isAction(ActExport))...)
	out = append(out, countPerUser(events, FindPrints, 1, isAction(ActPrint))...)
	return out
}

func isAction(a string) func(Event) bool {
	return func(e Event) bool { return e.Action == a }
}

func afterHours(t time.Time, jst *time.Location) bool {
	h := t.In(jst).Hour()
	return h < dayStartHour || h >= dayEndHour
}

// countPerUser returns a finding of kind for every user with at least atLeast
// events that match.
func countPerUser(events []Event, kind string, atLeast int, match func(Event) bool) []Finding {
	counts := map[string]int{}
	for _, e := range events {
		if match(e) {
			counts[e.User]++
		}
	}
	var out []Finding
	for user, n := range counts {
		if n >= atLeast {
			out = append(out, Finding{Kind: kind, User: user, Count: n, Detail: fmt.Sprintf("%d 件", n)})
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return cmp.Compare(a.User, b.User) })
	return out
}

// bulkViews finds, per user, the hour window holding the most case views
// and reports it when that is more than limit.
func bulkViews(events []Event, limit int, jst *time.Location) []Finding {
	times := map[string][]time.Time{}
	for _, e := range events {
		if e.Action == ActViewCase {
			times[e.User] = append(times[e.User], e.At)
		}
	}
	var out []Finding
	for user, ts := range times {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		best, start := 0, 0
		for i, lo := 0, 0; i < len(ts); i++ {
			for ts[i].Sub(ts[lo]) >= time.Hour {
				lo++
			}
			if n := i - lo + 1; n > best {
				best, start = n, lo
			}
		}
		if best > limit {
			detail := fmt.Sprintf("%s から 1 時間に %d 件", ts[start].In(jst).Format("2006-01-02 15:04"), best)
			out = append(out, Finding{Kind: FindBulkView, User: user, Count: best, Detail: detail})
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return cmp.Compare(a.User, b.User) })
	return out
}
