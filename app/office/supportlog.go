package office

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"time"
)

// SupportLogMax is the size beyond which the support log is rotated: the
// file becomes <name>.1 (replacing the one before) and a new one starts.
const SupportLogMax = 1 << 20

// maxLogError caps the error text of one entry.
const maxLogError = 4096

// SupportLogPath returns the per-user support log, madoguchi/madoguchi.log
// in the user's configuration folder (beside the default vault,
// madoguchi/office).
func SupportLogPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("support log: %w", err)
	}
	return filepath.Join(dir, "madoguchi", "madoguchi.log"), nil
}

// SupportLog is the file support asks for when something failed that the
// message to the person cannot explain (Class.Logged). One entry is one
// line: the time, the program's version, the operation, the error's text
// and the Go types of its chain. Nothing else goes in: the errors of this
// program never carry a record's content (names, phone numbers, notes),
// only record ids, login IDs, field labels, counts and file paths. The file and its folder
// are private to the user (0600, 0700); it is rotated at SupportLogMax.
type SupportLog struct {
	Path string
	Now  func() time.Time // nil means time.Now
}

// Record appends the entry for err, which happened during op ("search",
// "print schedule", "window"). Each entry is one append, so entries of two
// programs do not interleave. The error returned is about the log itself.
func (l SupportLog) Record(op string, err error) error {
	if l.Path == "" || err == nil {
		return nil
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	line := fmt.Sprintf("%s\tversion=%s\top=%s\terror=%s\tchain=%s\n", now().In(jst).Format(time.RFC3339),
		Version(), oneLine(op), capText(oneLine(err.Error()), maxLogError), strings.Join(errorChain(err), " > "))
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
		return fmt.Errorf("support log: %w", err)
	}
	if fi, err := os.Stat(l.Path); err == nil && fi.Size()+int64(len(line)) > SupportLogMax {
		if err := os.Rename(l.Path, l.Path+".1"); err != nil {
			return fmt.Errorf("support log: %w", err)
		}
	}
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("support log: %w", err)
	}
	_ = f.Chmod(0o600) // a file someone made wider
	_, werr := f.WriteString(line)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("support log: %w", werr)
	}
	return nil
}

// ReleaseVersion is the release's version (FyneApp.toml's, set by the
// main package at start); empty leaves the module version.
var ReleaseVersion string

// Version is the program's version: the release's (ReleaseVersion) or
// else the module's as the build recorded it ("(devel)" from a checkout),
// and, when built from a checkout, the commit.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if ReleaseVersion != "" {
			return ReleaseVersion
		}
		return "unknown"
	}
	v := bi.Main.Version
	if ReleaseVersion != "" {
		v = ReleaseVersion
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+"
		}
	}
	return v
}

// errorChain lists the Go types of err and of every error it wraps, depth
// first.
func errorChain(err error) []string {
	if err == nil {
		return nil
	}
	out := []string{reflect.TypeOf(err).String()}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, errorChain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, errorChain(e)...)
		}
	}
	return out
}

// oneLine keeps a text on one line of the log.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " / ", "\t", " ").Replace(s)
}

// capText cuts s to at most n bytes, at a rune boundary.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
