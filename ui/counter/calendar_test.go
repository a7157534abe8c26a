package counter

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// calendarOffice is the Counter vault with a second venue and consultant
// and the office closed on Friday 2 October 2026 (庁舎点検); fn runs as the
// receptionist on a desktop-sized window.
func calendarOffice(t *testing.T, fn func(f *uitest.Office, h *uitest.Host, roomB, sato string)) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Counter)
	var roomB, sato string
	f.As("kanri", func(s *office.Session) {
		ctx := context.Background()
		v := &record.Venue{Name: "本庁舎 相談室B", Capacity: 1, Active: true}
		uitest.Must(t, f.Office().SaveVenue(ctx, s, v))
		st := &record.Staff{Name: "佐藤 花子", Kana: "サトウ ハナコ", Role: "相談員", Active: true}
		uitest.Must(t, f.Office().SaveStaff(ctx, s, st))
		uitest.Must(t, f.Office().SaveClosedDay(ctx, s, &record.ClosedDay{From: "2026-10-02", Name: "庁舎点検", Active: true}))
		roomB, sato = v.ID, st.ID
	})
	f.As("uketsuke", func(s *office.Session) { fn(f, f.Host(s, fyne.NewSize(1100, 720)), roomB, sato) })
}

// book stores a reservation through the office.
func book(t *testing.T, h *uitest.Host, r record.Reservation) record.Reservation {
	t.Helper()
	r.Channel = "電話"
	uitest.Must(t, h.Office().SaveReservation(context.Background(), h.Session(), &r))
	return r
}

// showCalendar builds the 予約 screen on h's window and waits for its read.
func showCalendar(h *uitest.Host) *weekScreen {
	w := newWeekScreen(h)
	h.Window().SetContent(w.object())
	h.Wait()
	return w
}

// freeSlots counts the slots the grid offers (enabled 空き).
func freeSlots(w *weekScreen) int {
	n := 0
	for _, o := range w.grid.Objects {
		if b, ok := o.(*widget.Button); ok && b.Text == "空き" && !b.Disabled() {
			n++
		}
	}
	return n
}

// TestDayViewRoomsSideBySide: 日 shows every venue (or, 相談員別, every
// consultant) of the day in its own column; a free slot books that venue,
// a taken one opens its reservation.
func TestDayViewRoomsSideBySide(t *testing.T) {
	calendarOffice(t, func(to *uitest.Office, h *uitest.Host, roomB, sato string) {
		r := book(t, h, record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, ConsultantID: to.Consultant, BusinessID: to.Business})
		w := showCalendar(h)
		uitest.TapOption(t, w.view, w.view.Options, "日")
		h.Wait()
		if w.day.ISO() != "2026-10-01" {
			t.Fatalf("day view starts on %s, want today", w.day.ISO())
		}
		for _, name := range []string{"10/1（木）", "本庁舎 相談室A", "本庁舎 相談室B"} {
			if !uitest.HasLabel(w.head, name) {
				t.Errorf("header lacks %q", name)
			}
		}
		// 8 hours of 60 minutes in two rooms, less the hour gone (9:00) and
		// the hour booked in room A.
		if n := freeSlots(w); n != 2*8-2-1 {
			t.Errorf("%d free slots, want 13", n)
		}
		cols := len(w.venues.IDs) + 1
		test.Tap(w.grid.Objects[cols*5+2].(*widget.Button)) // 14:00, room B
		if f := w.form; f == nil || f.r.VenueID != roomB || f.r.Date != "2026-10-01" || f.r.Start != "14:00" {
			t.Fatalf("free slot opened %+v", w.form.r)
		}
		closeForms(h)
		test.Tap(uitest.FindButton(t, w.grid, "株式会社さくら商店")) // whole: two rooms leave room for it
		if w.form.r.ID != r.ID {
			t.Fatalf("taken slot opened %q", w.form.r.ID)
		}
		closeForms(h)

		uitest.TapOption(t, w.byStaff, w.byStaff.Options, "相談員別")
		h.Wait()
		if !uitest.HasLabel(w.head, "山田 一郎") || !uitest.HasLabel(w.head, "佐藤 花子") || uitest.HasLabel(w.head, "本庁舎 相談室B") {
			t.Fatal("相談員別 does not column the consultants")
		}
		test.Tap(w.grid.Objects[cols*4+1].(*widget.Button)) // 13:00, 佐藤 (by フリガナ, before 山田)
		if f := w.form; f.r.ConsultantID != sato || f.r.VenueID != "" {
			t.Fatalf("consultant slot opened %+v", f.r)
		}
	})
}

func closeForms(h *uitest.Host) {
	for h.Window().Canvas().Overlays().Top() != nil {
		h.Window().Canvas().Overlays().Top().Hide()
		h.Window().Canvas().Overlays().Remove(h.Window().Canvas().Overlays().Top())
	}
}

// TestCalendarGreysClosedAndPastSlots: the past (before today's 10:00),
// the office's 休業日 and public holidays offer no 空き; closed days show
// why, and the form refuses a closed day typed by hand.
func TestCalendarGreysClosedAndPastSlots(t *testing.T) {
	calendarOffice(t, func(to *uitest.Office, h *uitest.Host, _, _ string) {
		w := showCalendar(h)
		// Mon 28 Sep–Sun 4 Oct: Thursday 10:00–17:00 (7), Friday closed,
		// Saturday and Sunday (8 each).
		if n := freeSlots(w); n != 7+8+8 {
			t.Errorf("this week offers %d slots, want 23", n)
		}
		if b := uitest.Button(t, w.grid, "庁舎点検"); !b.Disabled() {
			t.Error("the closed day's slot is not greyed out")
		}
		w.bookFirstFree() // Ctrl+N
		if r := w.form.r; r.Date != "2026-10-01" || r.Start != "10:00" || r.VenueID != to.Venue {
			t.Errorf("Ctrl+N opened %s %s in %s, want today's first open slot", r.Date, r.Start, r.VenueID)
		}
		closeForms(h)
		w.week.SetDate(time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC))
		h.Wait()
		if b := uitest.Button(t, w.grid, "スポーツの日"); !b.Disabled() {
			t.Error("the holiday's slot is not greyed out")
		}
		for _, o := range w.head.Objects {
			if l, ok := o.(*widget.Label); ok && (l.Text == "10/12（月）") != (l.Importance == widget.LowImportance) {
				t.Errorf("header %q greyed: %v", l.Text, l.Importance == widget.LowImportance)
			}
		}
		if n := freeSlots(w); n != 6*8 {
			t.Errorf("the week of スポーツの日 offers %d slots, want 48", n)
		}
		uitest.TapOption(t, w.view, w.view.Options, "日")
		h.Wait()
		if w.day.ISO() != "2026-10-12" || !w.notice.Visible() || !strings.Contains(w.notice.Text, "祝日（スポーツの日）") {
			t.Fatalf("day view of %s says %q", w.day.ISO(), w.notice.Text)
		}
		f := showReservationForm(h, record.Reservation{Date: "2026-10-12", Start: "10:00", End: "11:00", VenueID: to.Venue}, nil)
		f.picker.set(to.Business, "株式会社さくら商店")
		test.Tap(f.dlg.OK)
		if got := f.form.Errs["予約日"]; f.r.ID != "" || !got.Visible() || !strings.Contains(got.Text, "スポーツの日") {
			t.Fatalf("booking on a holiday: id %q, 予約日 says %q", f.r.ID, got.Text)
		}
	})
}

// TestCalendarHeaderStaysAndStateRemembered: the header row is outside the
// scrolled slots, and leaving the screen and coming back keeps the view,
// the date, 相談員別 and the consultant.
func TestCalendarHeaderStaysAndStateRemembered(t *testing.T) {
	calendarOffice(t, func(to *uitest.Office, h *uitest.Host, _, sato string) {
		w := showCalendar(h)
		var scroll *container.Scroll
		uitest.Walk(h.Window().Content(), func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok && scroll == nil {
				scroll = s
			}
		})
		if scroll == nil || uitest.HasLabel(scroll, "10/1（木）") || !uitest.HasLabel(w.head, "10/1（木）") {
			t.Fatal("the header row scrolls with the slots")
		}
		uitest.TapOption(t, w.byStaff, w.byStaff.Options, "相談員別")
		w.who.SetSelected("佐藤 花子")
		w.week.SetDate(time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
		uitest.TapOption(t, w.view, w.view.Options, "日")
		w.day.SetDate(time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC))
		h.Wait()

		h.Window().SetContent(widget.NewLabel("今日の予定")) // another screen
		back := showCalendar(h)
		if !back.dayView() || back.day.ISO() != "2026-10-07" || !back.byStaffView() {
			t.Fatalf("came back to day view %v on %s, 相談員別 %v", back.dayView(), back.day.ISO(), back.byStaffView())
		}
		uitest.TapOption(t, back.view, back.view.Options, "週")
		h.Wait()
		if back.week.ISO() != "2026-10-05" || back.current().ID(back.who.Selected) != sato {
			t.Fatalf("week view of %s for %q", back.week.ISO(), back.who.Selected)
		}
		// The next morning the calendar starts on today again.
		to.Now = to.Now.AddDate(0, 0, 1)
		if next := showCalendar(h); next.week.ISO() != "2026-09-28" {
			t.Fatalf("next day starts on the week of %s", next.week.ISO())
		}
	})
}

// TestCancelFromChangeForm: 予約の変更 cancels a booking after asking; the
// slot is free again and the business's history keeps it as キャンセル.
func TestCancelFromChangeForm(t *testing.T) {
	calendarOffice(t, func(to *uitest.Office, h *uitest.Host, _, _ string) {
		r := book(t, h, record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, BusinessID: to.Business})
		w := showCalendar(h)
		before := freeSlots(w)
		test.Tap(uitest.FindButton(t, w.grid, "株式会社さくら…")) // the week view: seven characters
		f := w.form
		test.Tap(uitest.FindButton(t, h.Window().Canvas().Overlays().Top(), "予約を取り消す"))
		top := h.Window().Canvas().Overlays().Top()
		if !uitest.HasLabel(top, "株式会社さくら商店 2026-10-01 13:00–14:00 の予約をキャンセルします。よろしいですか。") {
			t.Fatal("no question before cancelling")
		}
		tapImportant(t, top)
		h.Wait()
		if f.r.Status != record.ResCanceled || freeSlots(w) != before+1 {
			t.Fatalf("status %q, free slots %d after cancelling (was %d)", f.r.Status, freeSlots(w), before)
		}
		hist, err := h.Office().ReservationsOfBusiness(context.Background(), h.Session(), to.Business)
		uitest.Must(t, err)
		if len(hist) != 1 || hist[0].ID != r.ID || hist[0].Status != record.ResCanceled {
			t.Fatalf("history %+v", hist)
		}
		// A new booking's form offers no cancellation.
		w.book(time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC), 10*60, 11*60)
		if w.form.cancel.Visible() {
			t.Fatal("予約を取り消す on a new reservation")
		}
	})
}

// tapImportant taps the highlighted button (the confirmation) of a dialog.
func tapImportant(t *testing.T, o fyne.CanvasObject) {
	t.Helper()
	var b *widget.Button
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if y, ok := x.(*widget.Button); ok && y.Importance == widget.HighImportance && b == nil {
			b = y
		}
	})
	if b == nil {
		t.Fatal("no highlighted button")
	}
	test.Tap(b)
}

// TestUndoVisitWithReason: 来所 on 今日の予定 can be taken back with a
// reason chosen from a list (never typed), which the access log keeps; the
// row is 予約 again.
func TestUndoVisitWithReason(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	f.As("uketsuke", func(s *office.Session) {
		h := f.Host(s, fyne.NewSize(1100, 720))
		ts := newTodayScreen(h)
		h.Window().SetContent(ts.object())
		test.Tap(uitest.FindButton(t, ts.list, "来所を取り消す"))
		top := h.Window().Canvas().Overlays().Top()
		var reason *widget.Select
		uitest.Walk(top, func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Select); ok && reason == nil {
				reason = e
			}
		})
		if reason == nil {
			t.Fatal("no reason asked")
		}
		uitest.Walk(top, func(o fyne.CanvasObject) {
			if _, ok := o.(*widget.Entry); ok {
				t.Fatal("a reason can be typed (it goes into the access log)")
			}
		})
		if got := strings.Join(reason.Options, " "); got != "押し間違い（別の予約の来所を押した） 来所されていなかった その他" {
			t.Fatalf("reasons %s", got)
		}
		reason.SetSelected("来所されていなかった")
		test.Tap(uitest.FindButton(t, top, "取り消す"))
		if ts.rows[0].Status != record.ResBooked {
			t.Fatalf("status after undo %q", ts.rows[0].Status)
		}
		if b := uitest.Button(t, ts.list, "来所"); b.Disabled() {
			t.Fatal("来所 not offered again")
		}
	})
	f.As("kantoku", func(s *office.Session) {
		evs, err := f.Office().AuditEvents(context.Background(), s, audit.Filter{User: "uketsuke", Action: audit.ActUpdate})
		uitest.Must(t, err)
		if len(evs) == 0 || !strings.HasSuffix(evs[len(evs)-1].Detail, "来所取消：来所されていなかった") {
			t.Fatalf("access log: %+v", evs)
		}
	})
}

// TestDayViewManyRoomsFits: a day of ten rooms side by side still fits
// the office laptop's window beside the menu; names are cut to fit.
func TestDayViewManyRoomsFits(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Counter)
	var rooms []string
	f.As("kanri", func(s *office.Session) {
		for i := range 9 {
			v := &record.Venue{Name: "第" + string(rune('一'+i)) + "会議室（北庁舎）", Capacity: 1, Active: true}
			uitest.Must(t, f.Office().SaveVenue(context.Background(), s, v))
			rooms = append(rooms, v.ID)
		}
	})
	f.As("uketsuke", func(s *office.Session) {
		h := f.Host(s, fyne.NewSize(1100, 720))
		for _, room := range rooms {
			book(t, h, record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: room, BusinessID: f.Business})
		}
		w := showCalendar(h)
		uitest.TapOption(t, w.view, w.view.Options, "日")
		h.Wait()
		if got := w.root.MinSize().Width; got > 1366-200 {
			t.Fatalf("the day view of ten rooms needs %.0f px", got)
		}
	})
}
