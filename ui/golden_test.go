package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestGoldenLogin captures the login screen in demo mode.
func TestGoldenLogin(t *testing.T) {
	to := uitest.NewOffice(t, uitest.FixedDir(t, "login"), uitest.Counter)
	u := newTestApp(t, to)
	u.demo = []DemoLogin{
		{Login: "uketsuke", Password: "madoguchi-demo", Name: "受付 デモ", Role: office.RoleReception},
		{Login: "soudan", Password: "madoguchi-demo", Name: "相談員 デモ", Role: office.RoleConsultant},
	}
	u.Start()
	test.AssertImageMatches(t, "login.png", u.win.Canvas().Capture())
}

// TestGoldenToday captures the shell with 今日の予定: a checked-in visitor
// and a booking.
func TestGoldenToday(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	ctx := u.shell.ctx
	rs := []record.Reservation{
		{Date: "2026-10-01", Start: "10:00", End: "11:00", VenueID: to.Venue, ConsultantID: to.Consultant, BusinessID: to.Business, Channel: "電話"},
		{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, ConsultantID: to.Consultant, BusinessID: to.Other, Channel: "窓口"},
	}
	for i := range rs {
		must(t, ctx.Office().SaveReservation(context.Background(), ctx.Session(), &rs[i]))
	}
	_, err := ctx.Office().SetReservationStatus(context.Background(), ctx.Session(), rs[0].ID, record.ResVisited)
	must(t, err)
	u.shell.openKey("booking")
	u.wait()
	u.shell.openKey("today")
	test.AssertImageMatches(t, "today.png", u.win.Canvas().Capture())
}
