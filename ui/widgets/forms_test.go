package widgets

import (
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestShowErrorsInTheWindowsLanguage: the message beside each field is
// the record package's wording in the window's language.
func TestShowErrorsInTheWindowsLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { os.Setenv("LANGUAGE", "ja") })
	for _, tc := range []struct{ lang, name, phone string }{
		{"ja", "事業所名を入力してください", "電話番号の形式が正しくありません（例: 03-5555-0101）"},
		{"en", "Business name: enter a value.", "Phone: not a valid phone number (example: 03-5555-0101)."},
	} {
		os.Setenv("LANGUAGE", tc.lang)
		f := NewFieldForm()
		f.Add("事業所名", widget.NewEntry())
		f.Add("電話番号", widget.NewEntry())
		f.ShowErrors((&record.Business{Kana: "カナ", Phone: "12"}).Validate())
		if got := f.Errs["事業所名"].Text; got != tc.name {
			t.Errorf("%s: 事業所名 says %q, want %q", tc.lang, got, tc.name)
		}
		if got := f.Errs["電話番号"].Text; got != tc.phone {
			t.Errorf("%s: 電話番号 says %q, want %q", tc.lang, got, tc.phone)
		}
	}
}

// TestDateFieldInTheWindowsLanguage: a date that does not read is refused
// in the window's language, beside the field and by its validator.
func TestDateFieldInTheWindowsLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { os.Setenv("LANGUAGE", "ja") })
	for _, tc := range []struct{ lang, want string }{
		{"ja", "日付が正しくありません（例: 2026-10-01 または 令和8年10月1日）"},
		{"en", "Date: not a valid date (example: 2026-10-01 or 令和8年10月1日)."},
	} {
		os.Setenv("LANGUAGE", tc.lang)
		f := NewDateField(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 1, nil)
		test.Type(f.Entry, "x")
		f.parse()
		if got := f.shown.Text; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.lang, got, tc.want)
		}
		if err := f.Entry.Validator("13月"); err == nil || err.Error() != tc.want {
			t.Errorf("%s: validator %v", tc.lang, err)
		}
	}
}
