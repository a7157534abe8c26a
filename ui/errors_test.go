package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestErrorsInEnglish: with English chosen in the settings, the window
// words the office's errors in English (the login message here).
func TestErrorsInEnglish(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	to := uitest.NewOffice(t, "", uitest.Counter)
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEnglish)
	u := newTestAppOn(t, a, to)
	u.Start()
	logIn(t, u, "uketsuke", "wrong-password")
	if got, want := u.login.message.Text, office.MessageIn(office.English, office.ErrWrongPassword); got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
}

// TestUnexpectedErrorIsLogged: an error the message cannot explain goes in
// full to the support log (0600, in the user's configuration folder), and
// the window's message says where that file is.
func TestUnexpectedErrorIsLogged(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	path, err := office.SupportLogPath()
	must(t, err)
	if !strings.HasPrefix(path, os.Getenv("XDG_CONFIG_HOME")) || filepath.Base(path) != "madoguchi.log" {
		t.Fatalf("support log at %s", path)
	}
	_ = os.Remove(path) // entries of other tests
	cause := errors.New("write index: no space left on device")
	for _, l := range []string{LangJapanese, LangEnglish} {
		must(t, LoadTranslations(l))
		msg := widgets.ErrText(cause)
		lang := officeLang()
		if !strings.HasPrefix(msg, office.MessageIn(lang, cause)) || !strings.Contains(msg, office.LogHint(lang, path)) {
			t.Errorf("%s: message %q", l, msg)
		}
	}
	b, err := os.ReadFile(path)
	must(t, err)
	if n := strings.Count(string(b), "no space left on device"); n != 2 || !strings.Contains(string(b), "op=window") {
		t.Errorf("log:\n%s", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, %v", fi.Mode(), err)
	}
	// A wrong password is said in full by the message: nothing is logged.
	if msg := widgets.ErrText(office.ErrWrongPassword); strings.Contains(msg, path) {
		t.Errorf("wrong password: %q", msg)
	}
	if after, _ := os.ReadFile(path); len(after) != len(b) {
		t.Error("a wrong password was logged")
	}
}
