package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// tapForPDF taps b, waits for the render savePDF starts, and returns the
// suggested file name and the bytes that would go to the save dialog.
func tapForPDF(t *testing.T, ctx *Context, b *widget.Button) (string, []byte) {
	t.Helper()
	var name string
	var pdf []byte
	ctx.pdfOut = func(n string, p []byte) { name, pdf = n, p }
	defer func() { ctx.pdfOut = nil }()
	test.Tap(b)
	ctx.wait()
	if pdf == nil {
		msg := ""
		if top := ctx.Window.Canvas().Overlays().Top(); top != nil {
			walkObjects(top, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					msg += l.Text + " "
				}
			})
		}
		t.Fatalf("%q rendered no PDF: %s", b.Text, msg)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("%q: not a PDF: %q", b.Text, pdf[:min(len(pdf), 16)])
	}
	return name, pdf
}

// TestTodayPrintsDaySheets: every role that sees 今日の予定 gets
// 相談票を一括印刷, which renders the day's session sheets into one PDF; on
// a day without reservations the button is disabled.
func TestTodayPrintsDaySheets(t *testing.T) {
	f := newWorkFixture(t)
	for _, login := range []string{"uketsuke", "soudan", "coord", "kantoku"} {
		f.as(login, func(s *office.Session) {
			if !receptionScreens()[0].Allowed(s) {
				t.Fatalf("%s does not see 今日の予定", login)
			}
			ctx := f.ctx(s, fyne.NewSize(1100, 720))
			ts := newTodayScreen(ctx)
			ctx.Window.SetContent(ts.object())
			name, _ := tapForPDF(t, ctx, findButton(t, ctx.Window.Content(), "相談票を一括印刷"))
			if name != "相談票_2026-10-01.pdf" {
				t.Errorf("%s: file name %q", login, name)
			}
			ts.date.SetDate(time.Date(2026, 10, 2, 0, 0, 0, 0, record.JST()))
			if !ts.sheets.Disabled() {
				t.Errorf("%s: 相談票を一括印刷 enabled on a day without reservations", login)
			}
		})
	}
}

// TestConsultListPrintsListedSheets: a coordinator prints the two listed
// records' 相談票 in one PDF; a consultant has no such button; more than
// maxSheetBatch listed asks first.
func TestConsultListPrintsListedSheets(t *testing.T) {
	f := newWorkFixture(t)
	f.as("soudan", func(s *office.Session) {
		r := &record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: f.venue, ConsultantID: f.consultant,
			BusinessID: f.business, Channel: "窓口", Checks: record.ReservationChecks{VisitCount: 2}}
		workMust(t, f.o.SaveReservation(context.Background(), s, r))
		_, err := f.o.SetReservationStatus(context.Background(), s, r.ID, record.ResVisited)
		workMust(t, err)
		for _, id := range []string{f.reservation, r.ID} {
			c, err := f.o.DraftFromReservation(context.Background(), s, id)
			workMust(t, err)
			c.Case.Summary, c.Status = "概要", record.StConfirmed
			workMust(t, f.o.SaveConsultation(context.Background(), s, c))
		}
		if sc := newConsultScreen(f.ctx(s, fyne.NewSize(1100, 760))); sc.printAll != nil {
			t.Error("a consultant sees 表示中の相談票をまとめて印刷")
		}
	})
	f.as("coord", func(s *office.Session) {
		ctx := f.ctx(s, fyne.NewSize(1100, 760))
		sc := newConsultScreen(ctx)
		ctx.wait()
		ctx.Window.SetContent(sc.pager)
		if len(sc.rows) != 2 {
			t.Fatalf("listed %d records, want 2", len(sc.rows))
		}
		name, _ := tapForPDF(t, ctx, findButton(t, ctx.Window.Content(), "表示中の相談票をまとめて印刷"))
		if name != "相談票_2026-09-01_2026-10-01.pdf" {
			t.Errorf("file name %q", name)
		}
		rows := sc.rows
		for len(sc.rows) <= maxSheetBatch {
			sc.rows = append(sc.rows, rows...)
		}
		test.Tap(sc.printAll)
		top := ctx.Window.Canvas().Overlays().Top()
		if top == nil || !hasLabel(top, tr("一度に印刷できるのは %d 件までです。表示中の %d 件のうち、新しい順に %d 件を印刷します。残りは期間などを絞り込んで印刷してください。",
			maxSheetBatch, len(sc.rows), maxSheetBatch)) {
			t.Fatal("no question before printing more than maxSheetBatch")
		}
		CloseTopOverlay(ctx.Window.Canvas())
		ctx.wait()
	})
}
