package casework

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestBusinessPickSaysWhatItFound: the record's business search offers
// the hits with their address, says when nothing matches and how many
// digits a phone number needs.
func TestBusinessPickSaysWhatItFound(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	f.As("soudan", func(s *office.Session) {
		h := f.Host(s, fyne.NewSize(1100, 800))
		p := newBusinessPick(h, nil)
		test.Type(p.query, "テスト")
		h.Wait()
		if len(p.results.Options) != 1 || !strings.HasSuffix(p.results.Options[0], "東京都港区") {
			t.Errorf("hits %q, want テスト商店 with its address", p.results.Options)
		}
		for query, want := range map[string]string{"ぬぬぬ": "該当する事業者はありません。", "12": "電話番号は 4 桁以上で検索してください。"} {
			p.query.SetText(query)
			h.Wait()
			if len(p.results.Options) != 0 || p.results.PlaceHolder != want {
				t.Errorf("%s: options %q, says %q, want %q", query, p.results.Options, p.results.PlaceHolder, want)
			}
		}
	})
}
