package ui

import (
	"bytes"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"madoguchi/app/office"
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
			ts.date.SetDate(time.Date(2026, 10, 2, 0, 0, 0, 0, office.JST()))
			if !ts.sheets.Disabled() {
				t.Errorf("%s: 相談票を一括印刷 enabled on a day without reservations", login)
			}
		})
	}
}
