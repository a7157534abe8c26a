package counter

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestDayViewGolden captures the calendar's day view at 中 on the office
// laptop's 1366×768, in Japanese and English: today (Thursday 10:00) with
// two rooms side by side, the morning's first hour gone, one booking.
func TestDayViewGolden(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) { dayViewCapture(t, l) })
	}
}

// dayViewCapture is one language's capture; calendarOffice runs it.
func dayViewCapture(t *testing.T, l string) {
	uitest.SetLanguage(t, l)
	calendarOffice(t, func(to *uitest.Office, h *uitest.Host, _, _ string) {
		book(t, h, record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, ConsultantID: to.Consultant, BusinessID: to.Business})
		h.Window().Resize(fyne.NewSize(1366, 768))
		w := showCalendar(h)
		uitest.TapOption(t, w.view, w.view.Options, w.view.Options[1])
		h.Wait()
		h.Window().Canvas().Unfocus()
		test.AssertImageMatches(t, "calendar_day_"+l+".png", h.Window().Canvas().Capture())
	})
}
