package migrate

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Field is one field of a record that a column can fill.
type Field struct {
	Key     string   // the name in mapping files, e.g. "name"
	Label   string   // the Japanese name, as on the office's forms
	Aliases []string // other headers that mean the same
	// set puts the cell's text in the row's record; a *record.FieldError
	// says what is wrong with it.
	set func(d *draft, v string) error
}

// biz adapts a setter of a business's field.
func biz(f func(b *record.Business, v string) error) func(*draft, string) error {
	return func(d *draft, v string) error { return f(d.biz, v) }
}

// BusinessFields lists the fields of a business that a column can fill,
// in the order of the registration form.
func BusinessFields() []Field {
	text := func(f func(b *record.Business) *string) func(*draft, string) error {
		return func(d *draft, v string) error { *f(d.biz) = v; return nil }
	}
	return []Field{
		{"name", "事業所名", []string{"事業者名", "会社名", "名称", "屋号", "事業所"}, text(func(b *record.Business) *string { return &b.Name })},
		{"kana", "フリガナ", []string{"ふりがな", "事業所名フリガナ", "カナ", "よみがな"}, text(func(b *record.Business) *string { return &b.Kana })},
		{"form", "法人・個人の別", []string{"法人個人", "法人/個人", "形態"}, text(func(b *record.Business) *string { return &b.Form })},
		{"category", "相談者区分", []string{"区分"}, text(func(b *record.Business) *string { return &b.Category })},
		{"industry", "業種", []string{"産業分類"}, biz(setIndustry)},
		{"employees", "従業員数", []string{"従業員", "社員数"}, biz(setEmployees)},
		{"postal", "郵便番号", []string{"〒", "郵便"}, biz(setPostal)},
		{"prefecture", "都道府県", nil, text(func(b *record.Business) *string { return &b.Prefecture })},
		{"city", "市区町村", nil, text(func(b *record.Business) *string { return &b.City })},
		{"address", "所在地", []string{"住所", "番地"}, text(func(b *record.Business) *string { return &b.Address })},
		{"ward", "行政区", nil, text(func(b *record.Business) *string { return &b.Ward })},
		{"phone", "電話番号", []string{"電話", "TEL", "連絡先電話番号"}, text(func(b *record.Business) *string { return &b.Phone })},
		{"email", "メールアドレス", []string{"メール", "Eメール", "E-mail", "email"}, text(func(b *record.Business) *string { return &b.Email })},
		{"rep_name", "代表者氏名", []string{"代表者名", "代表者"}, text(func(b *record.Business) *string { return &b.RepName })},
		{"rep_kana", "代表者フリガナ", []string{"代表者ふりがな"}, text(func(b *record.Business) *string { return &b.RepKana })},
		{"contact", "担当者名", []string{"担当者"}, text(func(b *record.Business) *string { return &b.Contact })},
		{"note", "備考", []string{"メモ"}, text(func(b *record.Business) *string { return &b.Note })},
		{"registered", "登録日", []string{"登録年月日", "初回相談日", "受付日"}, biz(setRegistered)},
	}
}

// Kinds lists the kinds of record a file can bring in: businesses, and the
// reservations and past consultations of businesses already in the vault
// (or imported first).
func Kinds() []record.Kind {
	return []record.Kind{record.KindBusiness, record.KindReservation, record.KindConsultation}
}

// FieldsOf lists the fields of a kind that a column can fill (none for a
// kind that cannot be imported).
func FieldsOf(k record.Kind) []Field {
	switch k {
	case record.KindBusiness:
		return BusinessFields()
	case record.KindReservation:
		return ReservationFields()
	case record.KindConsultation:
		return ConsultationFields()
	}
	return nil
}

// FieldByKey returns the business field named key.
func FieldByKey(key string) (Field, bool) { return FieldOf(record.KindBusiness, key) }

// FieldOf returns the field of kind k named key.
func FieldOf(k record.Kind, key string) (Field, bool) {
	for _, f := range FieldsOf(k) {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// foldHeader is how headers are compared: NFKC, no spaces, lower case.
func foldHeader(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, record.FoldWidth(s)))
}

// aliases maps, per kind, every folded label and alias to its field key.
var aliases = func() map[record.Kind]map[string]string {
	out := map[record.Kind]map[string]string{}
	for _, k := range Kinds() {
		m := map[string]string{}
		for _, f := range FieldsOf(k) {
			m[foldHeader(f.Label)] = f.Key
			for _, a := range f.Aliases {
				m[foldHeader(a)] = f.Key
			}
		}
		out[k] = m
	}
	return out
}()

// lookupAliasOf returns the field key of kind k a header names by itself.
func lookupAliasOf(k record.Kind, header string) (string, bool) {
	key, ok := aliases[k][foldHeader(header)]
	return key, ok
}

// knownHeader reports whether a header names a field of any kind.
func knownHeader(header string) bool {
	for _, k := range Kinds() {
		if _, ok := lookupAliasOf(k, header); ok {
			return true
		}
	}
	return false
}

// setIndustry accepts the choice as listed ("E 製造業"), its letter ("E")
// or its name ("製造業").
func setIndustry(b *record.Business, v string) error {
	b.Industry = v
	f := record.FoldWidth(v)
	for _, c := range record.Industries() {
		letter, name, _ := strings.Cut(c, " ")
		if f == record.FoldWidth(c) || strings.EqualFold(f, letter) || f == record.FoldWidth(name) {
			b.Industry = c
			return nil
		}
	}
	return nil // Validate names the field
}

func setEmployees(b *record.Business, v string) error {
	if v == "" {
		return nil
	}
	n, ok := record.ParseWholeNumber(strings.TrimSuffix(strings.TrimSuffix(record.FoldWidth(v), "人"), "名"))
	if !ok || n < 0 || n > 1000000 {
		return &record.FieldError{Field: "従業員数", Msg: "従業員数は0以上の数で入力してください", En: "Employees: enter a number, 0 or more."}
	}
	b.Employees = int(n)
	return nil
}

func setPostal(b *record.Business, v string) error {
	v = strings.TrimPrefix(record.FoldWidth(v), "〒")
	if err := record.CheckPostal("郵便番号", v); err != nil {
		return err
	}
	b.Postal = record.NormalizePostal(v)
	return nil
}

// setRegistered takes the date the office first registered the business,
// in 西暦 or 和暦, as the record's creation date.
func setRegistered(b *record.Business, v string) error {
	if v == "" {
		return nil
	}
	d, err := parseDate("登録日", v)
	if err != nil {
		return err
	}
	b.CreatedAt = d // midnight UTC is 09:00 JST of the same day
	return nil
}

// parseDate reads a date as record.ParseDate does, and also an Excel serial
// day number (a date cell whose format was lost) and "R6.4.1"-style dates
// with a one-letter era.
func parseDate(label, v string) (time.Time, error) {
	if n, err := strconv.Atoi(record.FoldWidth(v)); err == nil && n > 20000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), nil
	}
	return record.ParseDate(label, v)
}
