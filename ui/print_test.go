package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// fakeOpener stands for the system's PDF viewer: it records the paths it
// was asked to open and answers err.
type fakeOpener struct {
	paths []string
	err   error
}

func (o *fakeOpener) open(path string) error {
	o.paths = append(o.paths, path)
	return o.err
}

// printBlankSheet logs the consultant in and prints the blank 相談票 of
// the visited reservation, up to the save dialog, which it returns.
func printBlankSheet(t *testing.T, u *App) fyne.CanvasObject {
	t.Helper()
	u.Start()
	logIn(t, u, "soudan", uitest.Password)
	u.shell.openKey("consultations")
	u.wait()
	test.Tap(uitest.Button(t, u.shell.current, "空欄の相談票"))
	u.wait()
	d := u.win.Canvas().Overlays().Top()
	if d == nil {
		t.Fatal("no save dialog")
	}
	return d
}

// TestPrintSavesAndOpens: 印刷 asks where to save in the person's
// documents folder, in Japanese, with a file name that names the
// business and the date; after 保存 the file is there (owner only) and the
// viewer is asked to open it; the message says where the file is. When
// the viewer cannot be started, the message says so and where the file is.
func TestPrintSavesAndOpens(t *testing.T) {
	const name = "相談票（記入用）_テスト商店_20261001.pdf"
	for _, tc := range []struct {
		name     string
		openErr  error
		wantText string
	}{
		{name: "opened", wantText: "開いたPDFから印刷できます"},
		{name: "no viewer", openErr: errors.New("exit status 3"), wantText: "PDFを表示するアプリを開けませんでした"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := uitest.NewOffice(t, "", uitest.Casework)
			u := newTestApp(t, to)
			docs := filepath.Join(t.TempDir(), "書類")
			must(t, os.Mkdir(docs, 0o700))
			opener := &fakeOpener{err: tc.openErr}
			u.opt.Open, u.opt.Documents = opener.open, func() string { return docs }
			d := printBlankSheet(t, u)
			var entry *widget.Entry
			uitest.Walk(d, func(o fyne.CanvasObject) {
				if e, ok := o.(*widget.Entry); ok && e.Visible() && entry == nil {
					entry = e
				}
			})
			if entry == nil || entry.Text != name {
				t.Fatalf("suggested file name %v", entry)
			}
			if !hasButton(d, "書類") {
				t.Error("the save dialog does not start in the documents folder")
			}
			for _, text := range []string{"保存", "キャンセル"} {
				if !hasButton(d, text) {
					t.Errorf("the save dialog has no button %q", text)
				}
			}
			for _, text := range []string{"PDFの保存先を選んでください", "(親フォルダ)"} {
				if !shows(d, text) {
					t.Errorf("the save dialog does not show %q", text)
				}
			}
			test.Tap(uitest.FindButton(t, d, "保存"))
			u.wait()
			path := filepath.Join(docs, name)
			if len(opener.paths) != 1 || opener.paths[0] != path {
				t.Fatalf("opened %q, want %q", opener.paths, path)
			}
			b, err := os.ReadFile(path)
			if err != nil || !strings.HasPrefix(string(b), "%PDF") {
				t.Fatalf("saved file: %v", err)
			}
			msg := u.win.Canvas().Overlays().Top()
			if msg == nil || !hasText(msg, tc.wantText) || !hasText(msg, docs) {
				t.Fatal("the message does not say what happened and where the file is")
			}
		})
	}
}

// shows reports whether o draws text (a label's, a button's or a
// widget's own text) anywhere inside, as laid out.
func shows(o fyne.CanvasObject, text string) bool {
	for _, x := range test.LaidOutObjects(o) {
		if c, ok := x.(*canvas.Text); ok && c.Text == text {
			return true
		}
	}
	return false
}
