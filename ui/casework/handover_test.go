package casework

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestHandoverScreen: the coordinator hands テスト商店 over as an encrypted
// file (0600, nothing readable in it) and prints its パスワード通知書; in
// another office the supervisor takes the file in with the passphrase; a
// missing recipient and a wrong passphrase take nothing and say so; a
// consultant has no export part.
func TestHandoverScreen(t *testing.T) {
	src := newFixture(t)
	path := filepath.Join(t.TempDir(), "file.mdgh")
	var pass string
	src.As("coord", func(s *office.Session) {
		h := src.Host(s, fyne.NewSize(1100, 760))
		sc := newHandoverScreen(h)
		h.Window().SetContent(sc.pager)
		var suggested string
		sc.saveTo = func(name string, done func(fyne.URIWriteCloser)) {
			suggested = name
			w, err := storage.Writer(storage.NewFileURI(path))
			uitest.Must(t, err)
			done(w)
		}
		sc.pick.set(src.Business, "")
		test.Tap(sc.export)
		h.Wait()
		if top := h.Window().Canvas().Overlays().Top(); top == nil || !uitest.HasLabel(top, office.MessageIn(office.Japanese, office.ErrNoRecipient)) {
			t.Fatal("an export without a recipient did not say so")
		}
		widgets.CloseTopOverlay(h.Window().Canvas())
		if _, err := os.Stat(path); err == nil {
			t.Fatal("a refused export wrote a file")
		}
		test.Type(sc.recipient, "さくら区 産業振興課")
		pass = sc.pass
		test.Tap(sc.export)
		h.Wait()
		if !strings.Contains(sc.exported.Text, "file.mdgh に保存しました（事業者 1 件、予約 1 件）") {
			t.Fatalf("after the export: %q", sc.exported.Text)
		}
		if want := "引き渡し_テスト商店_" + h.Today().Format("20060102") + ".mdgh"; suggested != want {
			t.Errorf("suggested %q, want %q", suggested, want)
		}
		data, err := os.ReadFile(path)
		uitest.Must(t, err)
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 || bytes.Contains(data, []byte("テスト商店")) {
			t.Fatalf("file mode %v, or the name readable in it", fi.Mode())
		}
		if sc.pass == pass || sc.lastPass != pass {
			t.Error("the next export does not get a passphrase of its own")
		}
		name, _ := uitest.TapForPDF(t, h, sc.notice)
		if name != "パスワード通知書_さくら区 産業振興課_"+h.Today().Format("20060102")+".pdf" {
			t.Errorf("notice file name %q", name)
		}
	})
	src.As("soudan", func(s *office.Session) {
		if sc := newHandoverScreen(src.Host(s, fyne.NewSize(1100, 760))); sc.pick != nil {
			t.Error("a consultant sees 暗号化ファイルで引き渡す")
		}
	})

	dst := uitest.NewOffice(t, "", uitest.Casework)
	dst.As("kantoku", func(s *office.Session) {
		h := dst.Host(s, fyne.NewSize(1100, 760))
		sc := newHandoverScreen(h)
		h.Window().SetContent(sc.pager)
		sc.openFrom = func(done func(fyne.URIReadCloser)) {
			r, err := storage.Reader(storage.NewFileURI(path))
			uitest.Must(t, err)
			done(r)
		}
		test.Tap(uitest.FindButton(t, sc.pager, "ファイルを選ぶ…"))
		if sc.fileName.Text != "file.mdgh" {
			t.Fatalf("chosen file shown as %q", sc.fileName.Text)
		}
		test.Type(sc.passIn, "WRONG-WRONG-WRONG")
		test.Tap(sc.receive)
		h.Wait()
		if top := h.Window().Canvas().Overlays().Top(); top == nil || !uitest.HasLabel(top, office.MessageIn(office.Japanese, office.ErrWrongPassphrase)) {
			t.Fatal("a wrong passphrase did not say so")
		}
		widgets.CloseTopOverlay(h.Window().Canvas())
		if sc.received.Text != "" {
			t.Fatalf("after a wrong passphrase: %q", sc.received.Text)
		}
		sc.passIn.SetText(pass)
		test.Tap(sc.receive)
		h.Wait()
		if !strings.Contains(sc.received.Text, "調整 次郎 さんからの 2 件を取り込みました") {
			t.Fatalf("after receiving: %q", sc.received.Text)
		}
	})
}
