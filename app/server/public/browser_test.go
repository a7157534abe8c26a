package public

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// browser finds Debian's Chromium; without it the browser test skips,
// unless MADOGUCHI_TEST_BROWSER_REQUIRED=1 (the test script sets it).
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MADOGUCHI_TEST_BROWSER_REQUIRED") == "1" {
		t.Fatal("no Chromium (apt-get install chromium)")
	}
	t.Skip("no Chromium: apt-get install chromium")
	return ""
}

// TestBrowserBooking books through a real, headless Chromium on loopback:
// the slots page, a slot, the form with a mistake (the Japanese message,
// and what was typed still there), the fix, the reference code; the office
// confirms (as its PC does through the server) and the status page shows
// 確定. It saves the phone-sized and desktop-sized screenshots of the
// README to SCREENSHOTS when that is set.
func TestBrowserBooking(t *testing.T) {
	bin := browser(t)
	f := newFixture(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.Flag("headless", true), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("lang", "ja-JP"), chromedp.WindowSize(390, 844))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	shots := os.Getenv("SCREENSHOTS")
	shot := func(name string, w, h int64) {
		t.Helper()
		if shots == "" {
			return
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("a.slot")))
	shot("booking-desktop.png", 1280, 900)
	shot("booking-phone.png", 390, 844)
	do(chromedp.EmulateViewport(390, 844),
		chromedp.Click(chromedp.CSS(`a.slot[href*="slot-one"]`)),
		chromedp.WaitVisible(chromedp.ID("business")),
		chromedp.SendKeys(chromedp.ID("business"), "株式会社ブラウザ商店"),
		chromedp.SendKeys(chromedp.ID("contact"), "試験 花子"),
		chromedp.SendKeys(chromedp.ID("phone"), "03-ABCD"), // the mistake
		chromedp.SendKeys(chromedp.ID("email"), "hanako@example.jp"),
		chromedp.SendKeys(chromedp.ID("topic"), "販路開拓の相談"),
		chromedp.Click(chromedp.CSS(`input[name=subsidy][value="していない"]`)),
		chromedp.Click(chromedp.CSS(`input[name=loan][value="予定"]`)),
		chromedp.Click(chromedp.CSS(`input[name=privacy]`)),
		chromedp.Submit(chromedp.ID("business")),
		chromedp.WaitVisible(chromedp.ID("phone-e")),
	)
	msg, phone, business := text(chromedp.Text(chromedp.ID("phone-e"))), text(chromedp.Value(chromedp.ID("phone"))), text(chromedp.Value(chromedp.ID("business")))
	if !strings.Contains(msg, "電話番号の形式が正しくありません") || phone != "03-ABCD" || business != "株式会社ブラウザ商店" {
		t.Fatalf("after the mistake: message %q, phone %q, business %q", msg, phone, business)
	}
	shot("booking-error-phone.png", 390, 844)
	do(chromedp.EmulateViewport(390, 844),
		chromedp.Clear(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), "03-5555-0123"),
		chromedp.Submit(chromedp.ID("phone")),
		chromedp.WaitVisible(chromedp.ID("ref")),
	)
	ref := text(chromedp.Text(chromedp.ID("ref")))
	if !strings.HasPrefix(ref, "WB-") {
		t.Fatalf("reference %q", ref)
	}
	// The office confirms it (its PC tells the server at its next sync).
	if _, err := f.store.SetBookingStatus(context.Background(), testOffice, ref, central.BookingConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	do(chromedp.Navigate(f.srv.URL+"/status?ref="+ref), chromedp.WaitVisible(chromedp.ID("status")))
	status := text(chromedp.Text(chromedp.ID("status")))
	if !strings.Contains(status, "確定") {
		t.Errorf("status page: %q", status)
	}
}
