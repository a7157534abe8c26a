package audit

import (
	"fmt"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// at is a time in Japan on a day of September 2026 (the 1st is a Tuesday).
func sepAt(day, hour, minute int) time.Time {
	return time.Date(2026, 9, day, hour, minute, 0, 0, record.JST()).UTC()
}

func mev(user, action, object string, t time.Time) Event {
	return Event{User: user, Action: action, Object: object, At: t, Device: "devA"}
}

// views are n views by user of distinct records, one every step from t.
func mviews(user string, n int, t time.Time, step time.Duration) []Event {
	var out []Event
	for i := range n {
		out = append(out, mev(user, ActViewCase, fmt.Sprintf("C-%s-%03d", user, i), t.Add(time.Duration(i)*step)))
	}
	return out
}

func mrepeat(n int, e Event) []Event {
	out := make([]Event, n)
	for i := range out {
		out[i] = e
		out[i].At = e.At.Add(time.Duration(i) * time.Minute)
	}
	return out
}

func TestAnalyseMonth(t *testing.T) {
	sep := Month{2026, time.September}
	holiday := func(d time.Time) bool { return d.Month() == time.September && d.Day() == 21 } // a Monday
	for _, tc := range []struct {
		name   string
		events []Event
		hours  OfficeHours
		check  func(t *testing.T, m Monthly)
	}{
		{"bulk viewing found once per span", mviews("soudan", 25, sepAt(2, 10, 0), 20*time.Second), OfficeHours{}, func(t *testing.T, m Monthly) {
			if len(m.BulkViews) != 1 || m.BulkViews[0].Records != 25 || !m.BulkViews[0].From.Equal(sepAt(2, 10, 0)) {
				t.Fatalf("%+v", m.BulkViews)
			}
		}},
		{"two spans an hour apart", append(mviews("soudan", 20, sepAt(2, 10, 0), 10*time.Second), mviews("soudan", 20, sepAt(2, 11, 0), 10*time.Second)...),
			OfficeHours{}, func(t *testing.T, m Monthly) {
				if len(m.BulkViews) != 2 {
					t.Fatalf("%+v", m.BulkViews)
				}
			}},
		{"19 records in the window: not bulk", mviews("soudan", BulkViewRecords-1, sepAt(2, 10, 0), 10*time.Second), OfficeHours{}, func(t *testing.T, m Monthly) {
			if len(m.BulkViews) != 0 {
				t.Fatalf("flagged: %+v", m.BulkViews)
			}
		}},
		{"20 records spread over an hour: not bulk", mviews("soudan", 20, sepAt(2, 10, 0), 3*time.Minute), OfficeHours{}, func(t *testing.T, m Monthly) {
			if len(m.BulkViews) != 0 {
				t.Fatalf("flagged: %+v", m.BulkViews)
			}
		}},
		{"one record viewed 30 times: not bulk", mrepeat(30, mev("soudan", ActViewCase, "C-1", sepAt(2, 10, 0))), OfficeHours{}, func(t *testing.T, m Monthly) {
			if len(m.BulkViews) != 0 {
				t.Fatalf("flagged: %+v", m.BulkViews)
			}
		}},
		{"outside hours: evening, Saturday, holiday; not inside", []Event{
			mev("soudan", ActUpdate, "C-1", sepAt(2, 8, 29)), mev("soudan", ActUpdate, "C-1", sepAt(2, 17, 30)), mev("soudan", ActView, "C-1", sepAt(2, 21, 0)),
			mev("kantoku", ActLoginOK, "", sepAt(5, 10, 0)), mev("kantoku", ActLoginOK, "", sepAt(21, 10, 0)),
			mev("coord", ActUpdate, "C-1", sepAt(2, 8, 30)), mev("coord", ActUpdate, "C-1", sepAt(2, 17, 29)),
			mev("coord", ActLoginFail, "", sepAt(2, 23, 0)), mev("", ActSync, "", sepAt(6, 3, 0)),
		}, OfficeHours{Holiday: holiday}, func(t *testing.T, m Monthly) {
			got := ""
			for _, d := range m.Outside {
				got += fmt.Sprintf("%s %s %d;", d.User, d.First.In(record.JST()).Format("01-02 15:04"), d.Events)
			}
			if want := "kantoku 09-05 10:00 1;kantoku 09-21 10:00 1;soudan 09-02 08:29 3;"; got != want {
				t.Fatalf("got %s\nwant %s", got, want)
			}
		}},
		{"holiday hook unset: weekdays only by the clock", []Event{mev("kantoku", ActLoginOK, "", sepAt(21, 10, 0))}, OfficeHours{}, func(t *testing.T, m Monthly) {
			if len(m.Outside) != 0 {
				t.Fatalf("%+v", m.Outside)
			}
		}},
		{"office hours set", []Event{mev("soudan", ActUpdate, "C-1", sepAt(2, 8, 45))}, OfficeHours{Open: 9 * time.Hour, Close: 17 * time.Hour}, func(t *testing.T, m Monthly) {
			if len(m.Outside) != 1 {
				t.Fatalf("%+v", m.Outside)
			}
		}},
		{"failed logins: 3 reported, 2 not, a lockout always, unknown ids together", append(append(
			mrepeat(3, mev("coord", ActLoginFail, "", sepAt(3, 9, 0))),
			mrepeat(2, mev("uketsuke", ActLoginFail, "", sepAt(3, 9, 0)))...),
			mev("nobody", ActLocked, "", sepAt(4, 9, 0)), mev("", ActLoginFail, "", sepAt(5, 9, 0)), mev("", ActLoginFail, "", sepAt(5, 9, 1)),
			mev("", ActLoginFail, "", sepAt(5, 9, 2))), OfficeHours{}, func(t *testing.T, m Monthly) {
			got := fmt.Sprint(m.FailedLogins)
			if len(m.FailedLogins) != 3 || m.FailedLogins[0].Login != "" || m.FailedLogins[0].Failures != 3 ||
				m.FailedLogins[1].Login != "coord" || m.FailedLogins[1].Failures != 3 ||
				m.FailedLogins[2].Login != "nobody" || m.FailedLogins[2].Lockouts != 1 {
				t.Fatal(got)
			}
		}},
		{"prints and exports per person", []Event{mev("coord", ActPrint, "", sepAt(3, 10, 0)), mev("coord", ActPrint, "", sepAt(3, 11, 0)),
			mev("coord", ActExport, "", sepAt(4, 10, 0)), mev("kantoku", ActPrint, "", sepAt(5, 10, 0))}, OfficeHours{}, func(t *testing.T, m Monthly) {
			if len(m.Outputs) != 2 || m.Outputs[0] != (Outputs{User: "coord", Prints: 2, Exports: 1, Last: sepAt(4, 10, 0)}) || m.Outputs[1].Prints != 1 {
				t.Fatalf("%+v", m.Outputs)
			}
		}},
		{"other months left out", []Event{mev("coord", ActPrint, "", sepAt(1, 0, 0).Add(-time.Second)), mev("coord", ActPrint, "", sepAt(30, 23, 59).Add(time.Minute))},
			OfficeHours{}, func(t *testing.T, m Monthly) {
				if m.Events != 0 || len(m.Outputs) != 0 {
					t.Fatalf("%+v", m)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, AnalyseMonth(tc.events, sep, tc.hours)) })
	}
}

func TestParseMonth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-09", "2026-09", true}, {"2026-9", "", false}, {"2026-13", "", false}, {"202609", "", false},
		{"1999-12", "", false}, {"", "", false}, {"2026-09-01", "", false},
	} {
		m, err := ParseMonth(tc.in)
		if (err == nil) != tc.ok || (tc.ok && m.String() != tc.want) {
			t.Errorf("%q: %v %v", tc.in, m, err)
		}
	}
	if p := (Month{2026, time.January}).Previous(); p.String() != "2025-12" {
		t.Errorf("previous of 2026-01: %s", p)
	}
}

// FuzzParseMonth: whatever is typed after --month, a month that parses
// writes itself back the same and lies between 2000 and 9999.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-09", "2026-13", "1999-12", "9999-12", "2026-9", "", "２０２６-０９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if m.String() != s || m.Year < 2000 || m.Year > 9999 || m.Month < time.January || m.Month > time.December {
			t.Fatalf("%q parsed as %v", s, m)
		}
		if !m.Start().Before(m.End()) || MonthOf(m.Start()) != m || m.Previous().End() != m.Start() {
			t.Fatalf("%q: start %v end %v", s, m.Start(), m.End())
		}
	})
}
