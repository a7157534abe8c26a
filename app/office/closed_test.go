package office

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestClosedDaysRefuseBookings: a booking on a public holiday or on a day
// of the 休業日 master is refused with a Japanese sentence on 予約日, only
// an admin edits the master, and a reservation booked before its day
// closed can still be cancelled.
func TestClosedDaysRefuseBookings(t *testing.T) {
	f := newFixture(t)
	bg := context.Background()
	var before *record.Reservation
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "休業日商店", "キュウギョウビショウテン", "03-5555-0301")
		var err error
		before, err = f.reservation(s, b.ID, f.venue, f.staff, "2026-12-29", "10:00", "11:00")
		if err != nil {
			t.Fatalf("booking before the master: %v", err)
		}
		year := &record.ClosedDay{From: "2026-12-29", To: "2027-01-03", Name: "年末年始", Active: true}
		if err := f.o.SaveClosedDay(bg, s, year); !errors.Is(err, ErrForbidden) {
			t.Fatalf("receptionist edits the master: %v", err)
		}
	})
	f.as("admin", func(s *Session) {
		for _, c := range []*record.ClosedDay{
			{From: "2026-12-29", To: "2027-01-03", Name: "年末年始", Active: true},
			{From: "2026-10-07", Name: "庁舎点検（使わない）", Active: false},
		} {
			if err := f.o.SaveClosedDay(bg, s, c); err != nil {
				t.Fatalf("SaveClosedDay: %v", err)
			}
		}
		bad := &record.ClosedDay{From: "2026-12-29", To: "2026-12-28", Name: "逆"}
		var fe *record.FieldError
		if err := f.o.SaveClosedDay(bg, s, bad); !errors.As(err, &fe) || fe.Field != "終了日" {
			t.Fatalf("last day before the first: %v", err)
		}
	})
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "祝日商店", "シュクジツショウテン", "03-5555-0302")
		for _, tc := range []struct {
			name, date, want string
		}{
			{"culture day", "2026-11-03", "2026年11月3日（火）は祝日（文化の日）のため予約できません。"},
			{"citizens' holiday", "2026-09-22", "祝日（国民の休日）"},
			{"new year closure", "2027-01-02", "2027年1月2日（土）は休業日（年末年始）のため予約できません。"},
			{"closure on a holiday says holiday", "2027-01-01", "祝日（元日）"},
			{"inactive closure", "2026-10-07", ""},
			{"working day", "2026-11-04", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.reservation(s, b.ID, f.venue2, "", tc.date, "13:00", "14:00")
				if tc.want == "" {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				var ce *ClosedDayError
				var fe *record.FieldError
				if !errors.As(err, &ce) || !errors.As(err, &fe) || fe.Field != "予約日" {
					t.Fatalf("got %v, want a closed-day error on 予約日", err)
				}
				if msg := MessageIn(Japanese, err); !strings.Contains(msg, tc.want) {
					t.Fatalf("message %q, want %q", msg, tc.want)
				}
				if msg := MessageIn(English, err); !strings.HasPrefix(msg, "Date: "+tc.date+" cannot be booked") {
					t.Fatalf("message in English %q", msg)
				}
			})
		}
		moved := *before
		moved.Date = "2027-01-03"
		if err := f.o.SaveReservation(bg, s, &moved); !errors.As(err, new(*ClosedDayError)) {
			t.Fatalf("moving a booking onto a closed day: %v", err)
		}
		if _, err := f.o.SetReservationStatus(bg, s, before.ID, record.ResCanceled); err != nil {
			t.Fatalf("cancelling a booking on a day closed later: %v", err)
		}
		cs, err := f.o.Closures(bg, s, "2026-12-28", "2027-01-04")
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 6 || cs["2027-01-01"] != (Closure{"元日", true}) || cs["2026-12-30"] != (Closure{"年末年始", false}) {
			t.Fatalf("closures: %v", cs)
		}
	})
}

// TestUndoVisit: 来所 is taken back with a reason, which the access log
// keeps; without a reason, on a reservation not in 来所, or once a
// consultation record refers to it, it is refused (who may:
// TestEveryMethodChecksItsPermission).
func TestUndoVisit(t *testing.T) {
	f := newFixture(t)
	bg := context.Background()
	var id string
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "来所商店", "ライショショウテン", "03-5555-0401")
		r, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-01", "10:00", "11:00")
		if err != nil {
			t.Fatal(err)
		}
		id = r.ID
		var fe *record.FieldError
		if _, err := f.o.UndoVisit(bg, s, id, record.UndoVisitReasons()[0]); !errors.As(err, &fe) {
			t.Fatalf("undo of a booking not in 来所: %v", err)
		}
		if _, err := f.o.SetReservationStatus(bg, s, id, record.ResVisited); err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.UndoVisit(bg, s, id, "  "); !errors.As(err, &fe) || fe.Field != "理由" {
			t.Fatalf("undo without a reason: %v", err)
		}
		// A typed reason could carry a name into the access log.
		if _, err := f.o.UndoVisit(bg, s, id, "みどり食堂の山田さんと取り違えた"); !errors.As(err, &fe) || fe.Field != "理由" {
			t.Fatalf("undo with a typed reason: %v", err)
		}
		got, err := f.o.UndoVisit(bg, s, id, "来所されていなかった")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != record.ResBooked {
			t.Fatalf("status after undo %q", got.Status)
		}
	})
	f.as("soudan", func(s *Session) {
		b := f.business(s, "記録済商店", "キロクズミショウテン", "03-5555-0402")
		r, err := f.reservation(s, b.ID, f.venue2, f.staff2, "2026-10-01", "13:00", "14:00")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.SetReservationStatus(bg, s, r.ID, record.ResVisited); err != nil {
			t.Fatal(err)
		}
		c := &record.Consultation{BusinessID: b.ID, ReservationID: r.ID, ConsultantID: f.staff2, Date: "2026-10-01", Start: "13:00", End: "14:00",
			Mode: "窓口", Status: record.StDraft, Case: &record.ConsultationCase{Summary: "記録あり"}}
		if err := f.o.SaveConsultation(bg, s, c); err != nil {
			t.Fatal(err)
		}
		var fe *record.FieldError
		if _, err := f.o.UndoVisit(bg, s, r.ID, record.UndoVisitReasons()[0]); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "相談記録") {
			t.Fatalf("undo of a visit with a record: %v", err)
		}
	})
	f.as("kantoku", func(s *Session) {
		evs, err := f.o.AuditEvents(bg, s, audit.Filter{Action: audit.ActUpdate, User: "uketsuke"})
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Object != id || last.Detail != "reservation 予約 来所取消：来所されていなかった" {
			t.Fatalf("last event %q %q", last.Object, last.Detail)
		}
	})
}
