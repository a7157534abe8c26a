package admin

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestStatisticsPDFName: the statistics are saved under their month or
// 年度, as a clerk reads them.
func TestStatisticsPDFName(t *testing.T) {
	f := newFixture(t)
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		st := newStatsScreen(ctx)
		ctx.Window().SetContent(st.object())
		ctx.Wait()
		for kind, want := range map[string]string{tr(statsMonth): "統計_202610.pdf", tr(statsFY): "統計_2026年度.pdf"} {
			st.kind.SetSelected(kind)
			ctx.Wait()
			if name, _ := uitest.TapForPDF(t, ctx, uitest.FindButton(t, ctx.Window().Content(), "印刷")); name != want {
				t.Errorf("%s: file name %q, want %q", kind, name, want)
			}
		}
	})
}
