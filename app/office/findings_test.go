package office

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
)

// TestAuditFindings plays a day with known numbers of case views, failed
// logins, prints and an evening login, and checks every finding and count.
func TestAuditFindings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid := f.confirmedConsultation("閲覧回数の確認")
	var rid string
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "監査確認商店", "カンサカクニンショウテン", "03-5564-0001")
		r, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-01", "15:00", "16:00")
		if err != nil {
			t.Fatal(err)
		}
		rid = r.ID
	})
	const (
		fails       = 3  // coord's failed logins: reported from 3
		failsBelow  = 2  // uketsuke's: not reported
		bulk        = 31 // soudan's case views within an hour: reported above 30
		bulkAtLimit = 30 // kantoku's: not reported
	)
	for i := range fails + failsBelow {
		login := "coord"
		if i >= fails {
			login = "uketsuke"
		}
		if _, err := f.o.Login(ctx, login, []byte("wrong-password")); !errors.Is(err, ErrWrongPassword) {
			t.Fatal(err)
		}
	}
	view := func(login string, n int) {
		f.as(login, func(s *Session) {
			for range n {
				f.clock.Advance(time.Second)
				if _, err := f.o.Consultation(ctx, s, cid); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	view("soudan", bulk)
	view("kantoku", bulkAtLimit)
	prints := map[string][]func(s *Session) ([]byte, error){
		"coord": {
			func(s *Session) ([]byte, error) { return f.o.PrintSchedule(ctx, s, "2026-10-01") },
			func(s *Session) ([]byte, error) { return f.o.PrintSchedule(ctx, s, "2026-10-01") },
			func(s *Session) ([]byte, error) { return f.o.PrintBlankSheet(ctx, s, rid) },
		},
		"soudan": {func(s *Session) ([]byte, error) { return f.o.PrintSheet(ctx, s, cid) }},
	}
	for login, ps := range prints {
		f.as(login, func(s *Session) {
			for _, p := range ps {
				if _, err := p(s); err != nil {
					t.Fatal(err)
				}
			}
		})
	}

	// 22:30 JST: reception logs in, searches and logs out (three events:
	// login, search, the checkpoint signed at logout).
	now := f.clock.Now().In(jst)
	evening := time.Date(now.Year(), now.Month(), now.Day(), 22, 30, 0, 0, jst)
	f.clock.Advance(evening.Sub(now))
	f.as("uketsuke", func(s *Session) {
		if _, err := f.o.Search(ctx, s, "監査", 5); err != nil {
			t.Fatal(err)
		}
	})
	f.clock.Advance(11 * time.Hour) // 09:30 the next morning

	f.as("kantoku", func(s *Session) {
		got, err := f.o.AuditFindings(ctx, s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			fmt.Sprintf("%s soudan %d", audit.FindBulkView, bulk),
			fmt.Sprintf("%s uketsuke 3", audit.FindAfterHours),
			fmt.Sprintf("%s coord %d", audit.FindFailedLogins, fails),
			fmt.Sprintf("%s coord %d", audit.FindPrints, len(prints["coord"])),
			fmt.Sprintf("%s soudan %d", audit.FindPrints, len(prints["soudan"])),
		}
		if g := findingLines(got); fmt.Sprint(g) != fmt.Sprint(want) {
			t.Fatalf("findings\n got %v\nwant %v", g, want)
		}

		// The filter narrows what is analysed: the evening alone.
		got, err = f.o.AuditFindings(ctx, s, audit.Filter{From: evening.Add(-time.Minute), To: evening.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if g := findingLines(got); fmt.Sprint(g) != fmt.Sprint([]string{audit.FindAfterHours + " uketsuke 3"}) {
			t.Fatalf("evening findings %v", g)
		}
		// And the failed logins of one person.
		fl, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActLoginFail, User: "uketsuke"})
		if err != nil || len(fl) != failsBelow {
			t.Fatalf("uketsuke's failed logins: %d %v", len(fl), err)
		}
	})
}

func findingLines(fs []audit.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s %d", f.Kind, f.User, f.Count)
	}
	return out
}
