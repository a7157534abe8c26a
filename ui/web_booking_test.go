package ui

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/chromedp/chromedp"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/server/public"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncagent/synctest"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestWebBookingEndToEnd is web booking as the office and a business live
// it, on a real server on 127.0.0.1: the coordinator's window syncs and so
// publishes the free slots; a business books one in a real (headless)
// Chromium, makes a mistake, fixes it and reads its reference code; the
// window's next sync brings the request to 「ウェブ予約」, where the
// coordinator confirms it (the business form filled from the request);
// the sync after that tells the server, and the business's status page in
// the browser shows 確定.
func TestWebBookingEndToEnd(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("MADOGUCHI_TEST_BROWSER_REQUIRED") == "1" {
			t.Fatal("no Chromium (apt-get install chromium)")
		}
		t.Skip("no Chromium")
	}
	coord := synctest.Person{Login: "coord", Name: "調整 三郎", Password: "staff-password-dummy-1", Role: office.RoleCoordinator}
	c := synctest.Start(t, "テスト区 経営相談窓口")
	dir := filepath.Join(t.TempDir(), "A")
	synctest.Founder(t, c, dir, "受付PC", office.Options{KDF: vault.TestKDF()}, serverAdmin, coord)

	w := newSyncedWindow(t, dir)
	w.Start()
	logIn(t, w.App, coord.Login, coord.Password)
	w.waitFor("first sync", synced)
	ctx := context.Background()
	must(t, w.office.SaveVenue(ctx, w.sess, &record.Venue{Name: "本庁舎 相談室A", Capacity: 1, Active: true}))
	w.syncNow("the venue sent and the slots published", synced)

	site := &public.Site{Store: c.Store.(central.Bookings), Office: c.ID.Office}
	web := httptest.NewServer(site.Handler())
	defer web.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	do(chromedp.Navigate(web.URL+"/"), chromedp.WaitVisible(chromedp.CSS("a.slot")),
		chromedp.Click(chromedp.CSS("a.slot")), chromedp.WaitVisible(chromedp.ID("business")),
		chromedp.SendKeys(chromedp.ID("business"), "有限会社ブラウザ工房"),
		chromedp.SendKeys(chromedp.ID("kana"), "ブラウザコウボウ"),
		chromedp.SendKeys(chromedp.ID("contact"), "予約 花子"),
		chromedp.SendKeys(chromedp.ID("phone"), "03-5557-01"), // one digit group short
		chromedp.SendKeys(chromedp.ID("email"), "koubou@example.jp"),
		chromedp.SendKeys(chromedp.ID("topic"), "新商品の販路について"),
		chromedp.Click(chromedp.CSS(`input[name=subsidy][value="予定"]`)),
		chromedp.Click(chromedp.CSS(`input[name=loan][value="していない"]`)),
		chromedp.Click(chromedp.CSS(`input[name=first][value=yes]`)),
		chromedp.Click(chromedp.CSS(`input[name=privacy]`)),
		chromedp.Submit(chromedp.ID("business")),
		chromedp.WaitVisible(chromedp.ID("phone-e")))
	if msg := text(chromedp.Text(chromedp.ID("phone-e"))); !strings.Contains(msg, "電話番号") {
		t.Fatalf("the phone's message: %q", msg)
	}
	do(chromedp.Clear(chromedp.ID("phone")), chromedp.SendKeys(chromedp.ID("phone"), "03-5557-0101"),
		chromedp.Submit(chromedp.ID("phone")), chromedp.WaitVisible(chromedp.ID("ref")))
	ref := text(chromedp.Text(chromedp.ID("ref")))

	// The window's next sync brings it; the coordinator confirms it.
	w.syncNow("the request received", func(st syncagent.Status) bool { return synced(st) && st.WebRequests == 1 })
	w.reopen("web")
	list := w.screenList()
	if list.Length() != 1 {
		t.Fatalf("ウェブ予約 lists %d", list.Length())
	}
	list.Select(0)
	w.wait()
	test.Tap(uitest.Button(t, w.shell.current, "確定して予約にする"))
	w.wait()
	w.overlayButton("保存") // the business form, filled from the request
	if b := w.business("有限会社ブラウザ工房"); b == nil || b.Phone != "03-5557-0101" || b.Kana != "ブラウザコウボウ" {
		t.Fatalf("the business registered from the request: %+v", b)
	}
	w.syncNow("the confirmation sent", synced)

	do(chromedp.Navigate(web.URL+"/status?ref="+ref), chromedp.WaitVisible(chromedp.ID("status")))
	if st := text(chromedp.Text(chromedp.ID("status"))); !strings.Contains(st, "確定") {
		t.Fatalf("the business's status page: %q", st)
	}
}
