package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWorkTranslations checks that every string the work screens pass to tr
// has an English translation and a Japanese entry.
func TestWorkTranslations(t *testing.T) {
	files, err := filepath.Glob("work_*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "screens_work.go")
	key := regexp.MustCompile(`\btr\("((?:[^"\\]|\\.)*)"`)
	for _, lang := range []string{"en", "ja"} {
		have := loadWorkTranslations(t, lang)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range key.FindAllStringSubmatch(string(src), -1) {
				if _, ok := have[m[1]]; !ok {
					t.Errorf("%s: %q has no %s translation", f, m[1], lang)
				}
			}
		}
	}
}

func loadWorkTranslations(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "assets", "translations", lang+"_work.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s_work.json: %v", lang, err)
	}
	return m
}
