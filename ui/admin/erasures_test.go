package admin

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// erasedOffice erases two old consultations in two orders, the first
// with the server's receipt (signed by a test server key), the second
// still waiting for it.
func erasedOffice(t *testing.T) *uitest.Office {
	f := newFixture(t)
	ctx := context.Background()
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	pin := purge.SPKIPin(key.Public().(ed25519.PublicKey))
	for i, date := range []string{"2018-04-02", "2019-04-01"} {
		var id string
		f.As("soudan", func(s *office.Session) {
			c := &record.Consultation{BusinessID: f.Business, ConsultantID: f.Consultant, Date: date, Start: "10:00", End: "10:30",
				Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "古い相談"}}
			uitest.Must(t, f.Office().SaveConsultation(ctx, s, c))
			id = c.ID
		})
		f.Now = uitest.Now.Add(time.Duration(i) * 24 * time.Hour)
		f.As("kantoku", func(s *office.Session) {
			plan, err := f.Office().PlanErase(ctx, s, []string{id}, office.ReasonRetention)
			uitest.Must(t, err)
			res, err := f.Office().Erase(ctx, s, plan)
			uitest.Must(t, err)
			if i == 0 {
				at := time.Date(2026, 10, 1, 1, 30, 0, 0, time.UTC)
				r := purge.SignReceipt(key, res.Order.Office, res.Order.Hash(), at, 2)
				uitest.Must(t, f.Office().SetPurgeReceipt(ctx, s, res.Order.Hash(), r.Marshal(), pin))
			}
		})
	}
	f.Now = uitest.Now.Add(48 * time.Hour)
	return f
}

// TestErasureLog: 「消去の記録」 lists both erasures with the server's
// receipt or 未受領, saves a selected erasure's report again, and after a
// question marks the orders to be sent to the server again.
func TestErasureLog(t *testing.T) {
	f := erasedOffice(t)
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 500))
		l := newErasureLog(ctx)
		ctx.Window().SetContent(l.object())
		ctx.Wait()
		if len(l.list) != 2 || !l.reportB.Disabled() || l.resendB.Disabled() {
			t.Fatalf("listed %d, report disabled %v, resend disabled %v", len(l.list), l.reportB.Disabled(), l.resendB.Disabled())
		}
		if want := tr("%d件の消去のうち%d件は、まだサーバーの受領がありません（次の同期で送ります）。", 2, 1); l.status.Text != want {
			t.Fatalf("status %q", l.status.Text)
		}
		l.choose(1)
		test.Tap(l.reportB)
		ctx.Wait()
		if len(ctx.PDFs) != 1 || !strings.HasPrefix(ctx.PDFs[0].Name, "消去報告書_") || !strings.HasPrefix(string(ctx.PDFs[0].Data), "%PDF") {
			t.Fatalf("report: %d PDFs", len(ctx.PDFs))
		}
		test.Tap(l.resendB)
		ctx.Wait()
		top := ctx.Window().Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no question before sending again")
		}
		test.Tap(uitest.Button(t, top, tr("再送する")))
		ctx.Wait()
		if want := tr("%d件の消去指示を、次の同期でサーバーへもう一度送ります。", 2); l.status.Text != want {
			t.Fatalf("after resend: %q", l.status.Text)
		}
	})
}

// TestErasureLogGolden captures 「消去の記録」 in Japanese and in English.
func TestErasureLogGolden(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			f := erasedOffice(t)
			if lang == "en" {
				uitest.SetLanguage(t, "en")
			}
			f.As("kantoku", func(s *office.Session) {
				ctx := f.Host(s, fyne.NewSize(1000, 300))
				l := newErasureLog(ctx)
				ctx.Window().SetContent(l.object())
				ctx.Wait()
				test.AssertImageMatches(t, "erasures_"+lang+".png", ctx.Window().Canvas().Capture())
			})
		})
	}
}
