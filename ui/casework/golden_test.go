package casework

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestConsultFormGolden captures the consultation form, opened from a
// reservation and partly filled, in Japanese with the bundled font.
func TestConsultFormGolden(t *testing.T) {
	f := newFixture(t)
	f.As("soudan", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1100, 820))
		sc := newConsultScreen(ctx)
		ctx.Wait()
		ctx.Window().SetContent(sc.pager)
		sc.fromReservation(f.Reservation)
		fl := sc.form.f
		uitest.TapOption(t, fl.topics.Group, fl.topics.Choices.Labels, "制度の詳細")
		uitest.TapOption(t, fl.troubles.Group, fl.troubles.Choices.Labels, "売上の減少")
		uitest.TapOption(t, fl.salesDrop.Group, fl.salesDrop.Choices.Labels, "30%以上減少")
		ctx.Window().Canvas().Unfocus()
		test.AssertImageMatches(t, "work_consult_form.png", ctx.Window().Canvas().Capture())
	})
}
