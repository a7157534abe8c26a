package syncagent_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncagent/synctest"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Generated dummy people of the tests' office.
const (
	adminPW = "admin-password-dummy-1"
	staffPW = "staff-password-dummy-1"
)

func pwOf(login string) string {
	if login == "kanri" {
		return adminPW
	}
	return staffPW
}

func officeOptions() office.Options { return office.Options{KDF: vault.TestKDF()} }

// startCentral runs the tests' server (synctest).
func startCentral(t *testing.T) *synctest.Central {
	return synctest.Start(t, "テスト区 経営相談窓口")
}

// founder makes the office's first vault (admin "kanri", consultant
// "soudan", reception "uketsuke"), enrolled and synced once as the admin
// (synctest.Founder), and returns its folder.
func founder(t *testing.T, c *synctest.Central) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "A")
	synctest.Founder(t, c, dir, "管理者PC", officeOptions(),
		synctest.Person{Login: "kanri", Name: "管理 花子", Password: adminPW, Role: office.RoleAdmin},
		synctest.Person{Login: "soudan", Name: "相談 一郎", Password: staffPW, Role: office.RoleConsultant},
		synctest.Person{Login: "uketsuke", Name: "受付 二郎", Password: staffPW, Role: office.RoleReception})
	return dir
}

// recorder keeps every Status an agent reported.
type recorder struct {
	mu  sync.Mutex
	all []syncagent.Status
}

func (r *recorder) add(s syncagent.Status) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, s)
}

func (r *recorder) seen(fn func(syncagent.Status) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.all {
		if fn(s) {
			return true
		}
	}
	return false
}

// pc is a PC with its vault open, a person logged in and the agent
// started, as the window has it.
type pc struct {
	t     *testing.T
	dir   string
	o     *office.Office
	s     *office.Session
	login string
	a     *syncagent.Agent
	rec   *recorder
}

// openPC opens dir, logs login in and starts the agent.
func openPC(t *testing.T, dir, login string, opt syncagent.Options) *pc {
	t.Helper()
	o, err := office.Open(dir, officeOptions())
	if err != nil {
		t.Fatal(err)
	}
	p := &pc{t: t, dir: dir, o: o, login: login, rec: &recorder{}}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if p.a != nil {
			_ = p.a.Stop(ctx)
		}
		o.Close()
	})
	if opt.KDF == (vault.KDFParams{}) {
		opt.KDF = vault.TestKDF()
	}
	p.a = syncagent.New(o, opt)
	p.a.Subscribe(p.rec.add)
	p.start(login)
	return p
}

// start logs login in on the open vault and starts the agent.
func (p *pc) start(login string) {
	p.t.Helper()
	s, err := p.o.Login(context.Background(), login, []byte(pwOf(login)))
	if err != nil {
		p.t.Fatalf("login %s: %v", login, err)
	}
	p.s, p.login = s, login
	pw := []byte(pwOf(login))
	p.a.Start(s, login, pw)
	clear(pw)
}

// logout stops the agent (its last sync) and logs out.
func (p *pc) logout() {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.a.Stop(ctx); err != nil {
		p.t.Fatalf("stop: %v", err)
	}
	if err := p.o.Logout(); err != nil {
		p.t.Fatal(err)
	}
}

func (p *pc) newBusiness(name, kana, phone string) string {
	p.t.Helper()
	b := &record.Business{Name: name, Kana: kana, Phone: phone, Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区", Email: "info@example.jp"}
	if err := p.o.SaveBusiness(context.Background(), p.s, b, office.SaveBusinessOptions{AllowDuplicate: true}); err != nil {
		p.t.Fatalf("save business: %v", err)
	}
	return b.ID
}

func (p *pc) setCity(id, city string) {
	p.t.Helper()
	ctx := context.Background()
	b, err := p.o.Business(ctx, p.s, id)
	if err != nil {
		p.t.Fatal(err)
	}
	b.City = city
	if err := p.o.SaveBusiness(ctx, p.s, b, office.SaveBusinessOptions{AllowDuplicate: true}); err != nil {
		p.t.Fatalf("save business: %v", err)
	}
}

// city returns the city of business id on p ("" when it is not there).
func (p *pc) city(id string) string {
	b, err := p.o.Business(context.Background(), p.s, id)
	if err != nil {
		return ""
	}
	return b.City
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
