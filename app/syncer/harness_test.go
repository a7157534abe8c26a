package syncer_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
)

// Generated dummy people of the tests' office.
const (
	adminPW = "admin-password-dummy-1"
	staffPW = "staff-password-dummy-1"
)

// central is a server on 127.0.0.1 with an embedded store, for a test.
type centralServer struct {
	t     *testing.T
	id    *server.Identity
	srv   *server.Server
	store central.Store
	data  string
	stop  func()
}

func startCentral(t *testing.T) *centralServer {
	t.Helper()
	c := &centralServer{t: t, data: t.TempDir()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if c.id, err = server.Init(c.data, "テスト区 経営相談窓口", ln.Addr().String(), time.Now()); err != nil {
		t.Fatal(err)
	}
	c.serve(ln)
	t.Cleanup(func() { c.stop() })
	return c
}

// serve opens the store and serves on ln until stop.
func (c *centralServer) serve(ln net.Listener) {
	t := c.t
	st, err := embedded.Open(filepath.Join(c.data, "store"))
	if err != nil {
		t.Fatal(err)
	}
	c.store = st
	c.srv = &server.Server{ID: c.id, Store: st, LoginPerMinute: -1, DevicePerMinute: -1,
		LoginKDF: vault.TestKDF(), VerifierKDF: vault.TestKDF()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.srv.Serve(ctx, ln) }()
	c.stop = func() {
		cancel()
		<-done
		st.Close()
		c.stop = func() {}
	}
}

// restart stops the server and serves again on the same address, with the
// store opened anew (what survives a server crash is what the store wrote).
func (c *centralServer) restart() {
	c.t.Helper()
	c.stop()
	ln, err := net.Listen("tcp", c.id.Addr)
	if err != nil {
		c.t.Fatal(err)
	}
	c.serve(ln)
}

func (c *centralServer) code(firstAdmin bool) string {
	c.t.Helper()
	now := time.Now()
	tok, ct := c.id.NewTokenFor(now, now.Add(time.Hour))
	ct.FirstAdmin = firstAdmin
	if err := server.AddToken(context.Background(), c.store, c.id, ct); err != nil {
		c.t.Fatal(err)
	}
	return server.Code{Addr: c.id.Addr, Pin: c.id.Pin(), Token: tok}.String()
}

// pc is one PC's vault, enrolled with the server. It keeps its person
// logged in between steps (a login opens the store, which is slow), and
// its server session.
type pc struct {
	t      *testing.T
	name   string
	dir    string
	o      *office.Office
	creds  syncclient.Creds
	s      *office.Session
	sLogin string
	cl     *syncclient.Client
	remote syncer.Remote
	rLogin string
}

func testOptions() office.Options { return office.Options{KDF: vault.TestKDF()} }

// founder makes the office's first vault (admin "kanri", consultant
// "soudan", reception "uketsuke"), enrolls it with a first-admin code and
// syncs it once as the admin, which puts the user table on the server.
func founder(t *testing.T, c *centralServer) *pc {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "A")
	if err := office.Init(dir, "kanri", "管理 花子", []byte(adminPW), testOptions()); err != nil {
		t.Fatal(err)
	}
	p := &pc{t: t, name: "A", dir: dir}
	p.open()
	s := p.login("kanri")
	for _, u := range []office.NewUser{
		{Login: "soudan", Name: "相談 一郎", Roles: []office.Role{office.RoleConsultant}, Password: []byte(staffPW)},
		{Login: "uketsuke", Name: "受付 二郎", Roles: []office.Role{office.RoleReception}, Password: []byte(staffPW)},
	} {
		if err := p.o.AddUser(ctx, s, u); err != nil {
			t.Fatal(err)
		}
	}
	p.logout()
	code := c.code(true)
	creds, err := syncclient.Enroll(ctx, dir, code, "管理者PC")
	if err != nil {
		t.Fatal(err)
	}
	p.creds = creds
	cl := syncclient.New(creds)
	defer cl.Close()
	if err := cl.RegisterFirstAdmin(ctx, code, "kanri", adminPW, vault.TestKDF()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.sync("kanri"); err != nil {
		t.Fatalf("first sync of the founder: %v", err)
	}
	return p
}

// join makes a PC that joins the office, as `madoguchi join` does.
func join(t *testing.T, c *centralServer, name string) *pc {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), name)
	creds, err := syncclient.Enroll(ctx, dir, c.code(false), name+"のPC")
	if err != nil {
		t.Fatal(err)
	}
	cl := syncclient.New(creds)
	defer cl.Close()
	m, err := cl.Table(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := office.Join(dir, m.Data); err != nil {
		t.Fatal(err)
	}
	p := &pc{t: t, name: name, dir: dir, creds: creds}
	p.open()
	return p
}

func (p *pc) open() {
	p.t.Helper()
	o, err := office.Open(p.dir, testOptions())
	if err != nil {
		p.t.Fatal(err)
	}
	p.o = o
	p.t.Cleanup(func() {
		o.Close()
		if p.cl != nil {
			p.cl.Close()
		}
	})
}

func pwOf(login string) string {
	if login == "kanri" {
		return adminPW
	}
	return staffPW
}

// login returns login's session on this PC, logging in when another
// person (or nobody) is.
func (p *pc) login(login string) *office.Session {
	p.t.Helper()
	if p.s != nil && p.sLogin == login {
		return p.s
	}
	p.close()
	s, err := p.o.Login(context.Background(), login, []byte(pwOf(login)))
	if err != nil {
		p.t.Fatalf("%s: login %s: %v", p.name, login, err)
	}
	p.s, p.sLogin = s, login
	return s
}

// logout keeps the session for the next step (see login).
func (p *pc) logout() {}

// close logs out for real.
func (p *pc) close() {
	p.t.Helper()
	if p.s == nil {
		return
	}
	p.s = nil
	if err := p.o.Logout(); err != nil {
		p.t.Fatalf("%s: logout: %v", p.name, err)
	}
}

// remote logs login in on the server (registering the login with the
// person's key the first time) and returns the Remote.
func (p *pc) serverLogin(ctx context.Context, cl *syncclient.Client, s *office.Session, login string) (syncer.Remote, error) {
	se, err := cl.Login(ctx, login, pwOf(login))
	if err != nil {
		_, sign := p.o.Replica(s).Signer()
		if rerr := cl.Register(ctx, login, pwOf(login), vault.TestKDF(), sign, time.Now()); rerr != nil {
			return nil, rerr
		}
		if se, err = cl.Login(ctx, login, pwOf(login)); err != nil {
			return nil, err
		}
	}
	return cl.Remote(se), nil
}

// sync logs login in on this PC and on the server and syncs once.
func (p *pc) sync(login string) (syncer.Result, error) {
	return p.syncWith(login, func(r syncer.Remote) syncer.Remote { return r })
}

// syncOpt is sync with options (the harness sets Tables and small pages
// and batches unless given).
func (p *pc) syncOpt(login string, opt syncer.Options) (syncer.Result, error) {
	return p.run(login, func(r syncer.Remote) syncer.Remote { return r }, opt)
}

// syncWith is sync through a Remote that wrap may replace (a misbehaving
// server, a cut connection).
func (p *pc) syncWith(login string, wrap func(syncer.Remote) syncer.Remote) (syncer.Result, error) {
	return p.run(login, wrap, syncer.Options{})
}

func (p *pc) run(login string, wrap func(syncer.Remote) syncer.Remote, opt syncer.Options) (syncer.Result, error) {
	p.t.Helper()
	ctx := context.Background()
	s := p.login(login)
	if p.cl == nil {
		p.cl = syncclient.New(p.creds)
	}
	if p.remote == nil || p.rLogin != login {
		r, err := p.serverLogin(ctx, p.cl, s, login)
		if err != nil {
			return syncer.Result{}, err
		}
		p.remote, p.rLogin = r, login
	}
	r := p.remote
	opt.Tables = tables{p.o, s}
	if opt.PageSize == 0 {
		opt.PageSize = 7
	}
	if opt.BatchSize == 0 {
		opt.BatchSize = 5
	}
	res, err := syncer.Run(ctx, p.o.Replica(s), wrap(r), opt)
	if errors.Is(err, syncclient.ErrSession) {
		// The server restarted and forgot its sessions: log in again.
		p.remote = nil
		return p.run(login, wrap, opt)
	}
	return res, err
}

type tables struct {
	o *office.Office
	s *office.Session
}

func (t tables) SignedTable(ctx context.Context) ([]byte, uint64, error) {
	return t.o.SignedTable(ctx, t.s)
}

func (t tables) AdoptTable(ctx context.Context, data []byte) (bool, error) {
	return t.o.AdoptTable(ctx, t.s, data)
}

// snapshot is what a person with the case key sees of every business: the
// full record (contact and case part) by id, and the records in 競合.
type snapshot struct {
	Businesses map[string]string
	Conflicts  []string
}

func (p *pc) snapshot() snapshot {
	p.t.Helper()
	ctx := context.Background()
	s := p.login("soudan")
	defer p.logout()
	list, err := p.o.Businesses(ctx, s)
	if err != nil {
		p.t.Fatal(err)
	}
	snap := snapshot{Businesses: map[string]string{}}
	for _, b := range list {
		full, err := p.o.Business(ctx, s, b.ID)
		if err != nil {
			p.t.Fatalf("%s: business %s: %v", p.name, b.ID, err)
		}
		j, _ := json.Marshal(full)
		snap.Businesses[b.ID] = string(j)
	}
	cs, err := p.o.Conflicts(ctx, s)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, c := range cs {
		snap.Conflicts = append(snap.Conflicts, c.ID)
	}
	sort.Strings(snap.Conflicts)
	return snap
}

// saveBusiness creates a business on p as login and returns it.
func (p *pc) newBusiness(login, name, kana, phone string) *record.Business {
	p.t.Helper()
	s := p.login(login)
	defer p.logout()
	b := &record.Business{Name: name, Kana: kana, Phone: phone, Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区", Email: "info@example.jp",
		Case: &record.BusinessCase{RepBirth: "1970-04-01"}}
	if err := p.o.SaveBusiness(context.Background(), s, b, office.SaveBusinessOptions{AllowDuplicate: true}); err != nil {
		p.t.Fatalf("%s: save business: %v", p.name, err)
	}
	return b
}

// edit loads a business on p, changes it with fn and saves it.
func (p *pc) edit(login, id string, fn func(b *record.Business)) {
	p.t.Helper()
	ctx := context.Background()
	s := p.login(login)
	defer p.logout()
	b, err := p.o.Business(ctx, s, id)
	if err != nil {
		p.t.Fatalf("%s: business %s: %v", p.name, id, err)
	}
	fn(b)
	if err := p.o.SaveBusiness(ctx, s, b, office.SaveBusinessOptions{AllowDuplicate: true}); err != nil {
		p.t.Fatalf("%s: save business %s: %v", p.name, id, err)
	}
}
