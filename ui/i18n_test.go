package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
)

// TestEnglishSelectable switches to English and back.
func TestEnglishSelectable(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	must(t, LoadTranslations(LangEnglish))
	if got := lang.L("今日の予定"); got != "Today's schedule" {
		t.Fatalf("English 今日の予定 = %q", got)
	}
	must(t, LoadTranslations(LangJapanese))
	if got := lang.L("今日の予定"); got != "今日の予定" {
		t.Fatalf("Japanese 今日の予定 = %q", got)
	}
}

// TestTranslationKeys checks that every string the screens translate with
// tr or lang.L in this package's shell and reception files has an entry
// in ja.json and en.json.
func TestTranslationKeys(t *testing.T) {
	files := map[string]map[string]any{}
	for _, name := range []string{"ja", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "assets", "translations", name+".json"))
		must(t, err)
		m := map[string]any{}
		must(t, json.Unmarshal(b, &m))
		files[name] = m
	}
	call := regexp.MustCompile(`\b(?:tr|lang\.L)\(\s*"((?:[^"\\]|\\.)*)"`)
	srcs, err := filepath.Glob("*.go")
	must(t, err)
	for _, src := range srcs {
		// work_*.go belong to the work screens, whose strings are added
		// to the translation files when those screens land.
		if regexp.MustCompile(`_test\.go$|^work_|^screens_work`).MatchString(src) {
			continue
		}
		b, err := os.ReadFile(src)
		must(t, err)
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			for name, keys := range files {
				if _, ok := keys[m[1]]; !ok {
					t.Errorf("%s: %q missing from %s.json", src, m[1], name)
				}
			}
		}
	}
}

// TestProductNameInEnglish: the translation key 窓口 is the reservation
// channel ("At the counter"); the program's name is not translated. In
// English the window title and the login heading read "Madoguchi (窓口)".
func TestProductNameInEnglish(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	to := newTestOffice(t, t.TempDir())
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEnglish)
	u := New(a, Options{VaultDir: to.dir, Office: to.opt})
	t.Cleanup(func() { u.Shutdown(); u.win.Close() })
	u.Start()
	if got := u.win.Title(); got != "Madoguchi (窓口)" {
		t.Errorf("window title %q", got)
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if x, ok := o.(*canvas.Text); ok {
			texts = append(texts, x.Text)
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(u.win.Content())
	if !slices.Contains(texts, "Madoguchi (窓口)") || slices.Contains(texts, "At the counter") {
		t.Errorf("login heading: %q", texts)
	}
	if got := lang.L("窓口"); got != "At the counter" {
		t.Errorf("the channel 窓口 reads %q in English", got)
	}
	must(t, LoadTranslations(LangJapanese))
	u2 := newTestApp(t, to)
	if got := u2.win.Title(); got != "窓口 Madoguchi" {
		t.Errorf("Japanese window title %q", got)
	}
}
