//go:build unix

package office

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// The crash test runs this test binary again as a child that writes records
// and prints the id of each one whose save returned; the parent kills it
// with SIGKILL at a random moment, then checks the vault.
const crashChildEnv = "MADOGUCHI_CRASH_CHILD_VAULT"

// The default is CI's short run; the long run, whose result README.md
// quotes, is go test -run TestCrash ./app/office -crash.rounds 1000.
var (
	crashRounds = flag.Int("crash.rounds", 20, "crash test: how many times the writer is killed")
	crashSeed   = flag.Uint64("crash.seed", 0, "crash test: replay the kill moments of this seed (0: a new seed)")
)

// crashSample is how many records acknowledged in earlier rounds are
// checked again after each kill, besides all of the last round's; the last
// round checks every one.
const crashSample = 500

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	if out := os.Getenv(backupChildEnv); out != "" {
		os.Exit(backupChild(os.Getenv(crashChildDirEnv), out))
	}
	os.Exit(m.Run())
}

// crashChild logs in (password on standard input) and saves businesses and
// consultation records until it is killed.
func crashChild(dir string) int {
	pw, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	o, err := Open(dir, Options{KDF: vault.TestKDF()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := o.Login(context.Background(), "soudan", []byte(strings.TrimSpace(pw)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		b := dummyBusiness(fmt.Sprintf("クラッシュ試験%d商店", i), "クラッシュシケンショウテン", fmt.Sprintf("03-5556-%04d", i%10000))
		if err := o.SaveBusiness(context.Background(), s, b, SaveBusinessOptions{AllowDuplicate: true}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintln(out, b.ID)
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: "P-TEST", Date: "2026-10-01", Status: record.StDraft,
			Case: &record.ConsultationCase{Summary: "クラッシュ試験の相談"}}
		if err := o.SaveConsultation(context.Background(), s, c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintln(out, c.ID)
		out.Flush()
	}
}

// TestCrashLosesNoAcknowledgedRecord kills a writing process at random
// moments; after each kill the vault must open, the access log must verify,
// and every record whose save had returned must be there. The seed of the
// kill moments is logged; -crash.seed replays them (the child's progress
// within them still depends on the machine's timing).
func TestCrashLosesNoAcknowledgedRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rounds := *crashRounds
	t.Logf("seed %d, %d rounds (replay: -crash.seed %d -crash.rounds %d)", seed, rounds, seed, rounds)
	start := time.Now()
	f := newFixture(t)
	f.o.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))  // the kill moments
	pick := rand.New(rand.NewPCG(seed, 2)) // the earlier records checked again
	var acked []string
	for round := 0; round < rounds; round++ {
		ids := crashOnce(t, exe, f.dir, time.Duration(150+rng.IntN(350))*time.Millisecond)
		older := acked
		acked = append(acked, ids...)
		check := ids
		if round == rounds-1 || len(older) <= crashSample {
			check = acked
		} else {
			for range crashSample {
				check = append(check, older[pick.IntN(len(older))])
			}
		}
		o, err := Open(f.dir, Options{KDF: vault.TestKDF()})
		if err != nil {
			t.Fatalf("seed %d round %d: open: %v", seed, round, err)
		}
		s, err := o.Login(context.Background(), "kantoku", []byte(testPassword))
		if err != nil {
			t.Fatalf("seed %d round %d: login after crash: %v", seed, round, err)
		}
		if _, err := o.VerifyAudit(context.Background(), s); err != nil {
			t.Fatalf("seed %d round %d: audit after crash: %v", seed, round, err)
		}
		for _, id := range check {
			if err := present(o, s, id); err != nil {
				t.Fatalf("seed %d round %d: acknowledged record %s lost: %v", seed, round, id, err)
			}
		}
		o.Close()
		if rounds > 20 && (round+1)%100 == 0 {
			t.Logf("%d rounds, %d acknowledged records, %s", round+1, len(acked), time.Since(start).Round(time.Second))
		}
	}
	if len(acked) < rounds {
		t.Fatalf("only %d records acknowledged in %d rounds: the child barely wrote", len(acked), rounds)
	}
	t.Logf("seed %d: %d rounds, %d acknowledged records, all present, %s", seed, rounds, len(acked), time.Since(start).Round(time.Second))
}

// present opens the head of a record and its case part, without writing a
// view event per record (Record would, and that is slow for thousands).
func present(o *Office, s *Session, id string) error {
	k, _ := record.KindOfID(id)
	var v map[string]any
	if _, err := o.load(s, id, k, &v); err != nil {
		return err
	}
	if ok, err := o.loadCase(s, id, k, &v); err != nil || !ok {
		return fmt.Errorf("case part: ok=%v err=%w", ok, err)
	}
	return nil
}

// crashOnce starts the child, lets it write for d, kills it with SIGKILL and
// returns the ids it acknowledged.
func crashOnce(t *testing.T, exe, dir string, d time.Duration) []string {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	cmd.Stdin = strings.NewReader(testPassword + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	time.Sleep(d)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	var ids []string
	for l := range lines {
		ids = append(ids, l)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child ended before it was killed: %v\n%s", err, stderr.String())
	}
	return ids
}
