package counter

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// searchEvents counts the access log's search events of login.
func searchEvents(t *testing.T, f *uitest.Office, login string) int {
	t.Helper()
	n := 0
	f.As("kanri", func(s *office.Session) {
		evs, err := f.Office().AuditEvents(context.Background(), s, audit.Filter{User: login, Action: audit.ActSearch})
		uitest.Must(t, err)
		n = len(evs)
	})
	return n
}

// TestSearchAsYouTypeLogsOneEvent types a name into the 事業者 screen's
// search and the walk-in's picker: each shows the hits of the whole
// query, and each typed query is one search event in the access log, not
// one per keystroke.
func TestSearchAsYouTypeLogsOneEvent(t *testing.T) {
	uitest.NewApp(t)
	var f *uitest.Office
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		f = to
		s := newBusinessScreen(h)
		h.Wait()
		test.Type(s.search, "さくら")
		h.Wait()
		if len(s.items) != 1 || !strings.Contains(s.items[0].Line, "株式会社さくら商店") {
			t.Fatalf("事業者 search さくら: %v", s.items)
		}
		w := showWalkIn(h, nil)
		test.Type(w.picker.entry, "みどり")
		h.Wait()
		if len(w.picker.hits) != 1 {
			t.Fatalf("picker search みどり: %d hits", len(w.picker.hits))
		}
	})
	if n := searchEvents(t, f, "uketsuke"); n != 2 {
		t.Fatalf("two typed queries logged %d search events, want 2", n)
	}
}

// TestEnterPicksFirstHitBeforeThePause: Enter right after typing searches
// at once and picks the first hit.
func TestEnterPicksFirstHitBeforeThePause(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		w := showWalkIn(h, nil)
		test.Type(w.picker.entry, "みどり")
		w.picker.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		h.Wait()
		if w.picker.id() != to.Other {
			t.Fatalf("Enter picked %q, want みどり食堂", w.picker.id())
		}
	})
}

// TestSearchSaysWhenNothingIsFound: a query without hits says so, a short
// phone number says how many digits it needs, and hits show the address.
func TestSearchSaysWhenNothingIsFound(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		s := newBusinessScreen(h)
		w := showWalkIn(h, nil)
		h.Wait()
		for _, tc := range []struct{ query, want string }{
			{"ぬぬぬ", "該当する事業者はありません。"},
			{"03", "電話番号は 4 桁以上で検索してください。"},
			{"0101", ""},
		} {
			s.search.SetText(tc.query)
			w.picker.entry.SetText(tc.query)
			h.Wait()
			if tc.want == "" {
				if !s.empty.Hidden || len(s.items) != 1 || !strings.HasSuffix(s.items[0].Line, "東京都") {
					t.Errorf("%s: %v, empty %q", tc.query, s.items, s.empty.Text)
				}
				if len(w.picker.hits) != 1 || !uitest.HasLabel(w.picker.list, "株式会社さくら商店　サクラショウテン　03-5555-0101　東京都") {
					t.Errorf("picker %s: hits %v not shown with the address", tc.query, w.picker.hits)
				}
				continue
			}
			if s.empty.Hidden || s.empty.Text != tc.want {
				t.Errorf("事業者 %s: says %q (hidden %v), want %q", tc.query, s.empty.Text, s.empty.Hidden, tc.want)
			}
			if !strings.HasPrefix(w.picker.chosen.Text, tc.want) {
				t.Errorf("picker %s: says %q, want %q", tc.query, w.picker.chosen.Text, tc.want)
			}
		}
	})
}

// TestDuplicateDialogDefaultsToExisting: the duplicate dialog highlights
// 「この事業者を使う」 and gives it the focus, so Enter uses the existing
// business instead of registering a second one.
func TestDuplicateDialogDefaultsToExisting(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		var saved *record.Business
		f := showBusinessForm(h, nil, func(b *record.Business) { saved = b })
		test.Type(f.entries["事業所名"], "さくら商店 駅前店")
		test.Type(f.entries["フリガナ"], "サクラショウテン エキマエテン")
		test.Type(f.entries["電話番号"], "03-5555-0101")
		test.Tap(f.dlg.OK)
		focused, ok := h.Window().Canvas().Focused().(*enterButton)
		if !ok || !strings.HasPrefix(focused.Text, "この事業者を使う") || focused.Importance != widget.HighImportance {
			t.Fatalf("focused %#v, want the highlighted この事業者を使う", h.Window().Canvas().Focused())
		}
		top := h.Window().Canvas().Overlays().Top()
		if b := uitest.FindButton(t, top, "別の事業者として登録"); b.Importance == widget.HighImportance {
			t.Fatal("別の事業者として登録 is highlighted")
		}
		focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if saved == nil || saved.ID != to.Business {
			t.Fatalf("Enter saved %v, want the existing business", saved)
		}
	})
}

// TestSaveErrorShownAtTheTop: a refused save of a long form scrolled to
// its end shows what is wrong at the top, scrolls there and focuses the
// field to correct.
func TestSaveErrorShownAtTheTop(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		f := showBusinessForm(h, nil, nil)
		test.Type(f.entries["事業所名"], "雪割陽だまり商店")
		test.Type(f.entries["フリガナ"], "ユキワリヒダマリショウテン")
		test.Type(f.entries["電話番号"], "03-5555-0909")
		test.Type(f.entries["従業員数"], "たくさん")
		scroll := f.form.Scroll()
		scroll.ScrollToBottom()
		if scroll.Offset.Y == 0 {
			t.Fatal("the form does not scroll: the test proves nothing")
		}
		test.Tap(f.dlg.OK)
		if !f.form.General.Visible() || !strings.Contains(f.form.General.Text, "従業員数") {
			t.Fatalf("top line %q (visible %v)", f.form.General.Text, f.form.General.Visible())
		}
		if scroll.Offset.Y != 0 {
			t.Errorf("form left scrolled at %v", scroll.Offset.Y)
		}
		if got := h.Window().Canvas().Focused(); got != f.entries["従業員数"] {
			t.Errorf("focus on %T, want the 従業員数 entry; %q", got, f.form.General.Text)
		}

		w := showWalkIn(h, nil)
		test.Tap(w.dlg.OK)
		if !strings.Contains(w.form.General.Text, "事業者") {
			t.Errorf("walk-in top line %q", w.form.General.Text)
		}
		if got := h.Window().Canvas().Focused(); got != w.picker.entry {
			t.Errorf("walk-in focus on %T, want the business search", got)
		}
	})
}

// TestSuccessSaysWhatHappened: registering a business, a walk-in and a
// reservation each say so in the window's notice line.
func TestSuccessSaysWhatHappened(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		f := showBusinessForm(h, nil, nil)
		test.Type(f.entries["事業所名"], "雪割陽だまり商店")
		test.Type(f.entries["フリガナ"], "ユキワリヒダマリショウテン")
		test.Type(f.entries["電話番号"], "03-5555-0909")
		test.Tap(f.dlg.OK)
		if got := h.LastNotice(); got != "事業者を保存しました：雪割陽だまり商店" {
			t.Errorf("after saving a business: %q", got)
		}

		w := showWalkIn(h, nil)
		w.picker.set(to.Other, "みどり食堂")
		test.Tap(w.dlg.OK)
		if got := h.LastNotice(); !strings.HasPrefix(got, "飛び込みを受け付けました：みどり食堂") {
			t.Errorf("after a walk-in: %q (%q)", got, w.form.General.Text)
		}

		r := showReservationForm(h, record.Reservation{Date: "2026-10-02", Start: "13:00", End: "14:00", VenueID: to.Venue}, nil)
		r.picker.set(to.Business, "株式会社さくら商店")
		test.Tap(r.dlg.OK)
		if got := h.LastNotice(); !strings.HasPrefix(got, "予約を保存しました：株式会社さくら商店　2026年10月2日") {
			t.Errorf("after a reservation: %q (%q)", got, r.form.General.Text)
		}
	})
}

// TestFormsNameWhatTheyShow: a reservation opened for a change names its
// business in the title and its 受付者 by name, not by login.
func TestFormsNameWhatTheyShow(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		r := record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, BusinessID: to.Business, Channel: "電話"}
		uitest.Must(t, h.Office().SaveReservation(context.Background(), h.Session(), &r))
		f := showReservationForm(h, r, nil)
		if !uitest.HasLabel(h.Window().Canvas().Overlays().Top(), "予約の変更：株式会社さくら商店") {
			t.Error("the reservation's title does not name its business")
		}
		if got := f.receivedText(); !strings.HasSuffix(got, "受付者 受付 太郎") {
			t.Errorf("received %q, want the staff member's name", got)
		}
		f.r.ReceivedBy = "kanri" // received by someone else
		if got := f.receivedText(); !strings.HasSuffix(got, "受付者 管理 花子") {
			t.Errorf("received %q, want the other staff member's name", got)
		}
		b, err := h.Office().BusinessContact(context.Background(), h.Session(), to.Other)
		uitest.Must(t, err)
		showBusinessForm(h, b, nil)
		if !uitest.HasLabel(h.Window().Canvas().Overlays().Top(), "事業者の変更：みどり食堂") {
			t.Error("the business form's title does not name the business")
		}
	})
}

// TestReservationErrorAtTheTop: a reservation saved without a business
// names the field at the top and focuses its search.
func TestReservationErrorAtTheTop(t *testing.T) {
	counterHost(t, func(to *uitest.Office, h *uitest.Host) {
		f := showReservationForm(h, record.Reservation{Date: "2026-10-02", Start: "13:00", End: "14:00", VenueID: to.Venue}, nil)
		f.form.Scroll().ScrollToBottom()
		test.Tap(f.dlg.OK)
		if !strings.Contains(f.form.General.Text, "事業者") || f.form.Scroll().Offset.Y != 0 {
			t.Errorf("top line %q, scrolled %v", f.form.General.Text, f.form.Scroll().Offset.Y)
		}
		if got := h.Window().Canvas().Focused(); got != f.picker.entry {
			t.Errorf("focus on %T, want the business search", got)
		}
	})
}

// TestDoubleBookingNamesWhoAndWhat: a double booking of the consultant
// says who is booked when and for which business, in both languages.
func TestDoubleBookingNamesWhoAndWhat(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"ja", "山田 一郎さんは 10/1 13:00〜14:00 に 株式会社さくら商店 の予約があります"},
		{"en", "山田 一郎 already has a booking for 株式会社さくら商店 at 10/1 13:00–14:00"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			counterHost(t, func(to *uitest.Office, h *uitest.Host) {
				uitest.SetLanguage(t, tc.lang)
				first := record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: to.Venue, ConsultantID: to.Consultant,
					BusinessID: to.Business, Channel: "電話"}
				uitest.Must(t, h.Office().SaveReservation(context.Background(), h.Session(), &first))
				f := showReservationForm(h, record.Reservation{Date: "2026-10-01", Start: "13:30", End: "14:30", VenueID: to.Venue, ConsultantID: to.Consultant}, nil)
				f.picker.set(to.Other, "みどり食堂")
				test.Tap(f.dlg.OK)
				if got := f.form.General.Text; !strings.Contains(got, tc.want) {
					t.Errorf("says %q, want %q", got, tc.want)
				}
			})
		})
	}
}
