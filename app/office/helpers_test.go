package office

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

const testPassword = "test-password-1"

// testClock is a settable clock for tests.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a vault with one account per role and a small master.
type fixture struct {
	t      *testing.T
	dir    string
	clock  *testClock
	o      *Office
	venue  string
	venue2 string // capacity 2
	staff  string
	staff2 string
	seq    int // numbers generated test businesses
}

func testOptions(c *testClock) Options { return Options{KDF: vault.TestKDF(), Now: c.Now} }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: filepath.Join(t.TempDir(), "office"),
		clock: &testClock{t: time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)}} // 10:00 JST
	if err := Init(f.dir, "admin", "管理 太郎", []byte(testPassword), testOptions(f.clock)); err != nil {
		t.Fatalf("Init: %v", err)
	}
	o, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	f.o = o
	t.Cleanup(func() { o.Close() })
	s := f.login("admin")
	for _, u := range []struct {
		login string
		role  Role
	}{{"uketsuke", RoleReception}, {"soudan", RoleConsultant}, {"coord", RoleCoordinator}, {"kantoku", RoleSupervisor}} {
		if err := o.AddUser(context.Background(), s, NewUser{Login: u.login, Name: "テスト " + u.login, Roles: []Role{u.role}, Password: []byte(testPassword)}); err != nil {
			t.Fatalf("AddUser %s: %v", u.login, err)
		}
	}
	v := &record.Venue{Name: "相談室A", Capacity: 1, Active: true}
	v2 := &record.Venue{Name: "大会議室", Capacity: 2, Active: true}
	st := &record.Staff{Name: "相談 一郎", Kana: "ソウダン イチロウ", Role: "相談員", Active: true}
	st2 := &record.Staff{Name: "相談 二郎", Kana: "ソウダン ジロウ", Role: "相談員", Active: true}
	for _, err := range []error{o.SaveVenue(context.Background(), s, v), o.SaveVenue(context.Background(), s, v2), o.SaveStaff(context.Background(), s, st), o.SaveStaff(context.Background(), s, st2)} {
		if err != nil {
			t.Fatalf("masters: %v", err)
		}
	}
	f.venue, f.venue2, f.staff, f.staff2 = v.ID, v2.ID, st.ID, st2.ID
	f.logout()
	return f
}

func (f *fixture) login(login string) *Session {
	f.t.Helper()
	s, err := f.o.Login(context.Background(), login, []byte(testPassword))
	if err != nil {
		f.t.Fatalf("Login %s: %v", login, err)
	}
	return s
}

func (f *fixture) logout() {
	f.t.Helper()
	if err := f.o.Logout(); err != nil {
		f.t.Fatalf("Logout: %v", err)
	}
}

// as runs fn logged in as login.
func (f *fixture) as(login string, fn func(s *Session)) {
	f.t.Helper()
	s := f.login(login)
	defer f.logout()
	fn(s)
}

func dummyBusiness(name, kana, phone string) *record.Business {
	return &record.Business{Name: name, Kana: kana, Phone: phone, Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区", Email: "info@example.jp",
		Case: &record.BusinessCase{RepBirth: "1970-04-01"}}
}

func (f *fixture) business(s *Session, name, kana, phone string) *record.Business {
	f.t.Helper()
	b := dummyBusiness(name, kana, phone)
	if err := f.o.SaveBusiness(context.Background(), s, b, SaveBusinessOptions{}); err != nil {
		f.t.Fatalf("SaveBusiness: %v", err)
	}
	return b
}

func (f *fixture) reservation(s *Session, bizID, venue, staff, date, start, end string) (*record.Reservation, error) {
	r := &record.Reservation{Date: date, Start: start, End: end, VenueID: venue, ConsultantID: staff, BusinessID: bizID,
		Channel: "電話", Checks: record.ReservationChecks{Subsidy: "している", Loan: "していない", VisitCount: 1}}
	return r, f.o.SaveReservation(context.Background(), s, r)
}
