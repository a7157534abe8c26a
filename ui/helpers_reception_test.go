package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

func TestMain(m *testing.M) {
	os.Setenv("LANG", "ja_JP.UTF-8")
	if err := LoadTranslations(LangJapanese); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// testNow is the fixed clock of the UI tests: Thursday 1 October 2026, 10:00 JST.
var testNow = time.Date(2026, 10, 1, 10, 0, 0, 0, record.JST())

const (
	testAdminPW     = "admin-password-1"
	testReceptionPW = "reception-pw-1"
)

// testOffice is a vault with a receptionist, one venue, one consultant and
// two businesses.
type testOffice struct {
	dir        string
	opt        office.Options
	venueID    string
	staffID    string
	businessID string
	otherID    string
}

func newTestOffice(t *testing.T, dir string) *testOffice {
	t.Helper()
	to := &testOffice{dir: dir, opt: newTestOfficeOptions()}
	if err := office.Init(dir, "kanri", "管理 花子", []byte(testAdminPW), to.opt); err != nil {
		t.Fatal(err)
	}
	o, err := office.Open(dir, to.opt)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	s, err := o.Login(context.Background(), "kanri", []byte(testAdminPW))
	if err != nil {
		t.Fatal(err)
	}
	must(t, o.AddUser(context.Background(), s, office.NewUser{Login: "uketsuke", Name: "受付 太郎", Roles: []office.Role{office.RoleReception}, Password: []byte(testReceptionPW)}))
	v := &record.Venue{Name: "本庁舎 相談室A", Capacity: 1, Active: true}
	must(t, o.SaveVenue(context.Background(), s, v))
	st := &record.Staff{Name: "山田 一郎", Kana: "ヤマダ イチロウ", Role: "相談員", Active: true}
	must(t, o.SaveStaff(context.Background(), s, st))
	b1 := &record.Business{Name: "株式会社さくら商店", Kana: "サクラショウテン", Phone: "03-5555-0101", Form: "法人", Category: "中小企業", Prefecture: "東京都"}
	must(t, o.SaveBusiness(context.Background(), s, b1, office.SaveBusinessOptions{}))
	b2 := &record.Business{Name: "みどり食堂", Kana: "ミドリショクドウ", Phone: "03-5555-0202", Form: "個人事業主", Category: "個人事業者", Prefecture: "東京都"}
	must(t, o.SaveBusiness(context.Background(), s, b2, office.SaveBusinessOptions{}))
	to.venueID, to.staffID, to.businessID, to.otherID = v.ID, st.ID, b1.ID, b2.ID
	return to
}

// newTestOfficeOptions are cheap password hashing and the fixed clock.
func newTestOfficeOptions() office.Options {
	return office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return testNow }}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newTestApp opens the desktop UI on the vault in the test driver, with the
// bundled-font theme and a fixed window size.
func newTestApp(t *testing.T, to *testOffice) *App {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(a, Options{VaultDir: to.dir, Office: to.opt})
	useTestRunners(u)
	u.win.Resize(fyne.NewSize(1100, 720))
	t.Cleanup(func() {
		u.wait()
		u.Shutdown()
		u.win.Close()
	})
	return u
}

// useTestRunners makes u's runners deliver results in u.wait, on the
// test's goroutine (see widgets.NewTestRunner).
func useTestRunners(u *App) {
	u.newRunner = widgets.NewTestRunner
	u.run = widgets.NewTestRunner()
}

// logIn logs in through the login screen's widgets.
func logIn(t *testing.T, u *App, id, pw string) {
	t.Helper()
	f := u.login
	if f == nil {
		t.Fatal("login screen not shown")
	}
	test.Type(f.id, id)
	test.Type(f.password, pw)
	test.Tap(f.button)
	u.wait()
}

// findButton returns the first visible button with text in o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() && !b.Disabled() {
			return b
		}
	}
	t.Fatalf("no enabled button %q", text)
	return nil
}

// fixedDir returns a vault folder whose path does not change between runs,
// for golden images that show it.
func fixedDir(t *testing.T, name string) string {
	dir := filepath.Join(os.TempDir(), "madoguchi-ui-test", name)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
