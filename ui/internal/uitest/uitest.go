// Package uitest is the one test harness of the window's packages: a test
// vault with dummy data on a fixed clock, a test window standing for the
// shell (the Host every screen package declares), and helpers that find and
// tap widgets. Only tests import it.
package uitest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/assets"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Password is the password of every test account.
const Password = "ui-test-password"

// Now is the fixed clock of the tests: Thursday 1 October 2026, 10:00 JST.
var Now = time.Date(2026, 10, 1, 10, 0, 0, 0, record.JST())

// Main runs a package's tests in Japanese, as the window starts: call it
// from TestMain.
func Main(m *testing.M) {
	os.Setenv("LANG", "ja_JP.UTF-8")
	os.Setenv("LANGUAGE", "ja")
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		panic(err)
	}
	// The support log (widgets.ErrText) goes to a folder of the tests,
	// never the user's configuration folder.
	config, err := os.MkdirTemp("", "madoguchi-ui-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", config)
	os.Setenv("AppData", config)
	code := m.Run()
	os.RemoveAll(config)
	os.Exit(code)
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// NewApp starts Fyne's test app with the window's theme.
func NewApp(t testing.TB) fyne.App {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(widgets.NewTheme(widgets.FontMedium))
	return a
}

// Seed is the dummy data a test vault starts with.
type Seed int

const (
	// Counter: the admin kanri, the receptionist uketsuke (受付 太郎), the
	// venue 本庁舎 相談室A, the consultant 山田 一郎 and two businesses
	// (株式会社さくら商店, みどり食堂); no reservation.
	Counter Seed = iota
	// Casework: one account per role (admin, uketsuke, soudan, coord,
	// kantoku), a venue, a consultant linked to soudan, an adviser, four
	// support programs, the business テスト商店 and its reservation today
	// at 10:00 whose visitor has come.
	Casework
)

// Office is a test vault. Its ids name what the seed added.
type Office struct {
	t   *testing.T
	Dir string
	Opt office.Options
	// Now is the clock of the vault and of the hosts; tests move it.
	Now time.Time
	o   *office.Office // open while tests use it directly (As)

	Venue, Consultant, Adviser string
	Business, Other            string
	Reservation                string
	Programs                   []string

	runners []*widgets.Runner // of the hosts made by Host
}

// NewOffice makes a vault in dir (a temporary folder when empty) with the
// seed's data. The vault is closed until As, so a window (the shell's
// tests) can open it.
func NewOffice(t *testing.T, dir string, seed Seed) *Office {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "office")
	}
	f := &Office{t: t, Dir: dir, Now: Now}
	f.Opt = office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return f.Now }}
	admin, name := "admin", "管理 太郎"
	if seed == Counter {
		admin, name = "kanri", "管理 花子"
	}
	Must(t, office.Init(dir, admin, name, []byte(Password), f.Opt))
	f.As(admin, func(s *office.Session) {
		if seed == Counter {
			f.seedCounter(s)
		} else {
			f.seedCasework(s)
		}
	})
	f.Close()
	return f
}

// Office returns the open vault (opening it); tests use it between As.
func (f *Office) Office() *office.Office {
	if f.o == nil {
		o, err := office.Open(f.Dir, f.Opt)
		Must(f.t, err)
		f.o = o
		f.t.Cleanup(f.Close)
	}
	return f.o
}

// Close closes the vault, so that a window can open it.
func (f *Office) Close() {
	if f.o != nil {
		f.o.Close()
		f.o = nil
	}
}

// As runs fn logged in as login, waits for every call the hosts started,
// then logs out.
func (f *Office) As(login string, fn func(s *office.Session)) {
	f.t.Helper()
	o := f.Office()
	s, err := o.Login(context.Background(), login, []byte(Password))
	if err != nil {
		f.t.Fatalf("Login %s: %v", login, err)
	}
	defer func() {
		for _, r := range f.runners {
			r.Wait() // no screen's call outlives the session
		}
		if err := o.Logout(); err != nil {
			f.t.Fatalf("Logout: %v", err)
		}
	}()
	fn(s)
}

func (f *Office) addUser(s *office.Session, login, name string, r office.Role) {
	Must(f.t, f.o.AddUser(context.Background(), s, office.NewUser{Login: login, Name: name, Roles: []office.Role{r}, Password: []byte(Password)}))
}

func (f *Office) seedCounter(s *office.Session) {
	t, o, ctx := f.t, f.o, context.Background()
	f.addUser(s, "uketsuke", "受付 太郎", office.RoleReception)
	v := &record.Venue{Name: "本庁舎 相談室A", Capacity: 1, Active: true}
	Must(t, o.SaveVenue(ctx, s, v))
	st := &record.Staff{Name: "山田 一郎", Kana: "ヤマダ イチロウ", Role: "相談員", Active: true}
	Must(t, o.SaveStaff(ctx, s, st))
	b1 := &record.Business{Name: "株式会社さくら商店", Kana: "サクラショウテン", Phone: "03-5555-0101", Form: "法人", Category: "中小企業", Prefecture: "東京都"}
	Must(t, o.SaveBusiness(ctx, s, b1, office.SaveBusinessOptions{}))
	b2 := &record.Business{Name: "みどり食堂", Kana: "ミドリショクドウ", Phone: "03-5555-0202", Form: "個人事業主", Category: "個人事業者", Prefecture: "東京都"}
	Must(t, o.SaveBusiness(ctx, s, b2, office.SaveBusinessOptions{}))
	f.Venue, f.Consultant, f.Business, f.Other = v.ID, st.ID, b1.ID, b2.ID
}

func (f *Office) seedCasework(s *office.Session) {
	t, o, ctx := f.t, f.o, context.Background()
	f.addUser(s, "uketsuke", "受付 花子", office.RoleReception)
	f.addUser(s, "soudan", "相談 一郎", office.RoleConsultant)
	f.addUser(s, "coord", "調整 次郎", office.RoleCoordinator)
	f.addUser(s, "kantoku", "監督 三郎", office.RoleSupervisor)
	v := &record.Venue{Name: "相談室A", Address: "区役所3階", Capacity: 1, Active: true}
	c := &record.Staff{Name: "相談 一郎", Kana: "ソウダン イチロウ", Role: "相談員", Qualification: "行政書士", Login: "soudan", Active: true}
	a := &record.Staff{Name: "専門 五郎", Kana: "センモン ゴロウ", Role: "専門家", Qualification: "中小企業診断士", Active: true}
	Must(t, o.SaveVenue(ctx, s, v))
	Must(t, o.SaveStaff(ctx, s, c))
	Must(t, o.SaveStaff(ctx, s, a))
	f.Venue, f.Consultant, f.Adviser = v.ID, c.ID, a.ID
	for _, p := range []record.Program{{Level: "市区", Name: "区の支援補助金"}, {Level: "都道府県", Name: "府の家賃支援"},
		{Level: "国", Name: "持続化補助金"}, {Level: "国", Name: "IT導入補助金"}} {
		p.Active = true
		Must(t, o.SaveProgram(ctx, s, &p))
		f.Programs = append(f.Programs, p.ID)
	}
	b := &record.Business{Name: "テスト商店", Kana: "テストショウテン", Phone: "03-1234-5678", Form: "法人",
		Category: "小規模事業者", Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "港区"}
	Must(t, o.SaveBusiness(ctx, s, b, office.SaveBusinessOptions{}))
	r := &record.Reservation{Date: "2026-10-01", Start: "10:00", End: "11:00", VenueID: f.Venue, ConsultantID: f.Consultant,
		BusinessID: b.ID, Channel: "電話", Checks: record.ReservationChecks{Subsidy: "している", Loan: "していない", VisitCount: 1}}
	Must(t, o.SaveReservation(ctx, s, r))
	_, err := o.SetReservationStatus(ctx, s, r.ID, record.ResVisited)
	Must(t, err)
	f.Business, f.Reservation = b.ID, r.ID
}

// PDF is a document a screen printed through Host.SavePDF.
type PDF struct {
	Name string
	Data []byte
}

// Host stands for the shell in the screen packages' tests: it implements
// their Host interfaces on a test window, with a test runner (results are
// delivered in Wait) and SavePDF keeping the PDFs instead of asking where
// to save them.
type Host struct {
	office  *office.Office
	session *office.Session
	win     fyne.Window
	now     func() time.Time
	runner  *widgets.Runner
	// PDFs are the documents SavePDF rendered, in order.
	PDFs []PDF
	// Notices are what Notify said, in order.
	Notices []string
}

// Host returns a host for session s on a new test window of size.
func (f *Office) Host(s *office.Session, size fyne.Size) *Host {
	w := test.NewWindow(nil)
	w.Resize(size)
	f.t.Cleanup(w.Close)
	r := widgets.NewTestRunner()
	f.runners = append(f.runners, r)
	return &Host{office: f.Office(), session: s, win: w, now: func() time.Time { return f.Now }, runner: r}
}

// Office implements Host.
func (h *Host) Office() *office.Office { return h.office }

// Session implements Host.
func (h *Host) Session() *office.Session { return h.session }

// Context implements Host.
func (h *Host) Context() context.Context { return h.runner.Context() }

// Runner implements Host.
func (h *Host) Runner() *widgets.Runner { return h.runner }

// Window implements Host.
func (h *Host) Window() fyne.Window { return h.win }

// Today implements Host.
func (h *Host) Today() time.Time { return h.now().In(record.JST()) }

// ShowError implements Host.
func (h *Host) ShowError(err error) { widgets.ShowError(h.win, err) }

// SavePDF implements Host: it renders through the runner with the progress
// dialog, as the window does, and keeps the PDF.
func (h *Host) SavePDF(name string, render func(context.Context) ([]byte, error)) {
	widgets.RenderPDF(h.win, h.runner, name, render, h.ShowError, func(pdf []byte) { h.PDFs = append(h.PDFs, PDF{Name: name, Data: pdf}) })
}

// Notify implements Host: it keeps the text.
func (h *Host) Notify(text string) { h.Notices = append(h.Notices, text) }

// LastNotice is what Notify said last, or "".
func (h *Host) LastNotice() string {
	if len(h.Notices) == 0 {
		return ""
	}
	return h.Notices[len(h.Notices)-1]
}

// Wait delivers the results of the calls the screens started.
func (h *Host) Wait() { h.runner.Wait() }

// FixedDir returns a vault folder whose path does not change between runs,
// for golden images that show it.
func FixedDir(t *testing.T, name string) string {
	dir := filepath.Join(os.TempDir(), "madoguchi-ui-test", name)
	Must(t, os.RemoveAll(dir))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// EmptyOffice is a vault folder with the test options and nothing in it
// yet (the caller makes the vault, as demo.NewVault does).
func EmptyOffice(t *testing.T, dir string) *Office {
	f := &Office{t: t, Dir: dir, Now: Now}
	f.Opt = office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return f.Now }}
	return f
}

// SetLanguage switches the translations to language ("ja" or "en") as the
// window's settings do, and back to Japanese when the test ends.
func SetLanguage(t testing.TB, language string) {
	set := func(l string) {
		os.Setenv("LANGUAGE", l)
		if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { set("ja") })
	set(language)
}
