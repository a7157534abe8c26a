package office

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestWalkIn: a visitor without a reservation is booked from now, already
// checked in, under the same double-booking and capacity rules, and waits in
// VisitedWithoutRecord until a consultation record refers to the visit.
func TestWalkIn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var walkIDs []string
	f.as("uketsuke", func(s *Session) {
		a := f.business(s, "飛込一商店", "トビコミイチショウテン", "03-5561-0001")
		b := f.business(s, "飛込二商店", "トビコミニショウテン", "03-5561-0002")
		c := f.business(s, "飛込三商店", "トビコミサンショウテン", "03-5561-0003")
		f.clock.Advance(7*time.Minute + 30*time.Second) // 10:07:30 JST

		r, err := f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: a.ID, VenueID: f.venue, ConsultantID: f.staff})
		if err != nil {
			t.Fatal(err)
		}
		if r.Date != "2026-10-01" || r.Start != "10:07" || r.End != "11:07" || r.Status != record.ResVisited || !r.WalkIn ||
			r.Channel != "窓口" || r.ReceivedOn != "2026-10-01" || r.ReceivedBy != "uketsuke" || r.ID == "" || r.Rev == "" {
			t.Fatalf("walk-in %+v", r)
		}
		walkIDs = append(walkIDs, r.ID)

		// The consultant is busy until 11:07; the room is taken too.
		before := storeStateOf(t, f.o)
		_, err = f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: b.ID, VenueID: f.venue2, ConsultantID: f.staff, Minutes: 30})
		var be *BookingError
		if !errors.Is(err, ErrDoubleBooking) || !errors.As(err, &be) || be.What != "相談員" || be.Other != r.ID {
			t.Fatalf("walk-in with a busy consultant: %v", err)
		}
		_, err = f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: b.ID, VenueID: f.venue, ConsultantID: f.staff2})
		if !errors.Is(err, ErrDoubleBooking) || !errors.As(err, &be) || be.What != "会場" {
			t.Fatalf("walk-in into a taken room: %v", err)
		}
		_, err = f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: b.ID, ConsultantID: f.staff2})
		var fe *record.FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("walk-in without a venue: %v", err)
		}
		if d := before.diff(storeStateOf(t, f.o)); d != "" {
			t.Fatalf("refused walk-ins changed %s", d)
		}

		// The large room holds two at once: the third walk-in finds it full.
		r2, err := f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: b.ID, VenueID: f.venue2, ConsultantID: f.staff2, Minutes: 30})
		if err != nil || r2.End != "10:37" {
			t.Fatalf("30-minute walk-in: %+v %v", r2, err)
		}
		r3, err := f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: c.ID, VenueID: f.venue2, Minutes: 45})
		if err != nil || r3.End != "10:52" || r3.ConsultantID != "" {
			t.Fatalf("walk-in without a consultant yet: %+v %v", r3, err)
		}
		if _, err := f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: a.ID, VenueID: f.venue2}); !errors.Is(err, ErrFull) {
			t.Fatalf("third walk-in in a room for two: %v", err)
		}
		walkIDs = append(walkIDs, r2.ID, r3.ID)

		// Late in the evening a walk-in ends at 23:59, not the next day.
		f.clock.Advance(13*time.Hour + 20*time.Minute) // 23:27:30 JST
		late, err := f.o.TakeWalkIn(ctx, s, WalkIn{BusinessID: c.ID, VenueID: f.venue, ConsultantID: f.staff})
		if err != nil || late.Date != "2026-10-01" || late.Start != "23:27" || late.End != "23:59" {
			t.Fatalf("late walk-in: %+v %v", late, err)
		}
		walkIDs = append(walkIDs, late.ID)

		// A booked reservation that day is not a visit yet.
		if _, err := f.reservation(s, c.ID, f.venue, f.staff2, "2026-10-01", "15:00", "16:00"); err != nil {
			t.Fatal(err)
		}
		rs, err := f.o.ReservationsOn(ctx, s, "2026-10-01")
		if err != nil || len(rs) != 5 {
			t.Fatalf("reservations of the day: %d %v", len(rs), err)
		}
		walkIns := 0
		for _, x := range rs {
			if x.WalkIn {
				walkIns++
			}
		}
		if walkIns != 4 {
			t.Fatalf("%d walk-ins among the day's reservations, want 4", walkIns)
		}
	})

	f.as("soudan", func(s *Session) {
		visited := func() []string {
			t.Helper()
			rs, err := f.o.VisitedWithoutRecord(ctx, s, "2026-10-01")
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			return ids
		}
		if got := visited(); len(got) != len(walkIDs) {
			t.Fatalf("visited without a record: %v, want the %d walk-ins", got, len(walkIDs))
		}
		c, err := f.o.DraftFromReservation(ctx, s, walkIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if c.Start != "10:07" || c.End != "11:07" || c.Minutes != 60 || c.ReservationID != walkIDs[0] {
			t.Fatalf("draft from the walk-in: %+v", c)
		}
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			t.Fatal(err)
		}
		got := visited()
		if len(got) != len(walkIDs)-1 {
			t.Fatalf("after one record: %v", got)
		}
		for _, id := range got {
			if id == walkIDs[0] {
				t.Fatal("the written-up walk-in is still listed")
			}
		}
	})
	f.as("kantoku", func(s *Session) {
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{User: "uketsuke", Action: audit.ActCreate})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range walkIDs {
			if !hasEvent(evs, audit.ActCreate, id) {
				t.Errorf("no create event for walk-in %s", id)
			}
		}
	})
}
