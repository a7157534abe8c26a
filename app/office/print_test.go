package office

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
)

func TestPrintIsLoggedAndRoleChecked(t *testing.T) {
	f := newFixture(t)
	var rid, cid string
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "印刷確認商店", "インサツカクニンショウテン", "03-5555-0901")
		r, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-01", "10:00", "11:00")
		if err != nil {
			t.Fatal(err)
		}
		rid = r.ID
	})
	f.as("soudan", func(s *Session) {
		c, err := f.o.DraftFromReservation(context.Background(), s, rid)
		if err != nil {
			t.Fatal(err)
		}
		c.Case.Summary = "印刷される相談の概要"
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatal(err)
		}
		cid = c.ID
		pdf, err := f.o.PrintSheet(context.Background(), s, cid)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("PrintSheet: %v", err)
		}
	})
	f.as("uketsuke", func(s *Session) {
		if _, err := f.o.PrintSheet(context.Background(), s, cid); !errors.Is(err, ErrForbidden) {
			t.Fatalf("reception printed case content: %v", err)
		}
		for name, print := range map[string]func() ([]byte, error){
			"blank sheet": func() ([]byte, error) { return f.o.PrintBlankSheet(context.Background(), s, rid) },
			"reservation": func() ([]byte, error) { return f.o.PrintReservation(context.Background(), s, rid) },
			"schedule":    func() ([]byte, error) { return f.o.PrintSchedule(context.Background(), s, "2026-10-01") },
			"day sheets":  func() ([]byte, error) { return f.o.PrintDaySheets(context.Background(), s, "2026-10-01") },
		} {
			if pdf, err := print(); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if _, err := f.o.PrintLedger(context.Background(), s); !errors.Is(err, ErrForbidden) {
			t.Fatalf("reception printed the ledger: %v", err)
		}
	})
	f.as("kantoku", func(s *Session) {
		rows, err := f.o.Ledger(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"相談票 " + cid, "相談票（記入用） " + rid, "予約内容 " + rid, "本日の予定表 2026-10-01", "相談票（記入用） 2026-10-01"}
		if len(rows) != len(want) {
			t.Fatalf("ledger has %d rows: %+v", len(rows), rows)
		}
		got := map[string]bool{}
		for _, r := range rows {
			got[r.Content] = true
			if r.Handler == "" || r.Quantity < 1 || r.Method != "PDF出力" || r.DocID == "" {
				t.Fatalf("incomplete ledger row %+v", r)
			}
			if strings.Contains(r.Content, "印刷される相談の概要") {
				t.Fatal("the ledger holds case content")
			}
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("no ledger row %q", w)
			}
		}
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{Action: audit.ActPrint})
		if err != nil || len(evs) != len(want) {
			t.Fatalf("print events: %d %v", len(evs), err)
		}
		if _, err := f.o.PrintStatistics(context.Background(), s, "2026-10"); err != nil {
			t.Fatalf("statistics: %v", err)
		}
		st, err := f.o.Statistics(context.Background(), s, "FY2026")
		if err != nil || st.Consultations != 1 || st.UniqueBusinesses != 1 || st.Reservations != 1 {
			t.Fatalf("statistics %+v %v", st, err)
		}
		if _, err := f.o.Statistics(context.Background(), s, "2026-13"); !errors.Is(err, ErrBadPeriod) {
			t.Fatalf("bad period: %v", err)
		}
	})
}

// TestPrintEnrollmentSheet: an administrator prints an enrollment code's
// sheet, and the print is in the ledger and the access log like every
// other document, with its expiry but never the code; no one else may
// print one.
func TestPrintEnrollmentSheet(t *testing.T) {
	f := newFixture(t)
	const code = "MDG1.dummy-enrollment-code-for-the-sheet"
	sh := EnrollmentSheet{Server: "テスト区 経営相談窓口", Code: code, Pin: "abcd efgh", Expires: time.Date(2026, 10, 2, 8, 30, 0, 0, time.UTC)}
	f.as("admin", func(s *Session) {
		pdf, err := f.o.PrintEnrollmentSheet(context.Background(), s, sh)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("PrintEnrollmentSheet: %v", err)
		}
		if _, err := f.o.PrintEnrollmentSheet(context.Background(), s, EnrollmentSheet{Server: "x"}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("a sheet without a code: %v", err)
		}
		rows, err := f.o.Ledger(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Content != "端末の登録コード（有効期限 2026-10-02 17:30）" || rows[0].Method != "PDF出力" {
			t.Fatalf("ledger %+v", rows)
		}
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		printed := false
		for _, e := range evs {
			if strings.Contains(e.Detail, code) {
				t.Fatalf("the access log holds the code: %+v", e)
			}
			printed = printed || (e.Action == audit.ActPrint && strings.Contains(e.Detail, "端末の登録コード"))
		}
		if !printed {
			t.Fatal("no print event")
		}
	})
	for _, login := range []string{"uketsuke", "soudan", "kantoku"} {
		f.as(login, func(s *Session) {
			if _, err := f.o.PrintEnrollmentSheet(context.Background(), s, sh); !errors.Is(err, ErrForbidden) {
				t.Fatalf("%s printed an enrollment sheet: %v", login, err)
			}
		})
	}
}
