package ui

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/madoguchi-jp/madoguchi/assets"
)

// The languages the settings offer. Japanese is the default; the
// translation keys are the Japanese source strings.
const (
	LangJapanese = "ja"
	LangEnglish  = "en"
)

// LoadTranslations loads assets/translations and makes language the one
// Fyne's lang package picks. Fyne chooses the language from the
// environment (LANGUAGE, then LC_ALL/LC_MESSAGES/LANG), so this sets
// LANGUAGE for this process; it can be called again to switch at run time
// (screens built afterwards use the new language).
func LoadTranslations(language string) error {
	if language != LangEnglish {
		language = LangJapanese
	}
	if err := os.Setenv("LANGUAGE", language); err != nil {
		return fmt.Errorf("select language: %w", err)
	}
	if localeIsC() {
		// LANGUAGE is ignored under the C locale; LC_MESSAGES is read first.
		if err := os.Setenv("LC_MESSAGES", language); err != nil {
			return fmt.Errorf("select language: %w", err)
		}
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}

// localeIsC reports whether the environment selects the C (POSIX) locale
// or none, in which case the language list in LANGUAGE is not read.
func localeIsC() bool {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v == "C" || v == "POSIX"
		}
	}
	return true
}

// ContextMark separates a translation key's Japanese text from its context
// ("確定@button"). One Japanese word can need two English ones (確定 is the
// status "Confirmed" and the button "Confirm"): the plain key keeps the
// meaning that records store as data (statuses, modes), and the other
// meaning gets a key with a context, whose Japanese value is the same text.
const ContextMark = "@"

// JapaneseText returns key without its context: the Japanese text it shows
// ("確定@button" → "確定").
func JapaneseText(key string) string {
	text, _, _ := strings.Cut(key, ContextMark)
	return text
}

// tr translates a Japanese source string (or a key with a context, see
// ContextMark) and formats it with args like fmt.Sprintf: tr("%d 件", n).
func tr(key string, args ...any) string {
	if key == "" {
		return ""
	}
	s := lang.L(key)
	if s == key {
		s = JapaneseText(key) // no translation: show the Japanese text
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}
