package syncer_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

var kills = flag.Int("sync.kills", 16, "kill -9 rounds of TestKill (long mode: hundreds)")

// Environment of the child processes of TestKill: the test binary runs as
// a server, or as one client's sync, and is killed with SIGKILL.
const (
	envServer = "MADOGUCHI_SYNCTEST_SERVER" // the server's data folder
	envClient = "MADOGUCHI_SYNCTEST_CLIENT" // vault folder, "|", login
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envServer); dir != "" {
		os.Exit(childServer(dir))
	}
	if v := os.Getenv(envClient); v != "" {
		os.Exit(childClient(v))
	}
	os.Exit(pgtest.Main(m))
}

func childServer(data string) int {
	id, err := server.Load(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	st, err := embedded.Open(filepath.Join(data, "store"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", id.Addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &server.Server{ID: id, Store: st, LoginPerMinute: -1, DevicePerMinute: -1,
		LoginKDF: vault.TestKDF(), VerifierKDF: vault.TestKDF()}
	fmt.Println("serving")
	if err := srv.Serve(context.Background(), ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func childClient(arg string) int {
	dir, login, _ := strings.Cut(arg, "|")
	ctx := context.Background()
	o, err := office.Open(dir, testOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := o.Login(ctx, login, []byte(pwOf(login)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	creds, err := syncclient.Load(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cl := syncclient.New(creds)
	se, err := cl.Login(ctx, login, pwOf(login))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("syncing")
	if _, err := syncer.Run(ctx, o.Replica(s), cl.Remote(se), syncer.Options{Tables: tables{o, s}, PageSize: 3, BatchSize: 2}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// child starts the test binary in a child mode and waits for its first
// line (it is ready). A child that ends before it is ready is started again
// (at most three times), its error logged: a server that cannot start
// shows why instead of leaving the next sync to find nobody listening.
func child(t *testing.T, env string) *exec.Cmd {
	t.Helper()
	for try := 1; ; try++ {
		cmd, err := startChild(env)
		if err == nil {
			return cmd
		}
		if try == 3 {
			t.Fatalf("child %s: %v", env, err)
		}
		t.Logf("child %s, try %d: %v", env, try, err)
		time.Sleep(200 * time.Millisecond)
	}
}

func startChild(env string) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(os.Stderr, &stderr)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan bool, 1)
	go func() {
		b := make([]byte, 64)
		n, _ := out.Read(b)
		ready <- n > 0
		for {
			if _, err := out.Read(b); err != nil {
				return
			}
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			werr := cmd.Wait()
			return nil, fmt.Errorf("ended before it was ready (%v): %s", werr, bytes.TrimSpace(stderr.Bytes()))
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, errors.New("did not start within 30 s")
	}
	return cmd, nil
}

// kill9 kills cmd with SIGKILL and reports whether it was still running.
func kill9(cmd *exec.Cmd) bool {
	_ = cmd.Process.Kill() // SIGKILL on Unix
	_ = cmd.Wait()
	return !cmd.ProcessState.Exited()
}

// TestKill kills the server and the clients with SIGKILL in the middle of
// syncs: the server is a child process on the office's data, a client's
// sync runs in a child process on its vault. Whatever was cut, the next
// syncs converge and nothing saved is lost (the oracle of TestSchedules).
func TestKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d, %d kill rounds (-sync.kills N for more)", seed, *kills)
	rng := rand.New(rand.NewPCG(seed, ^seed))

	c := startCentral(t)
	a := founder(t, c)
	pcs := []*pc{a, join(t, c, "B"), join(t, c, "C")}
	logins := map[*pc]string{pcs[0]: "kanri", pcs[1]: "soudan", pcs[2]: "soudan"}
	for _, p := range pcs[1:] {
		mustSync(t, p, logins[p])
	}
	c.stop()
	srv := child(t, envServer+"="+c.data)
	defer func() { kill9(srv) }()
	var clientKills, clientRounds int

	var ids []string
	var saves []editRec
	counter := 0
	for round := range *kills {
		for range 1 + rng.IntN(3) {
			p := pcs[rng.IntN(len(pcs))]
			id := ""
			if len(ids) > 0 && rng.IntN(3) > 0 {
				id = ids[rng.IntN(len(ids))]
			}
			counter++
			if e, ok := saveRandom(t, p, logins[p], id, rng, seed, counter); ok {
				if id == "" {
					ids = append(ids, e.id)
				}
				saves = append(saves, e)
			}
		}
		p := pcs[rng.IntN(len(pcs))]
		delay := time.Duration(rng.IntN(40)) * time.Millisecond
		if rng.IntN(2) == 0 {
			// The server dies in the middle of p's sync.
			done := make(chan error, 1)
			go func() { _, err := p.sync(logins[p]); done <- err }()
			time.Sleep(delay)
			kill9(srv)
			err := <-done
			if err != nil && !errors.Is(err, syncclient.ErrUnreachable) && !errors.Is(err, syncclient.ErrRefused) {
				var ne net.Error
				if !errors.As(err, &ne) {
					t.Logf("round %d: %s's sync when the server died: %v", round, p.name, err)
				}
			}
			if errors.Is(err, syncproto.ErrMalformed) || errors.Is(err, syncproto.ErrForked) || errors.Is(err, syncproto.ErrRolledBack) {
				t.Fatalf("round %d: %s: %v", round, p.name, err)
			}
			srv = child(t, envServer+"="+c.data)
		} else {
			// p's own sync process dies.
			p.close()
			cl := child(t, envClient+"="+p.dir+"|"+logins[p])
			time.Sleep(delay)
			clientRounds++
			if kill9(cl) {
				clientKills++
			}
		}
	}
	t.Logf("%d of %d client syncs killed before they ended", clientKills, clientRounds)
	for range 2 {
		for _, p := range pcs {
			mustSync(t, p, logins[p])
		}
	}
	snap := sameSnapshots(t, pcs...)
	checkOracle(t, pcs[1], ids, saves, snap)
}
