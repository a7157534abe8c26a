package widgets

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// The translation keys are the Japanese source strings; the shell loads
// the files (assets/translations/ja.json and en.json) and picks the
// language.

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

// T translates a Japanese source string (or a key with a context, see
// ContextMark) and formats it with args like fmt.Sprintf: T("%d 件", n).
// Every package of the window calls it as tr.
func T(key string, args ...any) string {
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

// tr is T, as the screens call it.
func tr(key string, args ...any) string { return T(key, args...) }

// OfficeLang is the language the window speaks, for office.MessageIn: the
// shell keeps the chosen language in LANGUAGE, where Fyne reads it too.
func OfficeLang() office.Lang {
	if os.Getenv("LANGUAGE") == "en" {
		return office.English
	}
	return office.Japanese
}

// Localized is err worded in the window's language (office.MessageIn), for
// an entry's Validator, whose error Fyne shows as it is; nil stays nil.
func Localized(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(office.MessageIn(OfficeLang(), err))
}
