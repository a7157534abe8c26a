package ui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

const workTestPassword = "work-test-password"

// workFixture is a test vault with one account per role, masters, a
// business and a reservation whose visitor has come (来所).
type workFixture struct {
	t           *testing.T
	dir         string
	opt         office.Options
	o           *office.Office
	now         time.Time
	venue       string
	consultant  string
	adviser     string
	programs    []string
	business    string
	reservation string
	runners     []*widgets.Runner // of the contexts made by ctx
}

// workTestNow is the fixed clock: 2026-10-01 10:00 JST (a Thursday).
func workTestNow() time.Time { return time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC) }

func newWorkFixture(t *testing.T) *workFixture {
	t.Helper()
	test.NewTempApp(t)
	fyne.CurrentApp().Settings().SetTheme(NewTheme(FontMedium))
	if err := LoadTranslations(LangJapanese); err != nil {
		t.Fatal(err)
	}
	f := &workFixture{t: t, now: workTestNow()}
	dir := filepath.Join(t.TempDir(), "office")
	opt := office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return f.now }}
	f.dir, f.opt = dir, opt
	if err := office.Init(dir, "admin", "管理 太郎", []byte(workTestPassword), opt); err != nil {
		t.Fatalf("Init: %v", err)
	}
	o, err := office.Open(dir, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	f.o = o
	t.Cleanup(func() { o.Close() })
	f.as("admin", f.seed)
	return f
}

// seed adds the accounts, masters, a business and a visited reservation.
func (f *workFixture) seed(s *office.Session) {
	t := f.t
	for _, u := range []struct {
		login, name string
		role        office.Role
	}{{"uketsuke", "受付 花子", office.RoleReception}, {"soudan", "相談 一郎", office.RoleConsultant},
		{"coord", "調整 次郎", office.RoleCoordinator}, {"kantoku", "監督 三郎", office.RoleSupervisor}} {
		workMust(t, f.o.AddUser(context.Background(), s, office.NewUser{Login: u.login, Name: u.name, Roles: []office.Role{u.role}, Password: []byte(workTestPassword)}))
	}
	v := &record.Venue{Name: "相談室A", Address: "区役所3階", Capacity: 1, Active: true}
	c := &record.Staff{Name: "相談 一郎", Kana: "ソウダン イチロウ", Role: "相談員", Qualification: "行政書士", Login: "soudan", Active: true}
	a := &record.Staff{Name: "専門 五郎", Kana: "センモン ゴロウ", Role: "専門家", Qualification: "中小企業診断士", Active: true}
	workMust(t, f.o.SaveVenue(context.Background(), s, v))
	workMust(t, f.o.SaveStaff(context.Background(), s, c))
	workMust(t, f.o.SaveStaff(context.Background(), s, a))
	f.venue, f.consultant, f.adviser = v.ID, c.ID, a.ID
	for _, p := range []record.Program{{Level: "市区", Name: "区の支援補助金"}, {Level: "都道府県", Name: "府の家賃支援"},
		{Level: "国", Name: "持続化補助金"}, {Level: "国", Name: "IT導入補助金"}} {
		p.Active = true
		workMust(t, f.o.SaveProgram(context.Background(), s, &p))
		f.programs = append(f.programs, p.ID)
	}
	f.seedBusiness(s)
}

func (f *workFixture) seedBusiness(s *office.Session) {
	t := f.t
	b := &record.Business{Name: "テスト商店", Kana: "テストショウテン", Phone: "03-1234-5678", Form: "法人",
		Category: "小規模事業者", Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "港区"}
	workMust(t, f.o.SaveBusiness(context.Background(), s, b, office.SaveBusinessOptions{}))
	r := &record.Reservation{Date: "2026-10-01", Start: "10:00", End: "11:00", VenueID: f.venue, ConsultantID: f.consultant,
		BusinessID: b.ID, Channel: "電話", Checks: record.ReservationChecks{Subsidy: "している", Loan: "していない", VisitCount: 1}}
	workMust(t, f.o.SaveReservation(context.Background(), s, r))
	_, err := f.o.SetReservationStatus(context.Background(), s, r.ID, record.ResVisited)
	workMust(t, err)
	f.business, f.reservation = b.ID, r.ID
}

// as runs fn logged in as login, then logs out.
func (f *workFixture) as(login string, fn func(s *office.Session)) {
	f.t.Helper()
	s, err := f.o.Login(context.Background(), login, []byte(workTestPassword))
	if err != nil {
		f.t.Fatalf("Login %s: %v", login, err)
	}
	defer func() {
		for _, r := range f.runners {
			r.Wait() // no screen's call outlives the session
		}
		if err := f.o.Logout(); err != nil {
			f.t.Fatalf("Logout: %v", err)
		}
	}()
	fn(s)
}

// ctx returns a screen context on a fresh test window of the given size.
func (f *workFixture) ctx(s *office.Session, size fyne.Size) *Context {
	w := test.NewWindow(nil)
	w.Resize(size)
	f.t.Cleanup(w.Close)
	r := widgets.NewTestRunner()
	f.runners = append(f.runners, r)
	return &Context{Office: f.o, Session: s, Window: w, Now: func() time.Time { return f.now }, Runner: r}
}

func workMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
