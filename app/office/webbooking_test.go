package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// webServer plays the central server of web booking: it seals forms to the
// published key, as the real one does, and can misbehave.
type webServer struct {
	t      *testing.T
	office string
	pub    *bookingproto.Publication
	cursor uint64
}

// request seals a form for slot sl under ref, as the server would.
func (w *webServer) request(ref string, sl bookingproto.Slot, mutate func(*bookingproto.Form)) bookingproto.Request {
	w.t.Helper()
	f := bookingproto.Form{Ref: ref, SlotID: sl.ID, Venue: sl.Venue, Kind: sl.Kind, Start: sl.Start, End: sl.End,
		Business: "株式会社テスト商店", Kana: "テストショウテン", Contact: "試験 花子", Phone: "03-5555-0101",
		Email: "hanako@example.jp", Ward: "さくら区", Industry: "I 卸売業，小売業", Employees: 5,
		Topic: "運転資金の相談", Subsidy: "していない", Loan: "予定", FirstVisit: true, Privacy: true, Lang: "ja",
		Sent: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)}
	if mutate != nil {
		mutate(&f)
	}
	plain, _ := json.Marshal(f)
	sealed, err := vault.SealBooking(w.pub.PublicKey, bookingproto.Info(w.office, ref), plain)
	if err != nil {
		w.t.Fatalf("SealBooking: %v", err)
	}
	w.cursor++
	return bookingproto.Request{Cursor: w.cursor, Ref: ref, SlotID: sl.ID, KeyID: w.pub.KeyID, Sealed: sealed,
		Status: bookingproto.StatusReceived, Received: f.Sent}
}

func (w *webServer) page(rs ...bookingproto.Request) bookingproto.RequestsPage {
	return bookingproto.RequestsPage{Requests: rs, Next: w.cursor}
}

func newWebServer(t *testing.T, f *fixture, s *Session) *webServer {
	t.Helper()
	p, err := f.o.BookingPublication(context.Background(), s, DefaultWebHours, "さくら区 経営相談窓口")
	if err != nil {
		t.Fatalf("BookingPublication: %v", err)
	}
	return &webServer{t: t, office: "office-on-the-server", pub: p}
}

func slotAt(t *testing.T, p *bookingproto.Publication, venueID, start string) bookingproto.Slot {
	t.Helper()
	for _, sl := range p.Slots {
		if sl.VenueID == venueID && sl.Start.In(jst).Format("2006-01-02 15:04") == start {
			return sl
		}
	}
	t.Fatalf("no slot at %s %s", venueID, start)
	return bookingproto.Slot{}
}

func TestBookingPublication(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "株式会社秘密商事", "ヒミツショウジ", "03-5555-0199")
		// 2026-10-02 is a Friday: 相談室A is taken at 10:00, one of the
		// two places of 大会議室 at 14:00.
		if _, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-02", "10:00", "11:00"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reservation(s, b.ID, f.venue2, f.staff2, "2026-10-02", "14:00", "15:00"); err != nil {
			t.Fatal(err)
		}
		p, err := f.o.BookingPublication(ctx, s, DefaultWebHours, "さくら区 経営相談窓口")
		if err != nil {
			t.Fatal(err)
		}
		has := func(venue, start string) (int, bool) {
			for _, sl := range p.Slots {
				if sl.VenueID == venue && sl.Start.In(jst).Format("2006-01-02 15:04") == start {
					return sl.Capacity, true
				}
			}
			return 0, false
		}
		for _, c := range []struct {
			venue, start string
			want         int // 0: not published
		}{
			{f.venue, "2026-10-01 13:00", 0}, // today: from tomorrow only
			{f.venue, "2026-10-02 09:00", 1},
			{f.venue, "2026-10-02 10:00", 0}, // taken
			{f.venue, "2026-10-02 12:00", 0}, // lunch
			{f.venue, "2026-10-02 16:00", 1},
			{f.venue2, "2026-10-02 14:00", 1}, // one of two places left
			{f.venue2, "2026-10-02 15:00", 2},
			{f.venue, "2026-10-03 09:00", 0}, // Saturday
			{f.venue, "2026-10-12 09:00", 0}, // スポーツの日
			{f.venue, "2026-10-13 09:00", 1},
			{f.venue, "2026-10-29 09:00", 1},
			{f.venue, "2026-10-30 09:00", 0}, // past four weeks
		} {
			got, ok := has(c.venue, c.start)
			if c.want == 0 && ok || c.want != 0 && got != c.want {
				t.Errorf("%s %s: capacity %d (published %v), want %d", c.venue, c.start, got, ok, c.want)
			}
		}
		raw, _ := json.Marshal(p)
		for _, word := range []string{"秘密商事", "ヒミツ", "03-5555-0199", "0355550199", "相談 一郎"} {
			if strings.Contains(string(raw), word) {
				t.Errorf("the publication names %q", word)
			}
		}
		if p.KeyID == "" || p.KeyID != vault.BookingKeyID(p.PublicKey) {
			t.Errorf("key id %q does not name the key", p.KeyID)
		}
		changed, err := f.o.PublicationChanged(ctx, s, p)
		if err != nil || !changed {
			t.Fatalf("first publication: changed %v, %v", changed, err)
		}
		if err := f.o.PublicationSent(ctx, s, p); err != nil {
			t.Fatal(err)
		}
		again, _ := f.o.BookingPublication(ctx, s, DefaultWebHours, "さくら区 経営相談窓口")
		if changed, _ := f.o.PublicationChanged(ctx, s, again); changed {
			t.Error("the same slots count as a change")
		}
		if _, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-05", "09:00", "10:00"); err != nil {
			t.Fatal(err)
		}
		third, _ := f.o.BookingPublication(ctx, s, DefaultWebHours, "さくら区 経営相談窓口")
		if changed, _ := f.o.PublicationChanged(ctx, s, third); !changed {
			t.Error("a slot taken at the counter is no change")
		}
	})
}

func TestWebRequestConfirmAndDecline(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("uketsuke", func(s *Session) {
		srv := newWebServer(t, f, s)
		slot := slotAt(t, srv.pub, f.venue, "2026-10-02 09:00")
		existing := f.business(s, "有限会社みどり工房", "ミドリコウボウ", "03-5555-0202")
		a := srv.request("WB-AAAA-1111", slot, func(fm *bookingproto.Form) { fm.Kana = "" })
		b := srv.request("WB-BBBB-2222", slotAt(t, srv.pub, f.venue2, "2026-10-02 09:00"), func(fm *bookingproto.Form) {
			fm.Business, fm.Phone = "有限会社みどり工房", "03-5555-0202"
		})
		c := srv.request("WB-CCCC-3333", slotAt(t, srv.pub, f.venue, "2026-10-02 11:00"), nil)
		if err := f.o.ApplyBookingRequests(ctx, s, srv.office, srv.page(a, b, c)); err != nil {
			t.Fatal(err)
		}
		list, err := f.o.WebRequests(ctx, s, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("%d requests listed, want 3", len(list))
		}
		for _, w := range list {
			if w.Form == nil {
				t.Fatalf("%s not opened: %s", w.Ref, w.Problem)
			}
			if w.Ref == "WB-BBBB-2222" && (len(w.Matches) != 1 || w.Matches[0].ID != existing.ID) {
				t.Errorf("the request of an existing business matches %v", w.Matches)
			}
		}

		// A: a new business; フリガナ, which the page did not ask, is
		// required before it is registered.
		nb, err := f.o.WebBusiness(ctx, s, "WB-AAAA-1111")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.ConfirmWebRequest(ctx, s, "WB-AAAA-1111", WebConfirm{Business: &nb}); err == nil ||
			!strings.Contains(Message(err), "フリガナ") {
			t.Fatalf("confirm without フリガナ: %v", err)
		}
		nb.Kana, nb.Form, nb.Category, nb.Prefecture = "テストショウテン", "法人", "小規模事業者", "東京都"
		r, err := f.o.ConfirmWebRequest(ctx, s, "WB-AAAA-1111", WebConfirm{Business: &nb})
		if err != nil {
			t.Fatalf("confirm: %v", err)
		}
		if r.Channel != "Web" || r.Date != "2026-10-02" || r.Start != "09:00" || r.End != "10:00" || r.VenueID != f.venue ||
			r.BusinessID != nb.ID || r.Checks.Loan != "予定" || r.Checks.VisitCount != 1 {
			t.Errorf("reservation %+v", r)
		}
		if _, err := f.o.ConfirmWebRequest(ctx, s, "WB-AAAA-1111", WebConfirm{Business: &nb}); !errors.As(err, new(*WebStatusError)) {
			t.Errorf("a second confirmation: %v", err)
		}

		// B: linked to the existing business; registering it again is
		// the duplicate warning.
		dup, _ := f.o.WebBusiness(ctx, s, "WB-BBBB-2222")
		dup.Kana, dup.Form, dup.Category, dup.Prefecture = "ミドリコウボウ", "法人", "小規模事業者", "東京都"
		if _, err := f.o.ConfirmWebRequest(ctx, s, "WB-BBBB-2222", WebConfirm{Business: &dup}); !errors.As(err, new(*DuplicateError)) {
			t.Errorf("registering a known business again: %v", err)
		}
		if _, err := f.o.ConfirmWebRequest(ctx, s, "WB-BBBB-2222", WebConfirm{BusinessID: existing.ID}); err != nil {
			t.Fatal(err)
		}

		// C: declined, with a reason.
		if err := f.o.DeclineWebRequest(ctx, s, "WB-CCCC-3333", "  "); err == nil || !strings.Contains(Message(err), "理由") {
			t.Errorf("decline without a reason: %v", err)
		}
		if err := f.o.DeclineWebRequest(ctx, s, "WB-CCCC-3333", "当日は相談員の都合がつかないため"); err != nil {
			t.Fatal(err)
		}

		pending, err := f.o.PendingWebStatus(ctx, s)
		if err != nil || len(pending) != 3 {
			t.Fatalf("pending %v, %v", pending, err)
		}
		open, _ := f.o.WebRequests(ctx, s, false)
		if len(open) != 0 {
			t.Errorf("%d requests still 受付中", len(open))
		}
		for _, u := range pending {
			if err := f.o.WebStatusSent(ctx, s, u); err != nil {
				t.Fatal(err)
			}
		}
		if pending, _ := f.o.PendingWebStatus(ctx, s); len(pending) != 0 {
			t.Errorf("still pending after sent: %v", pending)
		}
		all, _ := f.o.WebRequests(ctx, s, true)
		got := map[string]string{}
		for _, w := range all {
			got[w.Ref] = w.Status + w.Reason
			if w.Pending {
				t.Errorf("%s still pending", w.Ref)
			}
		}
		want := map[string]string{"WB-AAAA-1111": "確定", "WB-BBBB-2222": "確定", "WB-CCCC-3333": "お断り当日は相談員の都合がつかないため"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("statuses %v, want %v", got, want)
		}

		// The business cancels later: the server's page says so.
		cancelled := srv.request("WB-AAAA-1111", slot, nil)
		cancelled.Status = bookingproto.StatusCancelled
		if err := f.o.ApplyBookingRequests(ctx, s, srv.office, srv.page(cancelled)); err != nil {
			t.Fatal(err)
		}
		all, _ = f.o.WebRequests(ctx, s, true)
		for _, w := range all {
			if w.Ref == "WB-AAAA-1111" && w.Status != bookingproto.StatusCancelled {
				t.Errorf("cancelled request shows %s", w.Status)
			}
		}
	})
	// Everything is in the access log.
	f.as("kantoku", func(s *Session) {
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var log []string
		for _, e := range evs {
			if e.Action == ActWebBooking {
				log = append(log, e.Detail)
			}
		}
		joined := strings.Join(log, "\n")
		for _, want := range []string{"pulled 3 requests", "確定 confirmed as", "お断り declined"} {
			if !strings.Contains(joined, want) {
				t.Errorf("access log lacks %q:\n%s", want, joined)
			}
		}
	})
}

// TestMaliciousBookingServer plays a server that moves a business's form
// under another reference code or slot, seals to a key of its own, or
// sends what this PC must not store.
func TestMaliciousBookingServer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("uketsuke", func(s *Session) {
		srv := newWebServer(t, f, s)
		slot := slotAt(t, srv.pub, f.venue, "2026-10-02 09:00")
		other := slotAt(t, srv.pub, f.venue, "2026-10-02 10:00")

		swapped := srv.request("WB-SWAP-0001", slot, nil)
		swapped.Ref = "WB-SWAP-0002" // the form of 0001 under the code of 0002
		renamed := srv.request("WB-REF-0003", slot, func(fm *bookingproto.Form) { fm.Ref = "WB-REF-9999" })
		moved := srv.request("WB-SLOT-0004", slot, nil)
		moved.SlotID = other.ID
		attacker, err := vault.NewOfficeKeys()
		if err != nil {
			t.Fatal(err)
		}
		foreignKeys, _ := attacker.BookingKeys()
		foreign := srv.request("WB-KEY-0005", slot, nil)
		plain, _ := json.Marshal(bookingproto.Form{Ref: "WB-KEY-0005", SlotID: slot.ID, Business: "偽の事業者"})
		foreign.Sealed, _ = vault.SealBooking(foreignKeys[0].Public(), bookingproto.Info(srv.office, "WB-KEY-0005"), plain)
		foreign.KeyID = ""
		if err := f.o.ApplyBookingRequests(ctx, s, srv.office, srv.page(swapped, renamed, moved, foreign)); err != nil {
			t.Fatal(err)
		}
		list, err := f.o.WebRequests(ctx, s, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 4 {
			t.Fatalf("%d listed", len(list))
		}
		for _, w := range list {
			if w.Form != nil || w.Problem == "" {
				t.Errorf("%s opened: %+v", w.Ref, w.Form)
			}
			if _, err := f.o.ConfirmWebRequest(ctx, s, w.Ref, WebConfirm{BusinessID: "x"}); !errors.Is(err, ErrForged) {
				t.Errorf("%s confirmed: %v", w.Ref, err)
			}
		}

		// Pages this PC refuses whole.
		good := srv.request("WB-GOOD-0006", slot, nil)
		for name, bad := range map[string]func(r *bookingproto.Request){
			"status":   func(r *bookingproto.Request) { r.Status = "承認" },
			"ref":      func(r *bookingproto.Request) { r.Ref = "../../cursor" },
			"empty":    func(r *bookingproto.Request) { r.Sealed = nil },
			"oversize": func(r *bookingproto.Request) { r.Sealed = make([]byte, maxWebSealed+1) },
			"reason":   func(r *bookingproto.Request) { r.Reason = strings.Repeat("あ", maxWebReason+1) },
		} {
			r := srv.request("WB-BAD-0007", slot, nil)
			bad(&r)
			if err := f.o.ApplyBookingRequests(ctx, s, srv.office, srv.page(good, r)); !errors.Is(err, ErrWebRequest) {
				t.Errorf("%s: %v", name, err)
			}
		}
		all, _ := f.o.WebRequests(ctx, s, true)
		if len(all) != 4 {
			t.Errorf("a refused page stored something: %d requests", len(all))
		}
		cur, _ := f.o.WebCursor(ctx, s)
		if err := f.o.ApplyBookingRequests(ctx, s, srv.office, bookingproto.RequestsPage{Next: cur - 1}); !errors.Is(err, ErrWebRequest) {
			t.Errorf("a cursor going back: %v", err)
		}
	})
	f.as("kantoku", func(s *Session) {
		evs, _ := f.o.AuditEvents(ctx, s, audit.Filter{})
		n := 0
		for _, e := range evs {
			if e.Action == audit.ActWarning && strings.HasPrefix(e.Object, "web/") {
				n++
			}
		}
		if n < 4 {
			t.Errorf("%d warnings for 4 forged requests", n)
		}
	})
}

// TestWebRequestsNeedTheFrontDesk: a role without the front desk (the
// administrator alone) cannot read the requests or handle them.
func TestWebRequestsNeedTheFrontDesk(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("admin", func(s *Session) {
		if err := f.o.AddUser(ctx, s, NewUser{Login: "sysadmin", Name: "システム 管理", Roles: []Role{RoleAdmin}, Password: []byte(testPassword)}); err != nil {
			t.Fatal(err)
		}
	})
	for _, login := range []string{"sysadmin"} {
		f.as(login, func(s *Session) {
			if s.May(PermFrontDesk) {
				t.Fatalf("%s has the front desk", login)
			}
			if _, err := f.o.WebRequests(ctx, s, true); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s lists web requests: %v", login, err)
			}
			if err := f.o.DeclineWebRequest(ctx, s, "WB-AAAA-1111", "x"); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s declines: %v", login, err)
			}
		})
	}
}
