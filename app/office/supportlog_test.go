package office

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSupportLog: one line per entry (time, version, operation, the error's
// text and types), a private file in a private folder, rotated before it
// grows past SupportLogMax.
func TestSupportLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "madoguchi", "madoguchi.log")
	l := SupportLog{Path: path, Now: func() time.Time { return time.Date(2026, 10, 1, 1, 2, 3, 0, time.UTC) }}
	cause := fmt.Errorf("save keyring: %w", &fs.PathError{Op: "open", Path: "/v/keyring.json", Err: fs.ErrPermission})
	if err := l.Record("user add", fmt.Errorf("two\nlines: %w", cause)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line := string(b)
	want := "2026-10-01T10:02:03+09:00\tversion=" + Version() + "\top=user add\terror=two / lines: save keyring: open /v/keyring.json: permission denied\tchain=*fmt.wrapError > *fmt.wrapError > *fs.PathError > *errors.errorString\n"
	if line != want {
		t.Fatalf("entry\n%q, want\n%q", line, want)
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := fs.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v", p, fi.Mode().Perm())
		}
	}
	// Fill past the cap: the log rotates to .1 and starts again.
	big := errors.New(strings.Repeat("x", maxLogError))
	for range SupportLogMax/maxLogError + 2 {
		if err := l.Record("demo", big); err != nil {
			t.Fatal(err)
		}
	}
	cur, err1 := os.Stat(path)
	old, err2 := os.Stat(path + ".1")
	if err1 != nil || err2 != nil || cur.Size() > SupportLogMax || old.Size() > SupportLogMax || cur.Size() == 0 {
		t.Fatalf("after rotation: %v %v %v %v", cur, old, err1, err2)
	}
	if (SupportLog{}).Record("x", big) != nil {
		t.Error("no path: nothing to do")
	}
}
