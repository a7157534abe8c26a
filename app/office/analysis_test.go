package office

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestInsiderReceptionOpensAnalysis: a receptionist cannot open the
// access-log analysis, print it or ask for its reminder, and the refusal
// leaves no trace of an opening that would silence the reminder.
func TestInsiderReceptionOpensAnalysis(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("uketsuke", func(s *Session) {
		if _, err := f.o.AnalyseAccess(ctx, s, "2026-09"); !errors.Is(err, ErrForbidden) {
			t.Fatalf("AnalyseAccess: %v", err)
		}
		if _, err := f.o.PrintAccessAnalysis(ctx, s, "2026-09"); !errors.Is(err, ErrForbidden) {
			t.Fatalf("PrintAccessAnalysis: %v", err)
		}
		if _, _, err := f.o.AnalysisDue(ctx, s); !errors.Is(err, ErrForbidden) {
			t.Fatalf("AnalysisDue: %v", err)
		}
	})
	f.as("kantoku", func(s *Session) {
		if m, due, err := f.o.AnalysisDue(ctx, s); err != nil || !due || m != "2026-09" {
			t.Fatalf("reminder after the receptionist's try: %s %v %v", m, due, err)
		}
	})
}

// analysisFixture plays October 2026 on two PCs: this one (a) and devB,
// whose log reaches a by sync. What each person does is chosen so that
// each kind of finding has one case that is found and one that is not.
func analysisFixture(t *testing.T) *fixture {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	ctx := context.Background()
	// Failed logins: uketsuke 3 (found), coord 2 (not).
	for _, login := range []string{"uketsuke", "uketsuke", "uketsuke", "coord", "coord"} {
		if _, err := a.o.Login(ctx, login, []byte("wrong-password")); !errors.Is(err, ErrWrongPassword) {
			t.Fatal(err)
		}
	}
	ids := make([]string, audit.BulkViewRecords)
	for i := range ids {
		ids[i] = a.confirmedConsultation(fmt.Sprintf("分析用の相談%d", i))
	}
	view := func(login string, ids []string) {
		a.as(login, func(s *Session) {
			for _, id := range ids {
				a.clock.Advance(10 * time.Second)
				if _, err := a.o.Consultation(ctx, s, id); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	view("soudan", ids)                            // 20 records in a few minutes: found
	view("kantoku", ids[:audit.BulkViewRecords-1]) // 19: not
	a.as("coord", func(s *Session) {               // prints: found for coord
		if _, err := a.o.PrintStatistics(ctx, s, "2026-10"); err != nil {
			t.Fatal(err)
		}
	})
	// On devB at 22:00 (outside hours) soudan adds a business; its log
	// then reaches a.
	a.clock.Advance(12 * time.Hour)
	b.as("soudan", func(s *Session) {
		b.business(s, "夜間登録商店", "ヤカントウロクショウテン", "03-5555-0901")
	})
	a.clock.Advance(12 * time.Hour) // Friday 10:00
	applyOut(t, a, "admin", outboxLimit(t, b, "soudan", pushLimit))
	// On Tuesday 13 October (the day after スポーツの日) a pushes its log:
	// a has synced, devB not since 1 October.
	a.clock.Advance(11 * 24 * time.Hour)
	acknowledge(t, a, "admin", outboxLimit(t, a, "admin", pushLimit))
	return a
}

func TestAnalyseAccess(t *testing.T) {
	a := analysisFixture(t)
	var got *AccessAnalysis
	a.as("kantoku", func(s *Session) {
		var err error
		if got, err = a.o.AnalyseAccess(context.Background(), s, "2026-10"); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		kind, want, not string
		lines           []string
	}{
		{kind: "bulk", want: "soudan 20", not: "kantoku", lines: lines(got.BulkViews, func(x audit.BulkView) string { return fmt.Sprint(x.User, " ", x.Records) })},
		{kind: "outside", want: "soudan devB", not: "admin", lines: lines(got.Outside, func(x audit.OutsideDay) string {
			return x.User + " " + map[bool]string{true: "devB"}[x.First.In(time.UTC).Hour() == 13]
		})},
		{kind: "failed logins", want: "uketsuke 3", not: "coord", lines: lines(got.FailedLogins, func(x audit.LoginFailures) string { return fmt.Sprint(x.Login, " ", x.Failures) })},
		{kind: "outputs", want: "coord 1", not: "soudan", lines: lines(got.Outputs, func(x audit.Outputs) string { return fmt.Sprint(x.User, " ", x.Prints) })},
		{kind: "devices", want: "devB true", not: a.o.Device() + " true", lines: lines(got.Devices, func(x DeviceContact) string { return fmt.Sprint(x.Device, " ", x.Stale) })},
		{kind: "chains", want: "devB <nil>", not: "Broken", lines: lines(got.Chains, func(x ChainCheck) string { return fmt.Sprint(x.Device, " ", x.Broken) })},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			all := strings.Join(tc.lines, "\n")
			if !strings.Contains(all, tc.want) || strings.Contains(all, tc.not) {
				t.Fatalf("want %q and not %q in:\n%s", tc.want, tc.not, all)
			}
		})
	}
	if !got.Synced || got.Name("soudan") != "テスト soudan" || got.Name("nobody") != "nobody" {
		t.Errorf("synced %v, names %v", got.Synced, got.Names)
	}
	// Opening it is logged with the month, and stops the reminder.
	a.as("kantoku", func(s *Session) {
		evs, err := a.o.AuditEvents(context.Background(), s, audit.Filter{Action: audit.ActAnalysis})
		if err != nil || len(evs) != 1 || evs[0].Object != "2026-10" || evs[0].User != "kantoku" {
			t.Fatalf("opening logged: %+v %v", evs, err)
		}
	})
}

func lines[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// TestAnalysisChainProblems: an event of devB altered on its way is
// reported as a problem of devB's chain; this PC's chain is fine.
func TestAnalysisChainProblems(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	b.as("soudan", func(s *Session) {
		b.business(s, "改ざん分析商店", "カイザンブンセキショウテン", "03-5555-0902")
	})
	out := resealed(t, b, "admin", outboxLimit(t, b, "soudan", pushLimit), 3, func(ev *audit.Event) { ev.Detail = "changed" })
	applyOut(t, a, "admin", out)
	a.as("kantoku", func(s *Session) {
		got, err := a.o.AnalyseAccess(context.Background(), s, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		if got.BrokenChains() != 1 || got.Chains[0].Broken != nil || got.Chains[1].Device != "devB" ||
			got.Chains[1].Broken == nil || got.Chains[1].Broken.Reason != audit.ReasonHash {
			t.Fatalf("chains %+v", got.Chains)
		}
	})
}

// TestAnalysisWithoutSync: a PC that has never synced says so rather than
// listing itself as a device that has not synced.
func TestAnalysisWithoutSync(t *testing.T) {
	a := newFixture(t)
	a.as("kantoku", func(s *Session) {
		got, err := a.o.AnalyseAccess(context.Background(), s, "2026-09")
		if err != nil {
			t.Fatal(err)
		}
		if got.Synced || len(got.Devices) != 0 || !strings.Contains(got.Report().Sections[4].Empty, "同期情報なし") {
			t.Fatalf("synced %v, devices %+v", got.Synced, got.Devices)
		}
		if _, err := a.o.AnalyseAccess(context.Background(), s, "2026-9"); !errors.Is(err, ErrBadPeriod) {
			t.Fatalf("bad month: %v", err)
		}
	})
}

// TestAnalysisReminder: due for a supervisor until a supervisor opens the
// previous month's analysis, on this PC or on another whose log arrived;
// the opening of another month does not count.
func TestAnalysisReminder(t *testing.T) {
	ctx := context.Background()
	due := func(f *fixture, login string) bool {
		var d bool
		f.as(login, func(s *Session) {
			var err error
			if _, d, err = f.o.AnalysisDue(ctx, s); err != nil {
				t.Fatal(err)
			}
		})
		return d
	}
	open := func(f *fixture, login, month string) {
		f.as(login, func(s *Session) {
			if _, err := f.o.AnalyseAccess(ctx, s, month); err != nil {
				t.Fatal(err)
			}
		})
	}
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	if !due(a, "kantoku") {
		t.Fatal("not due at first")
	}
	open(a, "kantoku", "2026-08")
	if !due(a, "kantoku") {
		t.Fatal("another month's opening counted")
	}
	open(b, "kantoku", "2026-09")
	if !due(a, "kantoku") {
		t.Fatal("due before devB's log arrived")
	}
	applyOut(t, a, "admin", outboxLimit(t, b, "kantoku", pushLimit))
	if due(a, "kantoku") {
		t.Fatal("still due after a supervisor opened it on devB")
	}
}

// TestAnalysisHolidaysAreOutsideHours: work at 10:00 on 文化の日 (a
// Tuesday) and on a day of the office's 休業日 master counts as outside
// office hours; the same time on an ordinary weekday does not.
func TestAnalysisHolidaysAreOutsideHours(t *testing.T) {
	f := newFixture(t)
	at := func(day int) {
		f.clock.mu.Lock()
		f.clock.t = time.Date(2026, 11, day, 10, 0, 0, 0, record.JST())
		f.clock.mu.Unlock()
	}
	at(2)
	f.as("admin", func(s *Session) {
		if err := f.o.SaveClosedDay(context.Background(), s, &record.ClosedDay{From: "2026-11-05", To: "2026-11-05", Name: "庁舎点検", Active: true}); err != nil {
			t.Fatal(err)
		}
	})
	for _, day := range []int{3, 4, 5} { // 文化の日, an ordinary Wednesday, 庁舎点検
		at(day)
		f.as("soudan", func(s *Session) {
			f.business(s, fmt.Sprintf("祝日確認商店%d", day), "シュクジツカクニンショウテン", fmt.Sprintf("03-5555-08%02d", day))
		})
	}
	at(20)
	f.as("kantoku", func(s *Session) {
		got, err := f.o.AnalyseAccess(context.Background(), s, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		days := map[int]bool{}
		for _, x := range got.Outside {
			if x.User == "soudan" {
				days[x.First.In(record.JST()).Day()] = true
			}
		}
		if !days[3] || !days[5] || days[4] {
			t.Fatalf("soudan outside office hours on %v; want the 3rd and the 5th only", days)
		}
	})
}
