package local

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// captureStderr runs fn with os.Stderr and the standard logger redirected
// into a pipe and returns what was written to them.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	func() {
		origStderr, origLog := os.Stderr, log.Writer()
		os.Stderr = w
		log.SetOutput(w)
		defer func() {
			os.Stderr = origStderr
			log.SetOutput(origLog)
			_ = w.Close()
		}()
		fn()
	}()
	out := <-done
	_ = r.Close()
	return out
}

// TestBadgerLogsNotOnStderr opens a store with the wrong key, which makes
// Badger log an error while it cleans up, and checks that nothing reaches
// standard error.
func TestBadgerLogsNotOnStderr(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustCommit(t, s, write("r1", "business", "1"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	out := captureStderr(t, func() {
		_, err = Open(dir, testKey(2), Options{})
	})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with the wrong key = %v, want %v", err, ErrWrongKey)
	}
	if out != "" {
		t.Errorf("standard error got %q", out)
	}
}

func TestBadgerLogKeepsFormatsOnly(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name string
		log  func(l *badgerLog)
		want []string
	}{
		{"nothing", func(*badgerLog) {}, nil},
		{"arguments dropped", func(l *badgerLog) {
			l.Errorf("bad key %q", "x/name\x00secret\x00r1")
			l.Warningf("slow %v", "secret")
			l.Infof("info %s", "secret")
			l.Debugf("debug %s", "secret")
		}, []string{"error: bad key %q", "warning: slow %v"}},
		{"long line cut", func(l *badgerLog) { l.Errorf(long) }, []string{("error: " + long)[:maxWarningLen]}},
		{"ring keeps the newest", func(l *badgerLog) {
			for i := range maxWarnings + 3 {
				l.Warningf(fmt.Sprint(i))
			}
		}, func() []string {
			var w []string
			for i := 3; i < maxWarnings+3; i++ {
				w = append(w, "warning: "+fmt.Sprint(i))
			}
			return w
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &badgerLog{}
			tt.log(l)
			if got := (&Store{log: l}).Warnings(); !slices.Equal(got, tt.want) {
				t.Errorf("Warnings() = %q, want %q", got, tt.want)
			}
		})
	}
}
