//go:build unix

package office

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// The backup kill test runs this test binary as a child that backs the
// vault up to one file again and again (see TestMain in crash_test.go).
const (
	backupChildEnv   = "MADOGUCHI_BACKUP_CHILD_OUT"
	crashChildDirEnv = "MADOGUCHI_BACKUP_CHILD_VAULT"
)

// backupChild logs in as the admin (password on standard input) and
// writes backups to out until it is killed, printing "ok" after each.
func backupChild(dir, out string) int {
	pw, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	o, err := Open(dir, Options{KDF: vault.TestKDF()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := o.Login(context.Background(), "admin", []byte(strings.TrimSpace(pw)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for {
		if _, err := o.Backup(context.Background(), s, out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("ok")
	}
}

// TestBackupKilledLeavesOldBackup kills a process in the middle of
// writing a backup over an older one: the file at the path must still be
// a whole backup that restores.
func TestBackupKilledLeavesOldBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	f, out, _ := backupFixture(t)
	// Some bulk, so that a backup takes a while.
	f.as("soudan", func(s *Session) {
		for i := range 150 {
			f.business(s, fmt.Sprintf("大量試験%d商店", i), "タイリョウシケンショウテン", fmt.Sprintf("03-5558-%04d", i))
		}
	})
	f.o.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	midWrite := 0
	for round := range 4 {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), backupChildEnv+"="+out, crashChildDirEnv+"="+f.dir)
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
		sc := bufio.NewScanner(stdout)
		if !sc.Scan() { // one backup done: the loop is running
			cmd.Wait()
			t.Fatalf("round %d: child wrote no backup: %s", round, stderr.String())
		}
		time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() {
		}
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: child ended before it was killed: %s", round, stderr.String())
		}
		if _, err := os.Stat(out + ".tmp"); err == nil {
			midWrite++
		}
		dir := filepath.Join(t.TempDir(), "restored")
		if _, err := Restore(context.Background(), out, dir, "admin", []byte(testPassword), Options{KDF: vault.TestKDF()}); err != nil {
			t.Fatalf("round %d: the backup after the kill does not restore: %v", round, err)
		}
	}
	if midWrite == 0 {
		t.Fatal("no kill came in the middle of a backup")
	}
	t.Logf("%d of 4 kills came while a backup was being written", midWrite)
}
