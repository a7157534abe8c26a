package counter

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestPDFNamesSayWhatTheyAre: the 予定表, the day's 相談票 and a
// reservation's 予約内容 are saved under the business and the date, never
// an id.
func TestPDFNamesSayWhatTheyAre(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	f.As("uketsuke", func(s *office.Session) {
		h := f.Host(s, fyne.NewSize(1100, 720))
		ts := newTodayScreen(h)
		h.Window().SetContent(ts.object())
		for button, want := range map[string]string{"予定表を印刷": "予定表_20261001.pdf", "相談票を一括印刷": "相談票（記入用）_20261001.pdf"} {
			if name, _ := uitest.TapForPDF(t, h, uitest.FindButton(t, h.Window().Content(), button)); name != want {
				t.Errorf("%s: file name %q, want %q", button, name, want)
			}
		}
		r, err := f.Office().Reservation(context.Background(), s, f.Reservation)
		uitest.Must(t, err)
		showReservationForm(h, *r, nil)
		dlg := h.Window().Canvas().Overlays().Top()
		if name, _ := uitest.TapForPDF(t, h, uitest.Button(t, dlg, "予約内容を印刷")); name != "予約内容_テスト商店_20261001.pdf" {
			t.Errorf("予約内容: file name %q", name)
		}
	})
}
