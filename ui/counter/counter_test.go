package counter

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

func TestMain(m *testing.M) { uitest.Main(m) }

// counterHost logs the receptionist in on a Counter vault and returns a
// host on a window of the desktop's size.
func counterHost(t *testing.T, fn func(f *uitest.Office, h *uitest.Host)) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Counter)
	f.As("uketsuke", func(s *office.Session) { fn(f, f.Host(s, fyne.NewSize(1100, 720))) })
}

// TestReceptionMainPath books a reservation through the week calendar's
// form, sees it in 今日の予定 and checks the visitor in.
func TestReceptionMainPath(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		week := newWeekScreen(h)
		h.Wait()
		h.Window().SetContent(week.object())
		uitest.FindButton(t, week.grid, "空き")                      // the grid is drawn
		week.book(week.week.Date().AddDate(0, 0, 3), 13*60, 14*60) // Thursday 13:00–14:00
		f := week.form
		test.Type(f.picker.entry, "さくら")
		h.Wait()
		if len(f.picker.hits) != 1 {
			t.Fatalf("search さくら: %d hits", len(f.picker.hits))
		}
		f.picker.list.Select(0)
		f.consultant.SetSelectedIndex(0)
		test.Tap(f.dlg.OK)
		if f.r.ID == "" {
			t.Fatalf("reservation not saved: %q", f.form.General.Text)
		}
		h.Wait()
		uitest.FindButton(t, week.grid, "株式会社さくら…")

		today := newTodayScreen(h)
		h.Window().SetContent(today.object())
		if len(today.rows) != 1 || today.rows[0].ID != f.r.ID {
			t.Fatalf("today shows %d rows", len(today.rows))
		}
		test.Tap(uitest.FindButton(t, today.list, "来所"))
		r, err := h.Office().Reservation(context.Background(), h.Session(), f.r.ID)
		uitest.Must(t, err)
		if r.Status != record.ResVisited {
			t.Fatalf("status after 来所 = %q", r.Status)
		}
		if today.rows[0].Status != record.ResVisited {
			t.Fatalf("list not refreshed: %q", today.rows[0].Status)
		}
	})
}

// TestDoubleBookingShowsReason books the same room twice: the second form
// stays open with the Japanese reason.
func TestDoubleBookingShowsReason(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		first := record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, BusinessID: to.Business, Channel: "電話"}
		uitest.Must(t, h.Office().SaveReservation(context.Background(), h.Session(), &first))

		f := showReservationForm(h, record.Reservation{Date: "2026-10-01", Start: "13:30", End: "14:30", VenueID: to.Venue}, nil)
		f.picker.set(to.Other, "みどり食堂")
		test.Tap(f.dlg.OK)
		got := f.form.General.Text
		if !strings.Contains(got, "本庁舎 相談室Aは 10/1 13:00〜14:00 に 株式会社さくら商店 の予約があります") || !f.form.General.Visible() {
			t.Fatalf("reason shown = %q", got)
		}
		if f.r.ID != "" {
			t.Fatal("double booking saved")
		}
		if h.Window().Canvas().Overlays().Top() == nil {
			t.Fatal("form closed after a refused booking")
		}
	})
}

// TestDuplicateBusiness registers a business with a known phone number: the
// warning shows while typing, saving lists the match, and 別の事業者として登録
// saves it anyway.
func TestDuplicateBusiness(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		var saved *record.Business
		f := showBusinessForm(h, nil, func(b *record.Business) { saved = b })
		test.Type(f.entries["事業所名"], "さくら商店 駅前店")
		test.Type(f.entries["フリガナ"], "サクラショウテン エキマエテン")
		test.Type(f.entries["電話番号"], "03-5555-0101")
		if !strings.Contains(f.similar.Text, "株式会社さくら商店") {
			t.Fatalf("no warning while typing: %q", f.similar.Text)
		}
		test.Tap(f.dlg.OK)
		if saved != nil {
			t.Fatal("duplicate saved without asking")
		}
		top := h.Window().Canvas().Overlays().Top()
		test.Tap(uitest.FindButton(t, top, "別の事業者として登録"))
		if saved == nil || saved.ID == "" || saved.ID == to.Business {
			t.Fatal("not registered as a different business")
		}
	})
}

// TestTodayPrintsDaySheets: every role that sees 今日の予定 gets
// 相談票を一括印刷, which renders the day's session sheets into one PDF; on
// a day without reservations the button is disabled.
func TestTodayPrintsDaySheets(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	for _, login := range []string{"uketsuke", "soudan", "coord", "kantoku"} {
		f.As(login, func(s *office.Session) {
			if !Screens()[0].Allowed(s) {
				t.Fatalf("%s does not see 今日の予定", login)
			}
			h := f.Host(s, fyne.NewSize(1100, 720))
			ts := newTodayScreen(h)
			h.Window().SetContent(ts.object())
			name, _ := uitest.TapForPDF(t, h, uitest.FindButton(t, h.Window().Content(), "相談票を一括印刷"))
			if name != "相談票（記入用）_20261001.pdf" {
				t.Errorf("%s: file name %q", login, name)
			}
			ts.date.SetDate(time.Date(2026, 10, 2, 0, 0, 0, 0, record.JST()))
			if !ts.sheets.Disabled() {
				t.Errorf("%s: 相談票を一括印刷 enabled on a day without reservations", login)
			}
		})
	}
}

// TestTodayShowsWalkInTimeWhole registers a walk-in at 13:06: at every
// font size 今日の予定 shows its time and the 飛込 mark whole, where the
// fixed column once cut them to 「13:06–14:0…」.
func TestTodayShowsWalkInTimeWhole(t *testing.T) {
	for _, size := range []string{widgets.FontSmall, widgets.FontMedium, widgets.FontLarge} {
		t.Run(size, func(t *testing.T) {
			counterHost(t, func(to *uitest.Office, h *uitest.Host) {
				fyne.CurrentApp().Settings().SetTheme(widgets.NewTheme(size))
				to.Now = uitest.Now.Add(3*time.Hour + 6*time.Minute)
				_, err := h.Office().TakeWalkIn(context.Background(), h.Session(), office.WalkIn{
					BusinessID: to.Business, VenueID: to.Venue, ConsultantID: to.Consultant, Minutes: 60})
				uitest.Must(t, err)
				today := newTodayScreen(h)
				h.Window().SetContent(today.object())
				want := "13:06–14:06 " + tr("飛込")
				var shown []string
				for _, o := range test.LaidOutObjects(today.list) {
					if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "13:06") {
						shown = append(shown, drawnText(l))
					}
				}
				if len(shown) != 1 || shown[0] != want {
					t.Fatalf("the walk-in's time reads %q, want %q", shown, want)
				}
			})
		})
	}
}

// drawnText is the text a widget draws (with "…" where it is cut off).
func drawnText(o fyne.CanvasObject) string {
	var b strings.Builder
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if t, ok := x.(*canvas.Text); ok {
			b.WriteString(t.Text)
		}
	})
	return b.String()
}
