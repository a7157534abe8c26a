// Package demo fills a vault with generated dummy data: made-up businesses,
// 555-exchange phone numbers, example.jp mail, reservations, consultation
// records, dispatches and seminars, so the program can be tried and measured
// without any real personal data (the checklist demands dummy data for tests).
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/holiday"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Sizes says how much data to make.
type Sizes struct {
	Businesses    int
	Consultations int
	Seed          uint64
}

// SmallSizes is enough data to try every screen.
func SmallSizes() Sizes { return Sizes{Businesses: 150, Consultations: 400, Seed: 1} }

// Login is one demo account; the login screen shows these in demo mode.
type Login struct {
	Login, Password, Name string
	Role                  office.Role
}

// Password is the password of every demo account. It is printed on the demo
// login screen: demo vaults hold dummy data only.
const Password = "madoguchi-demo"

// Logins lists the demo accounts, one per role.
func Logins() []Login {
	return []Login{
		{"uketsuke", Password, "受付 デモ", office.RoleReception},
		{"soudan", Password, "相談員 デモ", office.RoleConsultant},
		{"coord", Password, "コーディネーター デモ", office.RoleCoordinator},
		{"kantoku", Password, "監督者 デモ", office.RoleSupervisor},
		{"admin", Password, "管理者 デモ", office.RoleAdmin},
	}
}

// NewVault creates a vault in dir with the demo accounts and fills it.
// progress (may be nil) is called as records are written.
func NewVault(ctx context.Context, dir string, sz Sizes, opt office.Options, progress func(done, total int)) ([]Login, error) {
	logins := Logins()
	admin := logins[len(logins)-1]
	if err := office.Init(dir, admin.Login, admin.Name, []byte(admin.Password), opt); err != nil {
		return nil, err
	}
	bulk := opt
	bulk.Bulk = true
	o, err := office.Open(dir, bulk)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	s, err := o.Login(ctx, admin.Login, []byte(admin.Password))
	if err != nil {
		return nil, err
	}
	for _, l := range logins[:len(logins)-1] {
		nu := office.NewUser{Login: l.Login, Name: l.Name, Roles: []office.Role{l.Role}, Password: []byte(l.Password)}
		if err := o.AddUser(ctx, s, nu); err != nil {
			return nil, fmt.Errorf("add demo user %s: %w", l.Login, err)
		}
	}
	if err := Fill(ctx, o, s, sz, optNow(opt), progress); err != nil {
		return nil, err
	}
	return logins, nil
}

func optNow(opt office.Options) time.Time {
	if opt.Now != nil {
		return opt.Now()
	}
	return time.Now()
}

// TempVault makes a fresh demo vault in a new temporary folder; remove the
// folder when done.
func TempVault(ctx context.Context, sz Sizes, opt office.Options, progress func(done, total int)) (string, []Login, error) {
	dir, err := os.MkdirTemp("", "madoguchi-demo-")
	if err != nil {
		return "", nil, fmt.Errorf("make demo folder: %w", err)
	}
	logins, err := NewVault(ctx, dir, sz, opt, progress)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, logins, nil
}

// Fill adds generated records to an open office. The session needs the
// masters, front desk and case permissions (the first admin, who is also
// supervisor, has them). The same seed and clock give the same content;
// ids are random.
func Fill(ctx context.Context, o *office.Office, s *office.Session, sz Sizes, now time.Time, progress func(done, total int)) error {
	g := newGen(sz, now)
	days := g.workdays()
	total := g.estimate()
	done := 0
	emit := func(recs []any) error {
		base := done
		err := o.Import(ctx, s, recs, func(d, _ int) {
			if progress != nil {
				progress(min(base+d, total), total)
			}
		})
		done += len(recs)
		if err != nil {
			return fmt.Errorf("fill demo data: %w", err)
		}
		return nil
	}
	if err := emit(g.base(days)); err != nil {
		return err
	}
	if err := g.bookings(days, emit); err != nil {
		return err
	}
	return emit(g.extras())
}

// estimate says roughly how many records Fill writes, for the progress bar.
func (g *gen) estimate() int {
	m := g.sz.Consultations
	return g.sz.Businesses + 2*m + m/11 + 6*3*5 + g.sz.Businesses/20 + 6*16 + 40
}

// gen makes the records.
type gen struct {
	sz       Sizes
	r        *rand.Rand
	today    time.Time
	venues   []*record.Venue
	staff    []*record.Staff
	advisers []*record.Staff
	programs []*record.Program
	biz      []*record.Business
}

func newGen(sz Sizes, now time.Time) *gen {
	jst := record.JST()
	t := now.In(jst)
	return &gen{sz: sz, r: rand.New(rand.NewPCG(sz.Seed, sz.Seed^0x9e3779b97f4a7c15)),
		today: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, jst)}
}

func (g *gen) pick(n int) int { return g.r.IntN(n) }

// base makes the masters and the businesses.
func (g *gen) base(days []time.Time) []any {
	var out []any
	add := func(n int, f func(i int) any) {
		for i := 0; i < n; i++ {
			out = append(out, f(i))
		}
	}
	nVenues := max(3, (g.sz.Consultations+len(days)*slotsPerDay-1)/(len(days)*slotsPerDay))
	add(nVenues, func(i int) any { return g.venue(i) })
	add(nVenues, func(i int) any { return g.consultant(i) })
	add(5, func(i int) any { return g.adviser(i) })
	add(len(demoPrograms), func(i int) any { return g.program(i) })
	add(g.sz.Businesses, func(i int) any { return g.business(i) })
	return out
}

// extras makes the dispatches and seminars.
func (g *gen) extras() []any {
	var out []any
	for i := 0; i < max(1, g.sz.Businesses/20); i++ {
		out = append(out, g.dispatch(i))
	}
	return append(out, g.seminars()...)
}

// slotsPerDay is how many 30-minute consultations a venue holds a day (9:00–17:00).
const slotsPerDay = 16

// workdays returns the working days of the last two years before today.
func (g *gen) workdays() []time.Time {
	var days []time.Time
	for d := g.today.AddDate(-2, 0, 0); d.Before(g.today); d = d.AddDate(0, 0, 1) {
		if workday(d) {
			days = append(days, d)
		}
	}
	return days
}

// workday reports a day the office opens: not a weekend, not a public
// holiday (the counter refuses bookings on those).
func workday(d time.Time) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := holiday.Name(d)
	return !holiday
}

func (g *gen) venue(i int) *record.Venue {
	v := &record.Venue{Name: fmt.Sprintf("相談室%d", i+1), Address: wards[i%len(wards)] + "役所 " + fmt.Sprint(i%5+1) + "階", Capacity: 1, Active: true}
	v.ID = record.NewID(record.KindVenue)
	g.venues = append(g.venues, v)
	return v
}

func (g *gen) person() (name, kana string) {
	f, gv := families[g.pick(len(families))], givens[g.pick(len(givens))]
	return f.kanji + "　" + gv.kanji, f.kana + "　" + gv.kana
}

func (g *gen) consultant(i int) *record.Staff {
	name, kana := g.person()
	st := &record.Staff{Name: name, Kana: kana, Role: "相談員", Qualification: record.Qualifications()[i%4], Active: true}
	if i == 0 {
		st.Login = "soudan"
	}
	st.ID = record.NewID(record.KindStaff)
	g.staff = append(g.staff, st)
	return st
}

func (g *gen) adviser(i int) *record.Staff {
	name, kana := g.person()
	st := &record.Staff{Name: name, Kana: kana, Role: "専門家", Qualification: record.Qualifications()[i%len(record.Qualifications())], Active: true}
	st.ID = record.NewID(record.KindStaff)
	g.advisers = append(g.advisers, st)
	return st
}

func (g *gen) program(i int) *record.Program {
	p := &record.Program{Level: demoPrograms[i].level, Name: demoPrograms[i].name, Active: true}
	p.ID = record.NewID(record.KindProgram)
	g.programs = append(g.programs, p)
	return p
}

func (g *gen) business(i int) *record.Business {
	a, b := nouns[i%len(nouns)], nouns[(i/len(nouns))%len(nouns)]
	tr := trades[(i/(len(nouns)*len(nouns))+i)%len(trades)]
	forms := []struct{ pre, kana, form, cat string }{
		{"株式会社", "カブシキガイシャ", "法人", "中小企業"}, {"有限会社", "ユウゲンガイシャ", "法人", "小規模事業者"},
		{"", "", "個人事業主", "個人事業者"}, {"", "", "法人", "小規模事業者"},
	}
	f := forms[g.pick(len(forms))]
	rep, repKana := g.person()
	contact, _ := g.person()
	bz := &record.Business{
		Name: f.pre + a.kanji + b.kanji + tr.kanji, Kana: f.kana + a.kana + b.kana + tr.kana,
		Form: f.form, Category: f.cat, Industry: tr.industry, Employees: g.pick(50),
		Postal: fmt.Sprintf("100-%04d", g.pick(10000)), Prefecture: "東京都", City: wards[g.pick(len(wards))],
		Address: fmt.Sprintf("%d丁目%d番%d号", g.pick(5)+1, g.pick(20)+1, g.pick(30)+1), Ward: wards[g.pick(len(wards))],
		Phone: fmt.Sprintf("03-555%d-%04d", i/10000%10, i%10000), Email: fmt.Sprintf("info%d@example.jp", i+1),
		RepName: rep, RepKana: repKana, Contact: contact,
		Case: &record.BusinessCase{RepBirth: fmt.Sprintf("%d-%02d-%02d", 1950+g.pick(45), g.pick(12)+1, g.pick(28)+1)},
	}
	bz.ID = record.NewID(record.KindBusiness)
	g.biz = append(g.biz, bz)
	return bz
}
