package audit

import (
	"reflect"
	"testing"
	"time"
)

var jst = time.FixedZone("JST", 9*3600)

// at returns 2026-10-01 at hh:mm Japan time plus d, in UTC.
func at(hh, mm int, d time.Duration) time.Time {
	return time.Date(2026, 10, 1, hh, mm, 0, 0, jst).Add(d).UTC()
}

func ev(user, action string, t time.Time) Event {
	return Event{User: user, Action: action, At: t}
}

// views returns n case views by user, one per minute from hh:mm.
func views(user string, n, hh, mm int) []Event {
	var es []Event
	for i := range n {
		es = append(es, ev(user, ActViewCase, at(hh, mm, time.Duration(i)*time.Minute)))
	}
	return es
}

func TestAnalyze(t *testing.T) {
	cat := func(parts ...[]Event) []Event {
		var es []Event
		for _, p := range parts {
			es = append(es, p...)
		}
		return es
	}
	tests := []struct {
		name   string
		events []Event
		bulk   int
		want   []Finding
	}{
		{"nothing", nil, 5, nil},
		{"normal day", cat(views("sato", 5, 9, 0), []Event{ev("sato", ActLoginOK, at(8, 59, 0))}), 5, nil},
		{"bulk view", views("sato", 6, 10, 0), 5,
			[]Finding{{FindBulkView, "sato", 6, "2026-10-01 10:00 から 1 時間に 6 件"}}},
		{"views spread over more than an hour", cat(views("sato", 3, 10, 0), views("sato", 3, 11, 0)), 5, nil},
		{"the best window is reported", cat(views("sato", 2, 10, 0), views("sato", 7, 10, 59)), 5,
			[]Finding{{FindBulkView, "sato", 7, "2026-10-01 10:59 から 1 時間に 7 件"}}},
		{"plain views are not case views", []Event{ev("sato", ActView, at(10, 0, 0)), ev("sato", ActView, at(10, 1, 0))}, 1, nil},
		{"default limit", views("sato", 31, 10, 0), 0,
			[]Finding{{FindBulkView, "sato", 31, "2026-10-01 10:00 から 1 時間に 31 件"}}},
		{"after hours in Japan time", []Event{
			ev("sato", ActLoginOK, at(6, 59, 0)), ev("sato", ActLoginOK, at(7, 0, 0)),
			ev("suzuki", ActUnlock, at(20, 59, 0)), ev("suzuki", ActUnlock, at(21, 0, 0)), ev("suzuki", ActView, at(23, 30, 0)),
		}, 5, []Finding{{FindAfterHours, "sato", 1, "1 件"}, {FindAfterHours, "suzuki", 2, "2 件"}}},
		{"failed logins from three", []Event{
			ev("sato", ActLoginFail, at(9, 0, 0)), ev("sato", ActLoginFail, at(9, 1, 0)),
			ev("suzuki", ActLoginFail, at(9, 0, 0)), ev("suzuki", ActLoginFail, at(9, 1, 0)), ev("suzuki", ActLoginFail, at(9, 2, 0)),
		}, 5, []Finding{{FindFailedLogins, "suzuki", 3, "3 件"}}},
		{"exports and prints per user, sorted", []Event{
			ev("tanaka", ActPrint, at(10, 0, 0)), ev("sato", ActExport, at(10, 0, 0)), ev("sato", ActPrint, at(10, 0, 0)),
			ev("sato", ActPrint, at(11, 0, 0)), ev("sato", ActSearch, at(11, 0, 0)),
		}, 5, []Finding{{FindExports, "sato", 1, "1 件"}, {FindPrints, "sato", 2, "2 件"}, {FindPrints, "tanaka", 1, "1 件"}}},
		{"kinds in fixed order", cat(views("sato", 3, 22, 0), []Event{ev("sato", ActExport, at(22, 30, 0))}), 2, []Finding{
			{FindBulkView, "sato", 3, "2026-10-01 22:00 から 1 時間に 3 件"},
			{FindAfterHours, "sato", 4, "4 件"},
			{FindExports, "sato", 1, "1 件"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Analyze(tt.events, tt.bulk); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Analyze =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestFilterMatch(t *testing.T) {
	e := ev("sato", ActPrint, at(10, 0, 0))
	tests := []struct {
		name string
		f    Filter
		want bool
	}{
		{"zero filter", Filter{}, true},
		{"from is inclusive", Filter{From: at(10, 0, 0)}, true},
		{"before from", Filter{From: at(10, 0, time.Nanosecond)}, false},
		{"to is exclusive", Filter{To: at(10, 0, 0)}, false},
		{"before to", Filter{To: at(10, 0, time.Nanosecond)}, true},
		{"time zones do not matter", Filter{From: at(10, 0, 0).In(jst), To: at(11, 0, 0).In(jst)}, true},
		{"user", Filter{User: "sato"}, true},
		{"other user", Filter{User: "suzuki"}, false},
		{"action", Filter{Action: ActPrint}, true},
		{"other action", Filter{Action: ActExport}, false},
		{"all fields", Filter{From: at(9, 0, 0), To: at(11, 0, 0), User: "sato", Action: ActPrint}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Match(e); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}
