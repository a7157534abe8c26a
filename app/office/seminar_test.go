package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestSeminarCapacityAndWaitingList walks a seminar for two through
// applications, the waiting list, cancellations, promotions and attendance.
func TestSeminarCapacityAndWaitingList(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var semID string
	f.as("coord", func(s *Session) {
		bad := &record.Seminar{Title: "定員なし", Date: "2026-10-20", Start: "14:00", End: "16:00", VenueID: f.venue2}
		var fe *record.FieldError
		if err := f.o.SaveSeminar(ctx, s, bad); !errors.As(err, &fe) || bad.ID != "" {
			t.Fatalf("seminar without capacity: %v", err)
		}
		online := &record.Seminar{Title: "オンライン説明会", Date: "2026-10-21", Start: "10:00", End: "11:00", Online: true, Capacity: 50}
		if err := f.o.SaveSeminar(ctx, s, online); err != nil {
			t.Fatalf("online seminar without a venue: %v", err)
		}
		sem := &record.Seminar{Title: "はじめての補助金申請", Date: "2026-10-20", Start: "14:00", End: "16:00", VenueID: f.venue2, Capacity: 2, Lecturer: "講師 一郎"}
		if err := f.o.SaveSeminar(ctx, s, sem); err != nil {
			t.Fatal(err)
		}
		semID = sem.ID
	})

	ids := map[string]string{} // person → application id
	apply := func(s *Session, person string) *record.Application {
		t.Helper()
		f.clock.Advance(time.Minute) // the list is in the order applications came in
		a := &record.Application{SeminarID: semID, BusinessName: person + "商店", PersonName: "申込 " + person, Phone: "03-5559-0001"}
		if err := f.o.SaveApplication(ctx, s, a); err != nil {
			t.Fatalf("apply %s: %v", person, err)
		}
		ids[person] = a.ID
		return a
	}
	setStatus := func(s *Session, person, status string) error {
		t.Helper()
		a, err := f.o.Record(ctx, s, ids[person])
		if err != nil {
			t.Fatal(err)
		}
		app := a.(*record.Application)
		app.Status = status
		return f.o.SaveApplication(ctx, s, app)
	}
	expect := func(s *Session, want string) {
		t.Helper()
		apps, err := f.o.Applications(ctx, s, semID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range apps {
			got = append(got, strings.TrimPrefix(a.PersonName, "申込 ")+":"+a.Status)
		}
		if g := strings.Join(got, " "); g != want {
			t.Fatalf("applications\n got %s\nwant %s", g, want)
		}
	}

	f.as("uketsuke", func(s *Session) {
		for _, p := range []string{"A", "B"} {
			if a := apply(s, p); a.Status != record.AppApplied || a.AppliedOn != "2026-10-01" {
				t.Fatalf("%s within capacity: %s on %s", p, a.Status, a.AppliedOn)
			}
		}
		for _, p := range []string{"C", "D"} {
			if a := apply(s, p); a.Status != record.AppWaiting {
				t.Fatalf("%s beyond capacity: %s", p, a.Status)
			}
		}
		expect(s, "A:申込 B:申込 C:キャンセル待ち D:キャンセル待ち")

		// No seat: C cannot be moved up, and stays waiting.
		err := setStatus(s, "C", record.AppApplied)
		var be *BookingError
		if !errors.Is(err, ErrFull) || !errors.As(err, &be) || !strings.Contains(Message(err), "このセミナーは定員に達しています") ||
			strings.Contains(Message(err), "会場") || !strings.Contains(MessageIn(English, err), "seminar is full") {
			t.Fatalf("promotion into a full seminar: %v (%s / %s)", err, Message(err), MessageIn(English, err))
		}
		expect(s, "A:申込 B:申込 C:キャンセル待ち D:キャンセル待ち")

		// A cancels. A new application still queues behind C and D ...
		if err := setStatus(s, "A", record.AppCanceled); err != nil {
			t.Fatal(err)
		}
		if a := apply(s, "E"); a.Status != record.AppWaiting {
			t.Fatalf("new application while others wait: %s", a.Status)
		}
		// ... and C, first in line, takes the seat; then D finds it full.
		if err := setStatus(s, "C", record.AppApplied); err != nil {
			t.Fatalf("promote C into the freed seat: %v", err)
		}
		if err := setStatus(s, "D", record.AppApplied); !errors.Is(err, ErrFull) {
			t.Fatalf("promote D into a full seminar: %v", err)
		}
		expect(s, "A:キャンセル B:申込 C:申込 D:キャンセル待ち E:キャンセル待ち")

		// Attended and absent both keep their seat.
		if err := f.o.MarkAttendance(ctx, s, ids["B"], true); err != nil {
			t.Fatal(err)
		}
		if err := f.o.MarkAttendance(ctx, s, ids["C"], false); err != nil {
			t.Fatal(err)
		}
		if err := setStatus(s, "D", record.AppApplied); !errors.Is(err, ErrFull) {
			t.Fatalf("promote D after attendance: %v", err)
		}
		// Editing an application that holds a seat is no promotion.
		if err := setStatus(s, "B", record.AppAttended); err != nil {
			t.Fatalf("edit a seated application: %v", err)
		}
		expect(s, "A:キャンセル B:出席 C:欠席 D:キャンセル待ち E:キャンセル待ち")
	})

	// A larger room: the coordinator raises the capacity, D moves up.
	f.as("coord", func(s *Session) {
		sem, err := f.o.Seminar(ctx, s, semID)
		if err != nil {
			t.Fatal(err)
		}
		sem.Capacity = 3
		if err := f.o.SaveSeminar(ctx, s, sem); err != nil {
			t.Fatal(err)
		}
		if err := setStatus(s, "D", record.AppApplied); err != nil {
			t.Fatalf("promote D after the capacity grew: %v", err)
		}
		if err := setStatus(s, "E", record.AppApplied); !errors.Is(err, ErrFull) {
			t.Fatalf("promote E beyond the new capacity: %v", err)
		}
		expect(s, "A:キャンセル B:出席 C:欠席 D:申込 E:キャンセル待ち")

		pdf, err := f.o.PrintAttendance(ctx, s, semID)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("attendance list: %v", err)
		}
		rows, err := f.o.Ledger(ctx, s)
		if err != nil || len(rows) != 1 || rows[0].Quantity != 5 || rows[0].Content != "セミナー出席者名簿 "+semID {
			t.Fatalf("ledger after the attendance list: %+v %v", rows, err)
		}
		st, err := f.o.Statistics(ctx, s, "2026-10")
		if err != nil || st.SeminarAttendance != 1 {
			t.Fatalf("seminar attendance in the statistics: %+v %v", st, err)
		}
		sems, err := f.o.Seminars(ctx, s)
		if err != nil || len(sems) != 2 || sems[0].ID == semID {
			t.Fatalf("seminars, newest first: %v %v", sems, err)
		}
	})
}

// TestSeminarApplicationsAreCounted checks the waiting list against a
// generated stream of applications and cancellations on several seminars.
func TestSeminarApplicationsAreCounted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	caps := []int{1, 3, 4}
	sems := make([]string, len(caps))
	f.as("coord", func(s *Session) {
		for i, c := range caps {
			sem := &record.Seminar{Title: fmt.Sprintf("連続講座 第%d回", i+1), Date: fmt.Sprintf("2026-11-%02d", i+2), Start: "14:00", End: "15:30",
				VenueID: f.venue2, Capacity: c}
			if err := f.o.SaveSeminar(ctx, s, sem); err != nil {
				t.Fatal(err)
			}
			sems[i] = sem.ID
		}
		applied := make([]int, len(caps))
		for n := range 14 {
			i := n % len(caps)
			f.clock.Advance(time.Second)
			a := &record.Application{SeminarID: sems[i], BusinessName: fmt.Sprintf("受講%d商店", n), PersonName: fmt.Sprintf("受講 %d", n)}
			if err := f.o.SaveApplication(ctx, s, a); err != nil {
				t.Fatal(err)
			}
			want := record.AppApplied
			if applied[i] >= caps[i] {
				want = record.AppWaiting
			}
			if a.Status != want {
				t.Fatalf("application %d to seminar %d (capacity %d, %d seated): %s, want %s", n, i, caps[i], applied[i], a.Status, want)
			}
			if want == record.AppApplied {
				applied[i]++
			}
		}
		for i, id := range sems {
			apps, err := f.o.Applications(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			total := (14 + len(caps) - 1 - i) / len(caps) // applications n ≡ i (mod 3) of 0..13
			waiting := 0
			for _, a := range apps {
				if a.Status == record.AppWaiting {
					waiting++
				}
			}
			if len(apps) != total || seated(apps) != caps[i] || waiting != total-caps[i] {
				t.Errorf("seminar %d: %d applications (want %d), %d seated and %d waiting (capacity %d)", i, len(apps), total, seated(apps), waiting, caps[i])
			}
		}
	})
}
