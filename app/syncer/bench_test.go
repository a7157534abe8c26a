package syncer_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// The sizes of the sync benchmarks. The defaults keep
// `go test -run '^$' -bench . -benchtime 1x ./app/syncer` under a minute
// (CI); the README's figures are measured with the full sizes:
//
//	go test -run '^$' -bench 'Protocol|Concurrent|E2E' -benchtime 1x ./app/syncer -sync.n 100000 -sync.records 50000 -sync.devices 500
//	go test -run '^$' -bench 'Memory/embedded' -benchtime 1x ./app/syncer -sync.n 100000 -sync.devices 500
//	go test -run '^$' -bench 'Memory/pg' -benchtime 1x ./app/syncer -sync.n 100000 -sync.devices 500
//
// (the memory benchmarks each alone: the process's memory is what they
// read).
var (
	benchN       = flag.Int("sync.n", 5000, "envelopes of the protocol pull and memory benchmarks (full size: 100000)")
	benchSize    = flag.Int("sync.size", 1536, "bytes of each envelope of the protocol benchmarks")
	benchDevices = flag.Int("sync.devices", 100, "devices pushing at once (full size: 500)")
	benchBatch   = flag.Int("sync.batch", 10, "envelopes of each device's push")
	benchRecords = flag.Int("sync.records", 250, "businesses of the end-to-end pull, two envelopes each: contact and case part (full size: 50000)")
)

// benchLogin is the one login of the protocol benchmarks: it signs every
// device's chain, and every device logs in with it.
const (
	benchLogin = "bench"
	benchPW    = "bench-password-dummy-1"
)

// benchServer is a server on 127.0.0.1 over a given store, with a login
// whose Ed25519 key signs the chains of the protocol benchmarks.
type benchServer struct {
	tb    testing.TB
	dir   string
	id    *server.Identity
	srv   *server.Server
	store central.Store
	pub   ed25519.PublicKey
	priv  ed25519.PrivateKey
	stop  func()
}

func startBench(tb testing.TB, store func(dir string) central.Store) *benchServer {
	tb.Helper()
	c := startBenchServer(tb, store)
	salt := make([]byte, vault.LoginSaltSize)
	rand.Read(salt)
	if err := c.srv.SetLogin(context.Background(), benchLogin, salt, vault.TestKDF(), vault.DeriveLoginKey([]byte(benchPW), salt, vault.TestKDF()), false); err != nil {
		tb.Fatal(err)
	}
	return c
}

// startBenchServer is startBench without the bench login: an office with
// no login yet, which a first admin can join.
func startBenchServer(tb testing.TB, store func(dir string) central.Store) *benchServer {
	tb.Helper()
	c := &benchServer{tb: tb, dir: tb.TempDir()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if c.id, err = server.Init(c.dir, "ベンチ区 経営相談窓口", ln.Addr().String(), time.Now()); err != nil {
		tb.Fatal(err)
	}
	c.store = store(c.dir)
	c.srv = &server.Server{ID: c.id, Store: c.store, LoginPerMinute: -1, DevicePerMinute: -1,
		LoginKDF: vault.TestKDF(), VerifierKDF: vault.TestKDF(), SessionTTL: time.Hour}
	if c.pub, c.priv, err = ed25519.GenerateKey(rand.Reader); err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if err := server.EnsureOffice(ctx, c.store, c.id, time.Now()); err != nil {
		tb.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.srv.Serve(sctx, ln) }()
	c.stop = func() {
		cancel()
		<-done
		c.store.Close()
		c.stop = func() {}
	}
	tb.Cleanup(func() { c.stop() })
	return c
}

func embeddedStore(tb testing.TB) func(dir string) central.Store {
	return func(dir string) central.Store {
		st, err := embedded.Open(filepath.Join(dir, "store"))
		if err != nil {
			tb.Fatal(err)
		}
		return st
	}
}

// pgStore opens a throwaway PostgreSQL database (pgtest skips the
// benchmark, saying why, when PostgreSQL is not installed).
func pgStore(tb testing.TB) func(dir string) central.Store {
	return func(string) central.Store {
		st, err := pg.Open(context.Background(), pgtest.DB(tb))
		if err != nil {
			tb.Fatal(err)
		}
		return st
	}
}

func (c *benchServer) sign(msg []byte) []byte { return ed25519.Sign(c.priv, msg) }

func (c *benchServer) keys(login string) [][]byte {
	if login == benchLogin {
		return [][]byte{c.pub}
	}
	return nil
}

// code is an enrollment code of the office.
func (c *benchServer) code() string {
	now := time.Now()
	tok, ct := c.id.NewTokenFor(now, now.Add(time.Hour))
	if err := server.AddToken(context.Background(), c.store, c.id, ct); err != nil {
		c.tb.Fatal(err)
	}
	return server.Code{Addr: c.id.Addr, Pin: c.id.Pin(), Token: tok}.String()
}

// device is an enrolled device with a client and a session of benchLogin
// (logged in: its connection is open).
type device struct {
	creds syncclient.Creds
	cl    *syncclient.Client
	se    syncclient.Session
	head  syncproto.Head
}

func (c *benchServer) device(i int) *device {
	c.tb.Helper()
	d, err := c.enroll(i, c.code())
	if err != nil {
		c.tb.Fatal(err)
	}
	return d
}

// enroll enrolls device i with code and logs it in (safe in a goroutine).
func (c *benchServer) enroll(i int, code string) (*device, error) {
	ctx := context.Background()
	creds, err := syncclient.Enroll(ctx, filepath.Join(c.dir, "pc", fmt.Sprint(i)), code, fmt.Sprintf("PC%d", i))
	if err != nil {
		return nil, err
	}
	d := &device{creds: creds, cl: syncclient.New(creds)}
	c.tb.Cleanup(d.cl.Close)
	if d.se, err = d.cl.Login(ctx, benchLogin, benchPW); err != nil {
		return nil, err
	}
	return d, nil
}

// items returns n items of size random bytes, with ids prefix and a
// number from first on.
func items(prefix string, first, n, size int) []syncproto.Item {
	out := make([]syncproto.Item, n)
	for i := range out {
		data := make([]byte, size)
		rand.Read(data)
		out[i] = syncproto.Item{ID: fmt.Sprintf("%s/%08d", prefix, first+i), Rev: "0000000000001-0001", Data: data}
	}
	return out
}

// preload stores n envelopes of size bytes through the store directly,
// on valid chains of a few devices enrolled in the store (they never
// connect), in batches of central.MaxBatch.
func (c *benchServer) preload(n, size int) {
	c.tb.Helper()
	ctx := context.Background()
	const authors = 4
	heads := make([]syncproto.Head, authors)
	ids := make([]string, authors)
	now := time.Now()
	for a := range ids {
		ids[a] = fmt.Sprintf("author%d", a)
		tok := server.NewToken()
		if err := c.store.AddToken(ctx, central.Token{Hash: server.TokenHash(tok), Office: c.id.Office, Created: now, Expires: now.Add(time.Hour)}); err != nil {
			c.tb.Fatal(err)
		}
		sum := make([]byte, 32)
		rand.Read(sum)
		if _, err := c.store.Enroll(ctx, server.TokenHash(tok), central.Device{Office: c.id.Office, ID: ids[a], Name: ids[a], CertSHA256: sum, Created: now}, now); err != nil {
			c.tb.Fatal(err)
		}
	}
	for done, a := 0, 0; done < n; a = (a + 1) % authors {
		k := min(central.MaxBatch, n-done)
		envs, head, err := syncproto.Links(c.id.Office, ids[a], heads[a], benchLogin, c.sign, items("business", done, k, size))
		if err != nil {
			c.tb.Fatal(err)
		}
		if _, err := c.store.Push(ctx, central.Batch{Office: c.id.Office, Device: ids[a], Envelopes: envs, At: now}); err != nil {
			c.tb.Fatal(err)
		}
		heads[a] = head
		done += k
	}
}

// pullAll pulls every page after cursor 0 through d's client, checks each
// with a fresh Checker and discards it. It returns the bytes of envelope
// data pulled, the bytes of the stream (its frames: syncproto.FrameSize),
// and how long the checks took.
func (c *benchServer) pullAll(d *device) (data, stream int64, check time.Duration) {
	c.tb.Helper()
	ctx := context.Background()
	chk, err := syncproto.NewChecker(c.id.Office, d.creds.Device, nil)
	if err != nil {
		c.tb.Fatal(err)
	}
	var after uint64
	// As the engine does: the pages come in one stream, and the next ones
	// are on their way while one is checked.
	type got struct {
		resp *syncproto.PullResponse
		err  error
	}
	next := make(chan got, 1)
	go func() {
		defer close(next)
		err := d.cl.PullPages(ctx, d.se, 0, 0, server.MaxStreamPages, func(p *syncproto.PullResponse) error {
			next <- got{p, nil}
			return nil
		})
		if err != nil {
			next <- got{nil, err}
		}
	}()
	for g := range next {
		resp, err := g.resp, g.err
		if err != nil {
			c.tb.Fatal(err)
		}
		t0 := time.Now()
		envs, err := chk.Page(after, central.Page{Envelopes: resp.Envelopes, Next: resp.Next, Last: resp.Last}, c.keys)
		check += time.Since(t0)
		if err != nil {
			c.tb.Fatal(err)
		}
		for _, e := range envs {
			data += int64(len(e.Data))
		}
		stream += int64(syncproto.FrameSize(resp))
		after = resp.Next
		if len(resp.Envelopes) == 0 || after >= resp.Last {
			break
		}
	}
	for range next {
	}
	return data, stream, check
}

// rawTLS is the floor of a pull: n bytes written by a TLS 1.3 server on
// 127.0.0.1 and read by a client, in 64 KiB writes, with the key type of
// the server's certificate (Ed25519) and Go's default TLS 1.3 suites. It
// returns how long the transfer took (after the handshake).
func rawTLS(tb testing.TB, n int64) time.Duration {
	tb.Helper()
	cert := selfSigned(tb)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{cert}})
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 64<<10)
		rand.Read(buf)
		if err := conn.(*tls.Conn).Handshake(); err != nil {
			return
		}
		var one [1]byte
		if _, err := io.ReadFull(conn, one[:]); err != nil { // the client is ready
			return
		}
		for left := n; left > 0; {
			k := min(left, int64(len(buf)))
			if _, err := conn.Write(buf[:k]); err != nil {
				return
			}
			left -= k
		}
	}()
	conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{MinVersion: tls.VersionTLS13, InsecureSkipVerify: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Handshake(); err != nil {
		tb.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	t0 := time.Now()
	if _, err := conn.Write([]byte{1}); err != nil {
		tb.Fatal(err)
	}
	var got int64
	for got < n {
		k, err := conn.Read(buf)
		got += int64(k)
		if err != nil {
			if errors.Is(err, io.EOF) && got >= n {
				break
			}
			tb.Fatal(err)
		}
	}
	return time.Since(t0)
}

func selfSigned(tb testing.TB) tls.Certificate {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		tb.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv}
}

func mbps(bytes int64, d time.Duration) float64 { return float64(bytes) / 1e6 / d.Seconds() }

// BenchmarkFirstPullProtocol is a new device's first pull of -sync.n
// envelopes of -sync.size random bytes, protocol alone: pages of 1,000 in
// one stream over the mTLS channel with syncclient, each decoded and
// checked (link hashes, chains, the signature of each device's last link)
// by a syncproto.Checker while the next ones arrive, and discarded. Its
// floors, run right after it, are raw TLS 1.3 transfers on loopback: of
// the stream's bytes (the envelopes with their ids, links and signatures,
// and the frames), x-raw; and of the envelopes' data alone, x-raw-data,
// the stricter one. cpu-s is the CPU time of the whole process during a
// pull (server and client share the machine's cores).
func BenchmarkFirstPullProtocol(b *testing.B) {
	const rawRuns = 3
	c := startBench(b, embeddedStore(b))
	c.preload(*benchN, *benchSize)
	d := c.device(0)
	var pullT, rawT, rawDataT, checkT, cpuT time.Duration
	var data, stream int64
	b.ResetTimer()
	for range b.N {
		t0, cpu0 := time.Now(), processCPU()
		n, s, check := c.pullAll(d)
		pullT += time.Since(t0)
		cpuT += processCPU() - cpu0
		checkT += check
		data += n
		stream += s
		b.StopTimer()
		// A single raw transfer takes a tenth of a second and varies by a
		// fifth from one to the next: the floors are averages of three.
		for range rawRuns {
			rawT += rawTLS(b, s) / rawRuns
			rawDataT += rawTLS(b, n) / rawRuns
		}
		b.StartTimer()
	}
	b.StopTimer()
	if want := int64(b.N) * int64(*benchN) * int64(*benchSize); data != want {
		b.Fatalf("pulled %d bytes, want %d", data, want)
	}
	b.ReportMetric(mbps(data, pullT), "MB/s")
	b.ReportMetric(mbps(stream, pullT), "stream-MB/s")
	b.ReportMetric(mbps(stream, rawT), "raw-MB/s")
	b.ReportMetric(rawT.Seconds()/pullT.Seconds(), "x-raw")
	b.ReportMetric(rawDataT.Seconds()/pullT.Seconds(), "x-raw-data")
	b.ReportMetric(mbps(data, pullT-checkT), "nocheck-MB/s")
	b.ReportMetric(checkT.Seconds()/float64(b.N), "check-s")
	b.ReportMetric(pullT.Seconds()/float64(b.N), "pull-s")
	if cpuT > 0 {
		b.ReportMetric(cpuT.Seconds()/float64(b.N), "cpu-s")
	}
}

// BenchmarkConcurrentPush is -sync.devices enrolled devices, each logged
// in (its connection open), pushing -sync.batch envelopes of -sync.size
// bytes at the same moment (a barrier); it reports the percentiles of the
// pushes' latencies, over all rounds.
func BenchmarkConcurrentPush(b *testing.B) {
	c := startBench(b, embeddedStore(b))
	devs := c.devices(*benchDevices)
	// The floor: one device pushing alone, 20 times in a row.
	alone := c.pushRounds(b, "alone", devs[:1], 20)
	slices.Sort(alone)
	b.ResetTimer()
	lat := c.pushRounds(b, "pushed", devs, b.N)
	b.StopTimer()
	reportLatencies(b, lat)
	b.ReportMetric(float64(alone[len(alone)/2])/1e6, "alone-p50-ms")
}

// devices enrolls n devices, in parallel, each logged in.
func (c *benchServer) devices(n int) []*device {
	devs := make([]*device, n)
	errs := make([]error, n)
	codes := make([]string, n)
	for i := range codes {
		codes[i] = c.code()
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range devs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			devs[i], errs[i] = c.enroll(i, codes[i])
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.tb.Fatal(err)
	}
	return devs
}

// pushRounds makes every device push one batch of ids prefix/number at
// the same moment, rounds times, and returns every push's latency.
func (c *benchServer) pushRounds(tb testing.TB, prefix string, devs []*device, rounds int) []time.Duration {
	ctx := context.Background()
	var lat []time.Duration
	for r := range rounds {
		reqs := make([]*syncproto.PushRequest, len(devs))
		heads := make([]syncproto.Head, len(devs))
		for i, d := range devs {
			envs, head, err := syncproto.Links(c.id.Office, d.creds.Device, d.head, benchLogin, c.sign, items(prefix, (r*len(devs)+i)**benchBatch, *benchBatch, *benchSize))
			if err != nil {
				tb.Fatal(err)
			}
			reqs[i], heads[i] = &syncproto.PushRequest{Envelopes: envs}, head
		}
		start := make(chan struct{})
		took := make([]time.Duration, len(devs))
		errs := make([]error, len(devs))
		var wg sync.WaitGroup
		for i, d := range devs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				resp, err := d.cl.Push(ctx, d.se, reqs[i])
				took[i] = time.Since(t0)
				if err == nil && resp.Stored != len(reqs[i].Envelopes) {
					err = fmt.Errorf("stored %d of %d", resp.Stored, len(reqs[i].Envelopes))
				}
				errs[i] = err
			}()
		}
		if len(devs) > 1 {
			time.Sleep(50 * time.Millisecond) // every goroutine waits at the barrier
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			tb.Fatal(err)
		}
		for i, d := range devs {
			d.head = heads[i]
		}
		lat = append(lat, took...)
	}
	return lat
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(at(1), "max-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkServerMemory is the server's memory once it holds -sync.n
// envelopes and -sync.devices devices have pushed at once, and one device
// pulled everything: runtime.MemStats of this process (the server runs in
// it, with the clients, which are closed and collected before the
// reading) for the embedded Badger store and for PostgreSQL.
func BenchmarkServerMemory(b *testing.B) {
	for _, be := range []struct {
		name  string
		store func(testing.TB) func(string) central.Store
	}{{"embedded", embeddedStore}, {"pg", pgStore}} {
		b.Run(be.name, func(b *testing.B) {
			for range b.N {
				memory(b, be.store)
			}
		})
	}
}

func memory(b *testing.B, store func(testing.TB) func(string) central.Store) {
	b.StopTimer()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := startBench(b, store(b))
	b.StartTimer()
	c.preload(*benchN, *benchSize)
	devs := c.devices(*benchDevices)
	c.pushRounds(b, "pushed", devs, 1)
	c.pullAll(devs[0])
	b.StopTimer()
	for _, d := range devs {
		d.cl.Close()
	}
	devs = nil
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/1e6, "heapinuse-MB")
	b.ReportMetric(float64(m.Sys)/1e6, "sys-MB")
	b.ReportMetric(float64(before.HeapInuse)/1e6, "before-heapinuse-MB")
	b.ReportMetric(float64(before.Sys)/1e6, "before-sys-MB")
	if rss := residentMB(); rss > 0 {
		b.ReportMetric(rss, "rss-MB")
	}
	c.stop()
}

// residentMB is this process's resident set size from /proc (0 elsewhere).
func residentMB() float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, res int64
	if _, err := fmt.Sscan(string(raw), &size, &res); err != nil {
		return 0
	}
	return float64(res*int64(os.Getpagesize())) / 1e6
}

// businesses returns n new businesses with a case part each (two
// envelopes each once sealed), numbered from 0; the same n gives the same
// content.
func businesses(n int) []any {
	recs := make([]any, n)
	for i := range recs {
		recs[i] = &record.Business{Name: fmt.Sprintf("ダミー商店%06d", i), Kana: "ダミーショウテン", Phone: fmt.Sprintf("03-5%03d-%04d", i/10000, i%10000),
			Form: "法人", Category: "小規模事業者", Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区",
			Address: fmt.Sprintf("みなと区しば%d丁目%d番%d号 ダミービル%d階", i%9+1, i%30+1, i%20+1, i%12+1),
			Email:   fmt.Sprintf("info%06d@example.jp", i), RepName: "見本 太郎", RepKana: "ミホン タロウ", Contact: "見本 花子",
			Employees: i % 50, Postal: fmt.Sprintf("105-%04d", i%10000),
			Note: fmt.Sprintf("創業%d年。小売と卸の二本立てで、地域の飲食店%d軒に食材を届けている。", 1950+i%70, i%200) +
				strings.Repeat("事業承継と販路開拓が課題。後継者候補の長男と面談済み。ネット販売の立ち上げを検討中で、補助金の申請も視野に入れている。", 1+i%5),
			Case: &record.BusinessCase{RepBirth: "1970-04-01"}}
	}
	return recs
}

// office opens the vault of dir and logs login in.
func openOffice(tb testing.TB, dir, login, pw string) (*office.Office, *office.Session) {
	tb.Helper()
	o, err := office.Open(dir, testOptions())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { o.Close() })
	s, err := o.Login(context.Background(), login, []byte(pw))
	if err != nil {
		tb.Fatal(err)
	}
	return o, s
}

// newVault makes the office's first vault in dir (admin "kanri",
// consultant "soudan"), logged in as kanri.
func newVault(tb testing.TB, dir string) (*office.Office, *office.Session) {
	tb.Helper()
	if err := office.Init(dir, "kanri", "管理 花子", []byte(adminPW), testOptions()); err != nil {
		tb.Fatal(err)
	}
	o, s := openOffice(tb, dir, "kanri", adminPW)
	err := o.AddUser(context.Background(), s, office.NewUser{Login: "soudan", Name: "相談 一郎", Roles: []office.Role{office.RoleConsultant}, Password: []byte(staffPW)})
	if err != nil {
		tb.Fatal(err)
	}
	return o, s
}

// code is an enrollment code of the office; firstAdmin gives the right to
// register the first admin.
func (c *benchServer) adminCode() string {
	now := time.Now()
	tok, ct := c.id.NewTokenFor(now, now.Add(time.Hour))
	ct.FirstAdmin = true
	if err := server.AddToken(context.Background(), c.store, c.id, ct); err != nil {
		c.tb.Fatal(err)
	}
	return server.Code{Addr: c.id.Addr, Pin: c.id.Pin(), Token: tok}.String()
}

// vaultRemote logs login in on the server through cl, registering its
// server login with the person's key the first time.
func vaultRemote(ctx context.Context, cl *syncclient.Client, o *office.Office, s *office.Session, login, pw string) (syncer.Remote, error) {
	se, err := cl.Login(ctx, login, pw)
	if err != nil {
		_, sign := o.Replica(s).Signer()
		if rerr := cl.Register(ctx, login, pw, vault.TestKDF(), sign, time.Now()); rerr != nil {
			return nil, rerr
		}
		if se, err = cl.Login(ctx, login, pw); err != nil {
			return nil, err
		}
	}
	return cl.Remote(se), nil
}

// BenchmarkFirstPullE2E is a new PC joining the office and pulling
// -sync.records businesses (contact and case part: two envelopes each)
// that the founder's PC imported and pushed, timed around syncer.Run as
// the consultant: pages of 250 over the mTLS channel, checked, opened,
// merged, stored and indexed in the vault (searchable afterwards). It
// reports apply-s (the vault's Apply: open, merge, store, index, commit,
// on the engine's goroutine) and net-s (the waits for pages on the
// engine's fetching goroutine: request, server, transfer, decode), which
// overlap; the rest of the engine's goroutine is the chain checks,
// rest-s (pull-s less apply-s). Its floor is
// office.Import of the same records into an empty vault with
// the same options: the same sealing work in reverse, the same index
// terms and Badger writes, without network or chain checks. It also
// reports a lower bound below that floor, a bulk load of the same
// envelopes alone (no index) into an encrypted Badger (badgerload-s).
func BenchmarkFirstPullE2E(b *testing.B) {
	ctx := context.Background()
	c := startBenchServer(b, embeddedStore(b))
	n := *benchRecords
	t0 := time.Now()
	founderDir := filepath.Join(c.dir, "A")
	fo, fs := newVault(b, founderDir)
	code := c.adminCode()
	creds, err := syncclient.Enroll(ctx, founderDir, code, "管理者PC")
	if err != nil {
		b.Fatal(err)
	}
	fcl := syncclient.New(creds)
	defer fcl.Close()
	if err := fcl.RegisterFirstAdmin(ctx, code, "kanri", adminPW, vault.TestKDF()); err != nil {
		b.Fatal(err)
	}
	if err := fo.Import(ctx, fs, businesses(n), nil); err != nil {
		b.Fatal(err)
	}
	r, err := vaultRemote(ctx, fcl, fo, fs, "kanri", adminPW)
	if err != nil {
		b.Fatal(err)
	}
	pushed, err := syncer.Run(ctx, fo.Replica(fs), r, syncer.Options{Tables: tables{fo, fs}})
	if err != nil {
		b.Fatal(err)
	}
	page, err := c.store.Pull(ctx, c.id.Office, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	var avg int
	for _, e := range page.Envelopes {
		avg += len(e.Data)
	}
	avg /= max(1, len(page.Envelopes))
	b.Logf("founder: %d businesses imported and %d versions pushed in %.1f s; envelopes of %d bytes on average", n, pushed.Pushed, time.Since(t0).Seconds(), avg)
	all := c.envelopes()

	var pullT, floorT, loadT, applyT, netT time.Duration
	var applied int
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		dir := filepath.Join(c.dir, fmt.Sprint("B", i))
		creds, err := syncclient.Enroll(ctx, dir, c.code(), "相談PC")
		if err != nil {
			b.Fatal(err)
		}
		cl := syncclient.New(creds)
		m, err := cl.Table(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := office.Join(dir, m.Data); err != nil {
			b.Fatal(err)
		}
		o, s := openOffice(b, dir, "soudan", staffPW)
		r, err := vaultRemote(ctx, cl, o, s, "soudan", staffPW)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		tl, tr := &timedLocal{Local: o.Replica(s)}, &timedRemote{Remote: r}
		res, err := syncer.Run(ctx, tl, tr, syncer.Options{Tables: tables{o, s}})
		pullT += time.Since(t0)
		applyT += tl.apply
		netT += tr.pull()
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		applied += res.Applied.New
		list, err := o.Businesses(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		hits, err := o.Search(ctx, s, fmt.Sprintf("ダミー商店%06d", n-1), 10)
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != n || len(hits) == 0 {
			b.Fatalf("the new PC lists %d businesses of %d, and finds %d for the last", len(list), n, len(hits))
		}
		cl.Close()
		o.Close()

		fdir := filepath.Join(c.dir, fmt.Sprint("F", i))
		o, s = newVault(b, fdir)
		recs := businesses(n)
		t0 = time.Now()
		if err := o.Import(ctx, s, recs, nil); err != nil {
			b.Fatal(err)
		}
		floorT += time.Since(t0)
		o.Close()
		loadT += badgerLoad(b, filepath.Join(c.dir, fmt.Sprint("L", i)), all)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(pullT.Seconds()/float64(b.N), "pull-s")
	b.ReportMetric(floorT.Seconds()/float64(b.N), "floor-s")
	b.ReportMetric(pullT.Seconds()/floorT.Seconds(), "x-floor")
	b.ReportMetric(float64(applied)/float64(b.N), "versions")
	b.ReportMetric(applyT.Seconds()/float64(b.N), "apply-s")
	b.ReportMetric(netT.Seconds()/float64(b.N), "net-s")
	b.ReportMetric((pullT-applyT).Seconds()/float64(b.N), "rest-s")
	b.ReportMetric(loadT.Seconds()/float64(b.N), "badgerload-s")
	b.ReportMetric(pullT.Seconds()/loadT.Seconds(), "x-badgerload")
	if rss := residentMB(); rss > 0 {
		b.ReportMetric(rss, "rss-MB")
	}
}

// envelopes returns every envelope the server holds.
func (c *benchServer) envelopes() []central.Envelope {
	var all []central.Envelope
	var after uint64
	for {
		p, err := c.store.Pull(context.Background(), c.id.Office, after, 0)
		if err != nil {
			c.tb.Fatal(err)
		}
		all = append(all, p.Envelopes...)
		if len(p.Envelopes) == 0 || !p.More {
			return all
		}
		after = p.Next
	}
}

// badgerLoad writes the envelopes' data under their id and rev into a new
// Badger database in dir, encrypted with a random key as the vault's store
// is, in one WriteBatch, synced; it returns how long that took.
func badgerLoad(tb testing.TB, dir string, envs []central.Envelope) time.Duration {
	tb.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := badger.Open(badger.DefaultOptions(dir).WithEncryptionKey(key).
		WithIndexCacheSize(16 << 20).WithBlockCacheSize(8 << 20).WithLogger(nil))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	t0 := time.Now()
	wb := db.NewWriteBatch()
	for _, e := range envs {
		if err := wb.Set([]byte("v/"+e.ID+"\x00"+e.Rev), e.Data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := wb.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := db.Sync(); err != nil {
		tb.Fatal(err)
	}
	return time.Since(t0)
}

// timedLocal is a Local that sums the time of Apply.
type timedLocal struct {
	syncer.Local
	apply time.Duration
}

func (l *timedLocal) Apply(ctx context.Context, in []syncer.Incoming, state map[string][]byte) (syncer.Applied, error) {
	t0 := time.Now()
	defer func() { l.apply += time.Since(t0) }()
	return l.Local.Apply(ctx, in, state)
}

// timedRemote is a Remote that sums the time it waits for pages (from
// the engine's fetching goroutine, which may still run as Run returns).
type timedRemote struct {
	syncer.Remote
	waited atomic.Int64 // nanoseconds
}

func (r *timedRemote) pull() time.Duration { return time.Duration(r.waited.Load()) }

func (r *timedRemote) Pull(ctx context.Context, after uint64, limit int) (*syncproto.PullResponse, error) {
	t0 := time.Now()
	defer func() { r.waited.Add(int64(time.Since(t0))) }()
	return r.Remote.Pull(ctx, after, limit)
}

// PullPages streams as the real client does; its time is the waits for
// pages (request, server, transfer, decode), not the time each is blocked
// handing a page on.
func (r *timedRemote) PullPages(ctx context.Context, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error {
	t0 := time.Now()
	err := r.Remote.(syncer.PageStreamer).PullPages(ctx, after, limit, pages, func(p *syncproto.PullResponse) error {
		r.waited.Add(int64(time.Since(t0)))
		err := each(p)
		t0 = time.Now()
		return err
	})
	r.waited.Add(int64(time.Since(t0)))
	return err
}
