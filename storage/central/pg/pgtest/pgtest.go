// Package pgtest gives tests a throwaway PostgreSQL database.
//
// With MADOGUCHI_TEST_PG set to a connection string, the databases are made
// on that server (its user needs CREATEDB). Otherwise the first test that
// asks starts a private cluster of the installed PostgreSQL (initdb and
// postgres, found on PATH or under /usr/lib/postgresql/*/bin): a temporary
// data directory, listening on a Unix socket inside it and on no TCP port at
// all, fsync off. PostgreSQL refuses to run as root, so when the tests run as
// root the cluster runs as the user madoguchi-pg (created with useradd when
// missing). Main stops the cluster and removes its directory after the
// package's tests; if the test process dies first, the kernel stops the
// cluster with it.
//
// Without PostgreSQL the tests skip, saying why, unless
// MADOGUCHI_TEST_PG_REQUIRED=1 (scripts/test-all.sh sets it): then they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The environment variables.
const (
	EnvDSN      = "MADOGUCHI_TEST_PG"
	EnvRequired = "MADOGUCHI_TEST_PG_REQUIRED"
	// User is the account the private cluster runs as when the tests run
	// as root.
	User = "madoguchi-pg"
)

// server is the PostgreSQL the tests use.
type server struct {
	base   string // connection string of the server, its database to be set by withDB
	admin  string // connection string for CREATE and DROP DATABASE
	bin    string // directory of pg_dump, "" to take it from PATH
	dir    string // the private cluster's directory, "" for MADOGUCHI_TEST_PG
	proc   *os.Process
	exited chan struct{}
}

var (
	mu      sync.Mutex
	current *server
	failed  error // why no server could be had; asked once
	dbSeq   atomic.Int64
)

// Main runs the package's tests and then stops the private cluster:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the private cluster, if one runs, and removes its directory.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if current == nil || current.proc == nil {
		return
	}
	s := current
	current = nil
	s.proc.Signal(syscall.SIGINT) // fast shutdown
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		s.proc.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

// DB returns the connection string of a new, empty database, dropped when
// the test ends. Without PostgreSQL it skips the test (or fails it, see the
// package comment).
func DB(tb testing.TB) string {
	tb.Helper()
	s, err := get()
	if err != nil {
		unavailable(tb, err)
	}
	name := fmt.Sprintf("madoguchi_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := adminExec(ctx, s, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, s, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return withDB(s.base, name)
}

// Dump returns the output of pg_dump of the database of dsn (plain SQL with
// the data as COPY). It skips when pg_dump is not installed.
func Dump(tb testing.TB, dsn string) []byte {
	tb.Helper()
	s, err := get()
	if err != nil {
		unavailable(tb, err)
	}
	bin := "pg_dump"
	if s.bin != "" {
		bin = filepath.Join(s.bin, "pg_dump")
	}
	if _, err := exec.LookPath(bin); err != nil {
		tb.Skipf("pg_dump is not installed: %v", err)
	}
	out, err := exec.Command(bin, "--no-owner", "--dbname="+dsn).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		tb.Fatalf("pg_dump: %v %s", err, msg)
	}
	return out
}

// Files returns the bytes of every file of the database of dsn in the
// private cluster's data directory (base/<database oid>), after a
// CHECKPOINT, for a scan of what is on disk. It skips for a server of
// MADOGUCHI_TEST_PG, whose files the tests cannot read. The write-ahead
// log (pg_wal) is not included: it keeps old rows until it is recycled.
func Files(tb testing.TB, dsn string) []byte {
	tb.Helper()
	s, err := get()
	if err != nil {
		unavailable(tb, err)
	}
	if s.dir == "" {
		tb.Skip("the database's files are not readable (MADOGUCHI_TEST_PG)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	var oid uint32
	if err := conn.QueryRow(ctx, "SELECT oid FROM pg_database WHERE datname = current_database()").Scan(&oid); err != nil {
		tb.Fatal(err)
	}
	if err := adminExec(ctx, s, "CHECKPOINT"); err != nil {
		tb.Fatalf("checkpoint: %v", err)
	}
	var out []byte
	root := filepath.Join(s.dir, "data", "base", strconv.FormatUint(uint64(oid), 10))
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed meanwhile
		}
		out = append(out, b...)
		return err
	})
	if err != nil {
		tb.Fatalf("read the database's files: %v", err)
	}
	return out
}

func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv(EnvRequired) == "1" {
		tb.Fatalf("PostgreSQL is required here (%s=1): %v", EnvRequired, err)
	}
	tb.Skipf("no PostgreSQL for this test: %v (install Debian's postgresql, or set %s to a connection string)", err, EnvDSN)
}

func get() (*server, error) {
	mu.Lock()
	defer mu.Unlock()
	if current != nil {
		return current, nil
	}
	if failed != nil {
		return nil, failed
	}
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		current = &server{base: dsn, admin: dsn}
		return current, nil
	}
	current, failed = start()
	return current, failed
}

func adminExec(ctx context.Context, s *server, sql string) error {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDB sets the database of a connection string (URL or key=value form).
func withDB(dsn, db string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.Path = "/" + db
			return u.String()
		}
	}
	return strings.TrimSpace(dbnameRE.ReplaceAllString(dsn, "")) + " dbname=" + db
}

var dbnameRE = regexp.MustCompile(`(^|\s)dbname=('[^']*'|\S*)`)

// findBin returns the directory of initdb and postgres.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("initdb is neither on PATH nor under /usr/lib/postgresql/*/bin")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// account returns the credentials the cluster runs with: none (the
// current user) unless the tests run as root.
func account() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(User)
	if err != nil {
		out, err2 := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", User).CombinedOutput()
		if err2 != nil {
			return nil, fmt.Errorf("PostgreSQL does not run as root and the user %s cannot be made: %v %s", User, err2, out)
		}
		if u, err = user.Lookup(User); err != nil {
			return nil, err
		}
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// start makes and starts the private cluster.
func start() (*server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	cred, err := account()
	if err != nil {
		return nil, err
	}
	// Under /tmp: every user can reach it (the cluster's user must), and
	// the socket's path stays short (at most 107 bytes).
	parent := ""
	if fi, err := os.Stat("/tmp"); err == nil && fi.IsDir() {
		parent = "/tmp"
	}
	sweep(parent)
	dir, err := os.MkdirTemp(parent, "madoguchi-pg-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	env := []string{"LC_ALL=C", "LANG=C", "PATH=" + bin + ":/usr/bin:/bin", "TZ=UTC"}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir, initdb.Env = dir, env
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	const port = "5432" // only names the socket file inside dir
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-p", port,
		"-c", "listen_addresses=", "-c", "unix_socket_permissions=0700",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB", "-c", "log_min_messages=warning")
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The kernel stops the cluster (immediate shutdown) when this process
	// dies. The signal follows the thread that started the child, so that
	// thread is kept for the cluster's lifetime.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			close(exited)
			return
		}
		started <- nil
		cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	base := fmt.Sprintf("host=%s port=%s user=postgres sslmode=disable", dir, port)
	s := &server{base: base, admin: base + " dbname=postgres", bin: bin, dir: dir, proc: cmd.Process, exited: exited}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.admin)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			break
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited at start:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not accept connections within a minute: %v\n%s", err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ok = true
	return s, nil
}

// sweep removes the directories of clusters left behind by test processes
// that were killed (their cluster stopped with them): older than ten
// minutes, and no live postmaster in them.
func sweep(parent string) {
	if parent == "" {
		parent = os.TempDir()
	}
	dirs, _ := filepath.Glob(filepath.Join(parent, "madoguchi-pg-*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < 10*time.Minute {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			line, _, _ := strings.Cut(string(b), "\n")
			if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && syscall.Kill(pid, 0) == nil {
				continue
			}
		}
		os.RemoveAll(d)
	}
}
