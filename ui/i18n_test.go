package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"github.com/madoguchi-jp/madoguchi/app/holiday"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestEnglishSelectable switches to English and back; the keys that one
// Japanese word shares between two meanings read differently in English.
func TestEnglishSelectable(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	must(t, LoadTranslations(LangEnglish))
	for key, want := range map[string]string{
		"今日の予定": "Today's schedule",
		"ロック":   "Lock", "ロック@audit": "Locked out",
		"差戻し": "Sent back", "差戻し@button": "Send back",
		"確定": "Confirmed", "確定@button": "Confirm",
	} {
		if got := tr(key); got != want {
			t.Errorf("English %s = %q, want %q", key, got, want)
		}
	}
	must(t, LoadTranslations(LangJapanese))
	for key, want := range map[string]string{"今日の予定": "今日の予定", "ロック@audit": "ロック", "差戻し@button": "差戻し"} {
		if got := tr(key); got != want {
			t.Errorf("Japanese %s = %q, want %q", key, got, want)
		}
	}
}

// The translation files: one per language, [prefix.]lang.json as Fyne
// names them.
var translationLangs = []string{LangJapanese, LangEnglish}

// moduleRoot is the folder of go.mod above the test's folder.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	must(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// readTranslationFile reads one translation file token by token: Go's JSON
// decoder keeps the last of two equal keys without a word, so a duplicate
// is an error here.
func readTranslationFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: not a JSON object (%v)", path, err)
	}
	out := map[string]string{}
	var dups []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		v, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		key, ok1 := k.(string)
		val, ok2 := v.(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: %v is not a string to a string", path, k)
		}
		if _, seen := out[key]; seen {
			dups = append(dups, key)
		}
		out[key] = val
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("%s: object not closed (%v)", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: data after the object", path)
	}
	if len(dups) > 0 {
		return out, fmt.Errorf("%s: duplicate keys %q", path, dups)
	}
	return out, nil
}

func TestReadTranslationFileFindsDuplicates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "en.json")
	must(t, os.WriteFile(path, []byte(`{"ロック": "Lock", "確定": "Confirmed", "ロック": "Locked out"}`), 0o600))
	if _, err := readTranslationFile(path); err == nil || !strings.Contains(err.Error(), "ロック") {
		t.Fatalf("duplicate key not reported: %v", err)
	}
}

// loadTranslationFiles reads every language's file and fails on a
// duplicate key or a file that is not one of ja.json and en.json.
func loadTranslationFiles(t *testing.T) map[string]map[string]string {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), "assets", "translations")
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	must(t, err)
	files := map[string]map[string]string{}
	for _, l := range translationLangs {
		m, err := readTranslationFile(filepath.Join(dir, l+".json"))
		if err != nil {
			t.Error(err)
		}
		files[l] = m
	}
	if len(names) != len(translationLangs) {
		t.Errorf("translation files %v: want one per language (%v): a second file per language lets the one loaded last win", names, translationLangs)
	}
	return files
}

// fyneKey reports whether key is one of Fyne's own English strings (its
// dialogs' buttons, the file dialog): those need only a Japanese entry.
func fyneKey(key string) bool {
	for _, r := range key {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// TestTranslationFiles checks each language's file: no duplicate key, no
// key missing in the other language, the Japanese text of each key as its
// Japanese value, and no empty English text.
func TestTranslationFiles(t *testing.T) {
	files := loadTranslationFiles(t)
	ja, en := files[LangJapanese], files[LangEnglish]
	for k, v := range ja {
		if fyneKey(k) {
			continue
		}
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in ja.json but not in en.json", k)
		}
		if v != widgets.JapaneseText(k) {
			t.Errorf("ja.json: %q reads %q, want its own text %q", k, v, widgets.JapaneseText(k))
		}
	}
	for k, v := range en {
		if _, ok := ja[k]; !ok {
			t.Errorf("%q is in en.json but not in ja.json", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("en.json: %q has no text", k)
		}
	}
}

// The ways the ui code names a translation key: tr("…"), lang.L("…"),
// widgets.T("…"), a form row (ff.Add("…", …)), a screen's Title, a menu
// item, a table's headers and the audit actions' names, and any literal
// with a context (widgets.ContextMark).
var (
	keyCalls = regexp.MustCompile(`(?:\btr|\blang\.L|\bwidgets\.T|\b(?:ff|form)\.Add|\bitem|\bHeading|\bNewTable)\(\s*"((?:[^"\\]|\\.)*)"`)
	keyTitle = regexp.MustCompile(`\bTitle:\s*"((?:[^"\\]|\\.)*)"`)
	keyPairs = regexp.MustCompile(`\{audit\.Act\w+,\s*"((?:[^"\\]|\\.)*)"\}`)
	keyLists = regexp.MustCompile(`NewTable\(\[\]string\{([^}]*)\}`)
	keyCtx   = regexp.MustCompile(`"([^"\\]+` + widgets.ContextMark + `[a-z]+)"`)
	literal  = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// uiSources returns the ui Go files (this folder and below), without tests.
func uiSources(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join(moduleRoot(t), "ui")
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		out[rel] = string(b)
		return err
	})
	must(t, err)
	if len(out) == 0 {
		t.Fatal("no ui sources found")
	}
	return out
}

// codeKeys returns the translation keys the ui code names, with a file
// that names each.
func codeKeys(t *testing.T) map[string]string {
	keys := map[string]string{}
	for name, src := range uiSources(t) {
		for _, re := range []*regexp.Regexp{keyCalls, keyTitle, keyPairs, keyCtx} {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				keys[m[1]] = name
			}
		}
		for _, list := range keyLists.FindAllStringSubmatch(src, -1) {
			for _, m := range literal.FindAllStringSubmatch(list[1], -1) {
				keys[m[1]] = name
			}
		}
	}
	delete(keys, "")
	return keys
}

// dataKeys are the Japanese values that records and the office hand to the
// screens, which show them translated (tr(r.Status), textChoices(…)).
func dataKeys() []string {
	var out []string
	for _, list := range [][]string{
		record.Forms(), record.Categories(), record.Channels(), record.ReservationStatuses(), record.CheckAnswers(),
		record.Modes(), record.ConsultationStatuses(), record.Topics(), record.Troubles(), record.SalesDrops(),
		record.LoanStatuses(), record.ProgramLevels(), record.StaffRoles(), record.Qualifications(),
		record.DispatchStatuses(),
	} {
		out = append(out, list...)
	}
	for _, r := range office.AllRoles() {
		out = append(out, r.Label())
	}
	return append(out, holiday.Names()...) // the calendar shows them translated
}

// TestTranslationKeysInCode fails on a key the ui code or the records use
// that a language's file lacks, and on a key of the files that no code
// names (a leftover of a removed string).
func TestTranslationKeysInCode(t *testing.T) {
	files := loadTranslationFiles(t)
	used := codeKeys(t)
	for _, k := range dataKeys() {
		used[k] = "app/record"
	}
	var missing []string
	for k, where := range used {
		for _, l := range translationLangs {
			if _, ok := files[l][k]; !ok {
				missing = append(missing, fmt.Sprintf("%s: %q missing from %s.json", where, k, l))
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
	// A key no Go source of the strings' origins (ui, records, office,
	// audit, holidays, reports) spells as a literal is unused.
	root := moduleRoot(t)
	var all strings.Builder
	for _, dir := range []string{"ui", "app/record", "app/office", "app/audit", "app/holiday", "reports"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			all.Write(b)
			return err
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	lits := map[string]bool{}
	for _, m := range literal.FindAllStringSubmatch(all.String(), -1) {
		lits[m[1]] = true
	}
	for k := range files[LangEnglish] {
		if !lits[k] {
			t.Errorf("en.json: %q is used by no code", k)
		}
	}
}

// TestProductNameInEnglish: the translation key 窓口 is the reservation
// channel ("At the counter"); the program's name is not translated. In
// English the window title and the login heading read "Madoguchi (窓口)".
func TestProductNameInEnglish(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	to := uitest.NewOffice(t, "", uitest.Counter)
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEnglish)
	u := newTestAppOn(t, a, to)
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
