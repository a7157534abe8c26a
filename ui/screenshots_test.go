package ui

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestScreenshots writes the README screenshots (login, 今日の予定, 予約) of a
// demo vault into the folder named by MADOGUCHI_SCREENSHOTS:
//
//	MADOGUCHI_SCREENSHOTS=$PWD/docs/screenshots go test -run Screenshots ./ui
func TestScreenshots(t *testing.T) {
	out := os.Getenv("MADOGUCHI_SCREENSHOTS")
	if out == "" {
		t.Skip("set MADOGUCHI_SCREENSHOTS to a folder to write the screenshots")
	}
	to := uitest.EmptyOffice(t, uitest.FixedDir(t, "demo"))
	logins, err := demo.NewVault(context.Background(), to.Dir, demo.SmallSizes(), to.Opt, nil)
	must(t, err)
	u := newTestApp(t, to)
	u.win.Resize(fyne.NewSize(1280, 800))
	for _, l := range logins {
		u.demo = append(u.demo, DemoLogin{Login: l.Login, Password: l.Password, Name: l.Name, Role: l.Role})
	}
	u.Start()
	writePNG(t, filepath.Join(out, "login.png"), u.win.Canvas().Capture())
	logIn(t, u, logins[0].Login, logins[0].Password)
	u.shell.openKey("today")
	writePNG(t, filepath.Join(out, "today.png"), u.win.Canvas().Capture())
	u.shell.openKey("booking")
	u.wait()
	writePNG(t, filepath.Join(out, "booking.png"), u.win.Canvas().Capture())
	u.shell.openKey("business")
	u.wait()
	writePNG(t, filepath.Join(out, "business.png"), u.win.Canvas().Capture())
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	must(t, writePNGFile(path, img))
}

// writePNGFile saves img as a PNG file at path.
func writePNGFile(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
