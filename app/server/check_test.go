package server

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkServer makes a server data folder whose certificates were made at
// made.
func checkServer(t *testing.T, made time.Time) (string, *Identity) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "server")
	id, err := Init(dir, "さくら区 経営相談窓口", "127.0.0.1:8443", made)
	if err != nil {
		t.Fatal(err)
	}
	return dir, id
}

// findings keeps the findings of what at level or worse.
func findings(fs []Finding, what string, level Level) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.What == what && f.Level >= level {
			out = append(out, f)
		}
	}
	return out
}

func TestCheckCertificates(t *testing.T) {
	made := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	dir, id := checkServer(t, made)
	expiry := id.leaf.NotAfter
	for _, c := range []struct {
		name  string
		at    time.Time
		level Level
		words string
	}{
		{"fresh", made.Add(time.Hour), LevelOK, "まで有効"},
		{"expiring", expiry.Add(-10 * 24 * time.Hour), LevelWarning, "あと 10 日"},
		{"expired", expiry.Add(time.Hour), LevelError, "切れています"},
		{"not yet valid (clock behind)", made.Add(-48 * time.Hour), LevelError, "時計を確かめて"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := Check(context.Background(), CheckOptions{Data: dir, Now: func() time.Time { return c.at }})
			got := findings(fs, "certificate", LevelOK)
			if len(got) != 2 {
				t.Fatalf("%d certificate findings", len(got))
			}
			worst := got[0]
			if got[1].Level > worst.Level {
				worst = got[1]
			}
			if worst.Level != c.level || !strings.Contains(worst.Ja, c.words) || worst.En == "" {
				t.Errorf("%+v, want level %d with %q", worst, c.level, c.words)
			}
			if Failed(fs) != (c.level == LevelError) {
				t.Errorf("Failed = %v", Failed(fs))
			}
		})
	}
}

func TestCheckPermissions(t *testing.T) {
	dir, _ := checkServer(t, time.Now())
	if fs := Check(context.Background(), CheckOptions{Data: dir}); Failed(fs) {
		t.Fatalf("a fresh data folder fails: %+v", fs)
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{
		{dir, 0o755},
		{filepath.Join(dir, identityDir), 0o750},
		{filepath.Join(dir, identityDir, keyFile), 0o644},
		{filepath.Join(dir, identityDir, caKeyFile), 0o640},
	} {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			st, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(c.path, c.mode); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(c.path, st.Mode().Perm())
			fs := Check(context.Background(), CheckOptions{Data: dir})
			bad := findings(fs, "permissions", LevelError)
			if len(bad) != 1 || !strings.Contains(bad[0].Ja, "chmod") || !strings.Contains(bad[0].Ja, c.path) {
				t.Errorf("findings %+v", bad)
			}
		})
	}
}

func TestCheckNoIdentity(t *testing.T) {
	fs := Check(context.Background(), CheckOptions{Data: t.TempDir()})
	if !Failed(fs) || len(findings(fs, "identity", LevelError)) != 1 {
		t.Errorf("an empty folder: %+v", fs)
	}
}

func TestCheckDatabase(t *testing.T) {
	dir, _ := checkServer(t, time.Now())
	now := time.Now()
	for _, c := range []struct {
		name  string
		db    func(context.Context) (time.Time, int, int, error)
		what  string
		level Level
		words string
	}{
		{"unreachable", func(context.Context) (time.Time, int, int, error) {
			return time.Time{}, 0, 0, errors.New("connection refused")
		}, "database", LevelError, "接続できません"},
		{"no tables yet", func(context.Context) (time.Time, int, int, error) { return now, 0, 3, nil }, "database", LevelWarning, "初回起動"},
		{"newer schema", func(context.Context) (time.Time, int, int, error) { return now, 4, 3, nil }, "database", LevelError, "更新して"},
		{"fine", func(context.Context) (time.Time, int, int, error) { return now, 3, 3, nil }, "database", LevelOK, "接続できます"},
		{"clock skew", func(context.Context) (time.Time, int, int, error) { return now.Add(-5 * time.Minute), 3, 3, nil }, "clock", LevelError, "ずれています"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := Check(context.Background(), CheckOptions{Data: dir, Database: c.db, Now: func() time.Time { return now }})
			got := findings(fs, c.what, c.level)
			if len(got) != 1 || got[0].Level != c.level || !strings.Contains(got[0].Ja, c.words) {
				t.Errorf("%+v", fs)
			}
		})
	}
}

func TestCheckListener(t *testing.T) {
	dir, id := checkServer(t, time.Now())
	ours := httptest.NewUnstartedServer(http.NotFoundHandler())
	ours.TLS = &tls.Config{Certificates: []tls.Certificate{id.Cert}, MinVersion: tls.VersionTLS13}
	ours.StartTLS()
	defer ours.Close()
	other := httptest.NewTLSServer(http.NotFoundHandler()) // another key
	defer other.Close()
	addr := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "https://") }
	now := time.Now()
	for _, c := range []struct {
		name   string
		listen string
		now    time.Time
		what   string
		level  Level
	}{
		{"answers", addr(ours), now, "listener", LevelOK},
		{"same clock", addr(ours), now, "clock", LevelOK},
		{"clock ahead", addr(ours), now.Add(10 * time.Minute), "clock", LevelError},
		{"another key", addr(other), now, "listener", LevelError},
		{"nobody there", "127.0.0.1:1", now, "listener", LevelError},
		{"malformed", "8443", now, "listener", LevelError},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := Check(context.Background(), CheckOptions{Data: dir, Listen: c.listen, Now: func() time.Time { return c.now }})
			got := findings(fs, c.what, LevelOK)
			if len(got) != 1 || got[0].Level != c.level {
				t.Errorf("%+v", fs)
			}
		})
	}
}
