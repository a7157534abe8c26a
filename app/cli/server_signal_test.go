//go:build unix

package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperServer is not a test: TestServerSIGTERM runs the test binary
// with it to get a server process of its own.
func TestHelperServer(t *testing.T) {
	data := os.Getenv("MADOGUCHI_HELPER_SERVER")
	if data == "" {
		t.Skip("helper process only")
	}
	os.Exit(Run([]string{"server", "--data", data, "--listen", "127.0.0.1:0"}, &Env{Stdin: strings.NewReader(""), Stdout: os.Stdout, Stderr: os.Stderr}))
}

func TestServerSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	data := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServer$")
	cmd.Env = append(os.Environ(), "MADOGUCHI_HELPER_SERVER="+data)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	started := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), "待ち受け:") {
			started = true
			break
		}
	}
	if !started {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the server did not start")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(rest.String(), "サーバーを終了しました") {
			t.Errorf("after SIGTERM: %v, %q", err, rest.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit 20 s after SIGTERM")
	}
	// The store was closed: it opens again.
	if code, _, errs := run(t, "", "server", "enroll", "--data", data); code != ExitOK {
		t.Errorf("server enroll after the stop: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(data, "store")); err != nil {
		t.Error(err)
	}
}
