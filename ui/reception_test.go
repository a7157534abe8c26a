package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestReceptionMainPath logs in as reception through the login screen,
// books a reservation through the week calendar's form, sees it in 今日の予定
// and checks the visitor in.
func TestReceptionMainPath(t *testing.T) {
	to := newTestOffice(t, t.TempDir())
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", testReceptionPW)
	if u.shell == nil {
		t.Fatalf("still on the login screen: %q", u.login.message.Text)
	}
	keys := []string{}
	for _, s := range u.shell.screens {
		keys = append(keys, s.Key)
	}
	if got := strings.Join(keys, ","); !strings.HasPrefix(got, "today,booking,business") {
		t.Fatalf("screens for reception = %s", got)
	}

	ctx := u.shell.ctx
	week := newWeekScreen(ctx)
	ctx.wait()
	u.win.SetContent(week.object())
	findButton(t, week.grid, "空き")                             // the grid is drawn
	week.book(week.week.Date().AddDate(0, 0, 3), 13*60, 14*60) // Thursday 13:00–14:00
	f := week.form
	test.Type(f.picker.entry, "さくら")
	ctx.wait()
	if len(f.picker.hits) != 1 {
		t.Fatalf("search さくら: %d hits", len(f.picker.hits))
	}
	f.picker.list.Select(0)
	f.consultant.SetSelectedIndex(0)
	test.Tap(f.dlg.OK)
	if f.r.ID == "" {
		t.Fatalf("reservation not saved: %q", f.form.General.Text)
	}
	ctx.wait()
	findButton(t, week.grid, "株式会社さくら…")

	today := newTodayScreen(ctx)
	u.win.SetContent(today.object())
	if len(today.rows) != 1 || today.rows[0].ID != f.r.ID {
		t.Fatalf("today shows %d rows", len(today.rows))
	}
	test.Tap(findButton(t, today.list, "来所"))
	r, err := ctx.Office.Reservation(context.Background(), ctx.Session, f.r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != record.ResVisited {
		t.Fatalf("status after 来所 = %q", r.Status)
	}
	if today.rows[0].Status != record.ResVisited {
		t.Fatalf("list not refreshed: %q", today.rows[0].Status)
	}
}

// TestDoubleBookingShowsReason books the same room twice: the second form
// stays open with the Japanese reason.
func TestDoubleBookingShowsReason(t *testing.T) {
	to := newTestOffice(t, t.TempDir())
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", testReceptionPW)
	ctx := u.shell.ctx
	first := record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.venueID, BusinessID: to.businessID, Channel: "電話"}
	must(t, ctx.Office.SaveReservation(context.Background(), ctx.Session, &first))

	f := showReservationForm(ctx, record.Reservation{Date: "2026-10-01", Start: "13:30", End: "14:30", VenueID: to.venueID}, nil)
	f.picker.set(to.otherID, "みどり食堂")
	test.Tap(f.dlg.OK)
	got := f.form.General.Text
	if !strings.Contains(got, "会場は 13:00〜14:00 に別の予約") || !f.form.General.Visible() {
		t.Fatalf("reason shown = %q", got)
	}
	if f.r.ID != "" {
		t.Fatal("double booking saved")
	}
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("form closed after a refused booking")
	}
}

// TestLoginErrors shows the Japanese reason for a wrong password.
func TestLoginErrors(t *testing.T) {
	to := newTestOffice(t, t.TempDir())
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", "wrong-password")
	if u.shell != nil {
		t.Fatal("logged in with a wrong password")
	}
	if got := u.login.message.Text; got != office.Message(office.ErrWrongPassword) {
		t.Fatalf("message = %q", got)
	}
}

// TestLockReturnsToLogin locks the window: the office session ends and the
// login screen comes back with the id filled in.
func TestLockReturnsToLogin(t *testing.T) {
	to := newTestOffice(t, t.TempDir())
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", testReceptionPW)
	s := u.sess
	u.lockNow()
	if u.login == nil || u.login.id.Text != "uketsuke" || !strings.Contains(u.login.notice.Text, "ロックしました") {
		t.Fatal("login screen not shown with the id after lock")
	}
	if _, err := u.office.ReservationsOn(context.Background(), s, "2026-10-01"); !errors.Is(err, office.ErrNotLoggedIn) {
		t.Fatalf("old session still works after lock: %v", err)
	}
}

// TestDuplicateBusiness registers a business with a known phone number: the
// warning shows while typing, saving lists the match, and 別の事業者として登録
// saves it anyway.
func TestDuplicateBusiness(t *testing.T) {
	to := newTestOffice(t, t.TempDir())
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", testReceptionPW)
	var saved *record.Business
	f := showBusinessForm(u.shell.ctx, nil, func(b *record.Business) { saved = b })
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
	top := u.win.Canvas().Overlays().Top()
	test.Tap(findButton(t, top, "別の事業者として登録"))
	if saved == nil || saved.ID == "" || saved.ID == to.businessID {
		t.Fatal("not registered as a different business")
	}
}
