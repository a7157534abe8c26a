package bookingproto

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Problem is one invalid field of a form, worded for the business in
// Japanese and English.
type Problem struct {
	Field string // the form field's name (business, phone, …)
	Ja    string
	En    string
}

// Limits of the form's fields, in characters.
const (
	MaxBusiness  = 100
	MaxKana      = 100
	MaxContact   = 60
	MaxEmail     = 254
	MaxWard      = 40
	MaxTopic     = 1000
	MaxEmployees = 1000000
)

// Check validates what the business typed and returns every problem, in
// the form's order (none: the form may be sent). The server checks it
// before sealing; the PCs check it again after opening, since the server
// is not trusted with its content.
func (f *Form) Check() []Problem {
	var ps []Problem
	add := func(field, ja, en string) { ps = append(ps, Problem{field, ja, en}) }
	required := func(field, v, labelJa, labelEn string, max int) {
		switch {
		case strings.TrimSpace(v) == "":
			add(field, labelJa+"を入力してください。", "Please enter "+labelEn+".")
		case !utf8.ValidString(v) || utf8.RuneCountInString(v) > max || hasControl(v):
			add(field, labelJa+"は"+itoa(max)+"文字以内で入力してください。", labelEn+" must be at most "+itoa(max)+" characters.")
		}
	}
	required("business", f.Business, "事業所名", "the business name", MaxBusiness)
	if f.Kana != "" && (!utf8.ValidString(f.Kana) || utf8.RuneCountInString(f.Kana) > MaxKana || !kana(f.Kana)) {
		add("kana", "フリガナはカタカナで入力してください（"+itoa(MaxKana)+"文字以内）。", "Please write the reading in katakana (at most "+itoa(MaxKana)+" characters).")
	}
	required("contact", f.Contact, "ご担当者名", "the contact person's name", MaxContact)
	if strings.TrimSpace(f.Phone) == "" {
		add("phone", "電話番号を入力してください。", "Please enter a phone number.")
	} else if len(f.Phone) > 30 || record.CheckPhone("電話番号", f.Phone) != nil {
		add("phone", "電話番号の形式が正しくありません（例: 03-5555-0101）。", "The phone number is not valid (e.g. 03-5555-0101).")
	}
	if strings.TrimSpace(f.Email) == "" {
		add("email", "メールアドレスを入力してください。", "Please enter an e-mail address.")
	} else if len(f.Email) > MaxEmail || record.CheckEmail("メールアドレス", f.Email) != nil || !strings.Contains(f.Email, "@") {
		add("email", "メールアドレスの形式が正しくありません（例: info@example.jp）。", "The e-mail address is not valid (e.g. info@example.jp).")
	}
	if !utf8.ValidString(f.Ward) || utf8.RuneCountInString(f.Ward) > MaxWard || hasControl(f.Ward) {
		add("ward", "所在地の区は"+itoa(MaxWard)+"文字以内で入力してください。", "The ward must be at most "+itoa(MaxWard)+" characters.")
	}
	if f.Industry != "" && !slices.Contains(record.Industries(), f.Industry) {
		add("industry", "業種は一覧から選んでください。", "Please choose the industry from the list.")
	}
	if f.Employees < 0 || f.Employees > MaxEmployees {
		add("employees", "従業員数は0以上の数で入力してください。", "Please enter the number of employees as 0 or more.")
	}
	required("topic", f.Topic, "ご相談内容", "what you would like to consult about", MaxTopic)
	for _, c := range []struct{ field, v, ja, en string }{
		{"subsidy", f.Subsidy, "給付金・補助金の申請状況", "whether you applied for a grant or subsidy"},
		{"loan", f.Loan, "融資の利用状況", "whether you use a loan"},
	} {
		if !slices.Contains(record.CheckAnswers(), c.v) {
			add(c.field, c.ja+"を選んでください。", "Please choose "+c.en+".")
		}
	}
	if !f.Privacy {
		add("privacy", "個人情報の取扱いに同意いただく必要があります。", "Please agree to how your personal information is handled.")
	}
	return ps
}

// hasControl reports control characters other than line breaks and tabs.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0
}

// kana accepts katakana, the long vowel mark, spaces and the middle dot.
func kana(s string) bool {
	for _, r := range s {
		if !(unicode.Is(unicode.Katakana, r) || r == 'ー' || r == ' ' || r == '　' || r == '・') {
			return false
		}
	}
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }
