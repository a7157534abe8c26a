package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// TestConsultFormGolden captures the consultation form, opened from a
// reservation and partly filled, in Japanese with the bundled font.
func TestConsultFormGolden(t *testing.T) {
	f := newWorkFixture(t)
	f.as("soudan", func(s *office.Session) {
		ctx := f.ctx(s, fyne.NewSize(1100, 820))
		sc := newConsultScreen(ctx)
		ctx.wait()
		ctx.Window.SetContent(sc.pager)
		sc.fromReservation(f.reservation)
		fl := sc.form.f
		tapOption(t, fl.topics.Group, fl.topics.Choices.Labels, "制度の詳細")
		tapOption(t, fl.troubles.Group, fl.troubles.Choices.Labels, "売上の減少")
		tapOption(t, fl.salesDrop.Group, fl.salesDrop.Choices.Labels, "30%以上減少")
		ctx.Window.Canvas().Unfocus()
		test.AssertImageMatches(t, "work_consult_form.png", ctx.Window.Canvas().Capture())
	})
}
