package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2/lang"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/assets"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
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

// language returns the language LoadTranslations chose last, LangJapanese
// or LangEnglish: it keeps the choice in LANGUAGE, where Fyne reads it.
func language() string {
	if os.Getenv("LANGUAGE") == LangEnglish {
		return LangEnglish
	}
	return LangJapanese
}

// officeLang is language() for office.MessageIn.
func officeLang() office.Lang { return widgets.OfficeLang() }

// windowTitle is the default window title: "窓口 Madoguchi", in English
// "Madoguchi (窓口)".
func windowTitle() string {
	if language() == LangEnglish {
		return "Madoguchi (窓口)"
	}
	return "窓口 Madoguchi"
}

// tr translates (widgets.T).
func tr(key string, args ...any) string { return widgets.T(key, args...) }
