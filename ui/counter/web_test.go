package counter

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// webRequests plays the server: it seals three requests from the booking
// page to the office's published key and hands them to the PC as sync
// would. WB-NEW-0001 is a business the office does not know (no フリガナ:
// the page does not ask for it), WB-OLD-0002 is 株式会社さくら商店 again,
// WB-BAD-0003 is to be declined.
func webRequests(t *testing.T, h *uitest.Host) {
	t.Helper()
	ctx, o, s := context.Background(), h.Office(), h.Session()
	p, err := o.BookingPublication(ctx, s, office.DefaultWebHours, "さくら区 経営相談窓口")
	uitest.Must(t, err)
	if len(p.Slots) < 3 {
		t.Fatalf("%d slots published", len(p.Slots))
	}
	const server = "office-on-the-server"
	var rs []bookingproto.Request
	for i, c := range []struct{ ref, business, phone string }{
		{"WB-NEW-0001", "有限会社あおば製作所", "03-5555-0303"},
		{"WB-OLD-0002", "株式会社さくら商店", "03-5555-0101"},
		{"WB-BAD-0003", "合同会社そら企画", "03-5555-0404"},
	} {
		sl := p.Slots[i]
		sent := time.Date(2026, 9, 30, 22+i, 15, 0, 0, time.UTC)
		f := bookingproto.Form{Ref: c.ref, SlotID: sl.ID, Venue: sl.Venue, Kind: sl.Kind, Start: sl.Start, End: sl.End,
			Business: c.business, Contact: "予約 花子", Phone: c.phone, Email: "yoyaku@example.jp", Ward: "さくら区",
			Industry: "E 製造業", Employees: 12, Topic: "設備投資の資金繰りについて", Subsidy: "予定", Loan: "していない",
			FirstVisit: i == 0, Privacy: true, Lang: "ja", Sent: sent}
		plain, _ := json.Marshal(f)
		sealed, err := vault.SealBooking(p.PublicKey, bookingproto.Info(server, c.ref), plain)
		uitest.Must(t, err)
		rs = append(rs, bookingproto.Request{Cursor: uint64(i + 1), Ref: c.ref, SlotID: sl.ID, KeyID: p.KeyID,
			Sealed: sealed, Status: bookingproto.StatusReceived, Received: sent})
	}
	uitest.Must(t, o.ApplyBookingRequests(ctx, s, server, bookingproto.RequestsPage{Requests: rs, Next: 3}))
}

func selectWeb(t *testing.T, w *webScreen, ref string) {
	t.Helper()
	for i, it := range w.items {
		if it.Ref == ref {
			w.list.Select(i)
			return
		}
	}
	t.Fatalf("%s not listed", ref)
}

// TestWebBookingConfirmAndDecline handles the three requests the way the
// counter does: a new business registered from the request, a known one
// picked from the duplicate warning, and a decline that needs its reason.
func TestWebBookingConfirmAndDecline(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		webRequests(t, h)
		w := newWebScreen(h)
		h.Window().SetContent(w.object())
		h.Wait()
		if len(w.items) != 3 {
			t.Fatalf("%d requests listed", len(w.items))
		}

		// A new business: the business form opens filled in; フリガナ is
		// still to be typed.
		selectWeb(t, w, "WB-NEW-0001")
		test.Tap(uitest.FindButton(t, w.detail, "確定して予約にする"))
		bf := w.bizForm
		if bf == nil || bf.entries["事業所名"].Text != "有限会社あおば製作所" || bf.entries["電話番号"].Text != "03-5555-0303" {
			t.Fatalf("business form not filled from the request")
		}
		test.Tap(bf.dlg.OK)
		if bf.b.ID != "" {
			t.Fatal("registered without フリガナ")
		}
		test.Type(bf.entries["フリガナ"], "アオバセイサクショ")
		test.Tap(bf.dlg.OK)
		if bf.b.ID == "" {
			t.Fatalf("not registered: %q", bf.form.General.Text)
		}
		h.Wait()

		// The business known already: picked in the duplicate dialog.
		selectWeb(t, w, "WB-OLD-0002")
		test.Tap(uitest.FindButton(t, w.detail, "確定して予約にする"))
		if w.pick == nil || w.pick.Selected != w.pick.Options[0] {
			t.Fatal("the known business is not offered first")
		}
		test.Tap(w.dlg.OK)
		h.Wait()

		// A decline needs its reason.
		selectWeb(t, w, "WB-BAD-0003")
		test.Tap(uitest.FindButton(t, w.detail, "お断りする"))
		test.Tap(w.dlg.OK)
		if w.refuse.General.Hidden {
			t.Fatal("declined without a reason")
		}
		test.Type(w.reason, "ご希望の日は相談員の都合がつかないため")
		test.Tap(w.dlg.OK)
		h.Wait()

		if len(w.items) != 0 || w.empty.Hidden {
			t.Fatalf("%d requests still open", len(w.items))
		}
		ctx := context.Background()
		rs, err := h.Office().ReservationsOfBusiness(ctx, h.Session(), to.Business)
		uitest.Must(t, err)
		if len(rs) != 1 || rs[0].Channel != "Web" {
			t.Fatalf("the known business has %d reservations", len(rs))
		}
		rs, err = h.Office().ReservationsOfBusiness(ctx, h.Session(), bf.b.ID)
		uitest.Must(t, err)
		if len(rs) != 1 || rs[0].Checks.VisitCount != 1 {
			t.Fatalf("the new business has %d reservations", len(rs))
		}
		pending, err := h.Office().PendingWebStatus(ctx, h.Session())
		uitest.Must(t, err)
		got := map[string]string{}
		for _, u := range pending {
			got[u.Ref] = u.Status
		}
		if got["WB-NEW-0001"] != "確定" || got["WB-OLD-0002"] != "確定" || got["WB-BAD-0003"] != "お断り" {
			t.Fatalf("statuses for the server: %v", got)
		}
		w.all.SetChecked(true)
		h.Wait()
		if len(w.items) != 3 {
			t.Fatalf("with handled ones (checked %v): %d", w.all.Checked, len(w.items))
		}
	})
}

// TestWebBookingGolden captures the list with a request opened, in
// Japanese and English.
func TestWebBookingGolden(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) {
			uitest.SetLanguage(t, l)
			counterHost(t, func(to *uitest.Office, h *uitest.Host) {
				webRequests(t, h)
				h.Window().Resize(fyne.NewSize(1366, 768))
				w := newWebScreen(h)
				h.Window().SetContent(w.object())
				h.Wait()
				selectWeb(t, w, "WB-OLD-0002")
				h.Window().Canvas().Unfocus()
				test.AssertImageMatches(t, "web_booking_"+l+".png", h.Window().Canvas().Capture())
			})
		})
	}
}
