package syncer_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// balancer is a TCP load balancer on 127.0.0.1: each new connection goes
// to the next backend in turn.
type balancer struct {
	ln       net.Listener
	backends []string
	next     atomic.Int64
	hits     [2]atomic.Int64
	wg       sync.WaitGroup
}

func (b *balancer) serve() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		i := int(b.next.Add(1)) % len(b.backends)
		b.hits[i].Add(1)
		to := b.backends[i]
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			defer c.Close()
			u, err := net.Dial("tcp", to)
			if err != nil {
				return
			}
			defer u.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(u, c); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, u); done <- struct{}{} }()
			<-done
		}()
	}
}

// startCentralPG runs two server processes' worth of servers on one
// PostgreSQL database behind a balancer whose address the enrollment codes
// carry: PCs switch between the two at every new connection.
func startCentralPG(t *testing.T) (*centralServer, string, *balancer) {
	t.Helper()
	dsn := pgtest.DB(t)
	c := &centralServer{t: t, data: t.TempDir()}
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if c.id, err = server.Init(c.data, "テスト区 経営相談窓口", front.Addr().String(), time.Now()); err != nil {
		t.Fatal(err)
	}
	bal := &balancer{ln: front}
	var stops []func()
	for i := range 2 {
		st, err := pg.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			c.store = st // tokens go through the first
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		bal.backends = append(bal.backends, ln.Addr().String())
		srv := &server.Server{ID: c.id, Store: st, LoginPerMinute: -1, DevicePerMinute: -1,
			LoginKDF: vault.TestKDF(), VerifierKDF: vault.TestKDF()}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		stops = append(stops, func() { cancel(); <-done; st.Close() })
	}
	go bal.serve()
	c.stop = func() {
		front.Close()
		for _, s := range stops {
			s()
		}
		bal.wg.Wait()
		c.stop = func() {}
	}
	t.Cleanup(func() { c.stop() })
	return c, dsn, bal
}

// plaintext is what the tests' records hold that no server may keep.
func plaintext(names ...string) [][]byte {
	var out [][]byte
	for _, n := range names {
		out = append(out, []byte(n))
	}
	return out
}

func TestTwoServersOnOnePostgreSQL(t *testing.T) {
	c, dsn, bal := startCentralPG(t)
	a := founder(t, c)
	b := join(t, c, "B")
	cc := join(t, c, "C")
	pcs := []*pc{a, b, cc}
	logins := map[*pc]string{a: "kanri", b: "soudan", cc: "uketsuke"}
	var secrets []string
	for i, p := range pcs {
		name := []string{"青空鮮魚店", "若葉木工所", "港町珈琲"}[i]
		phone := []string{"03-5555-7001", "03-5555-7002", "03-5555-7003"}[i]
		secrets = append(secrets, name, phone)
		x := p.newBusiness(logins[p], name, "ダミー", phone)
		mustSync(t, p, logins[p])
		for _, q := range pcs {
			if q != p {
				mustSync(t, q, logins[q])
			}
		}
		// Both sides edit the same record while apart.
		p.edit(logins[p], x.ID, func(r *record.Business) { r.Note = "面談メモ-" + p.name })
		a.edit("kanri", x.ID, func(r *record.Business) { r.Address = "桜町1-2-3-" + p.name })
		secrets = append(secrets, "面談メモ-"+p.name, "桜町1-2-3-"+p.name)
	}
	// Each sync starts on a new connection, so PCs move between the two
	// servers (a session of one is unknown to the other: they log in again).
	for range 3 {
		for _, p := range pcs {
			if p.cl != nil {
				p.cl.Close()
			}
			mustSync(t, p, logins[p])
		}
	}
	// soudan sees everything; the two others' snapshots as soudan too.
	b.close()
	snap := sameSnapshots(t, b, withLogin(cc, "soudan"), withLogin(a, "soudan"))
	if len(snap.Businesses) != 3 {
		t.Fatalf("%d businesses", len(snap.Businesses))
	}
	if h0, h1 := bal.hits[0].Load(), bal.hits[1].Load(); h0 < 5 || h1 < 5 {
		t.Errorf("connections to the two servers: %d and %d", h0, h1)
	}
	dump := pgtest.Dump(t, dsn)
	for _, s := range plaintext(secrets...) {
		if bytes.Contains(dump, s) {
			t.Errorf("pg_dump of the central database holds %q", s)
		}
	}
}

// withLogin makes p's snapshot be taken as login.
func withLogin(p *pc, login string) *pc {
	p.close()
	p.login(login)
	return p
}

// TestServerHoldsNoPlaintext scans every file of the server's Badger data
// after real syncs for the generated names, phones and case words.
func TestServerHoldsNoPlaintext(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	b := join(t, c, "B")
	secrets := []string{"青空鮮魚店", "アオゾラセンギョテン", "03-5555-8001", "1968-02-29", "資金繰りの相談メモ"}
	x := a.newBusiness("kanri", secrets[0], secrets[1], secrets[2])
	a.edit("kanri", x.ID, func(r *record.Business) {
		r.Note = secrets[4]
		r.Case.RepBirth = secrets[3]
	})
	mustSync(t, a, "kanri")
	mustSync(t, b, "soudan")
	c.stop() // everything on disk
	err := filepath.WalkDir(c.data, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range plaintext(secrets...) {
			if bytes.Contains(raw, s) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
