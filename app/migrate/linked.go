package migrate

import (
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// draft is one row on its way to a record: the record of the file's kind,
// and for a reservation or a consultation what names its business, venue
// and consultant in the office's own words, which Rehearse looks up in the
// vault.
type draft struct {
	biz  *record.Business
	res  *record.Reservation
	cons *record.Consultation
	link link
}

// link is what a row of a reservation or consultation says of the records
// it belongs to.
type link struct {
	Name, Phone, Venue, Consultant string
}

// newDraft returns an empty draft of kind k.
func newDraft(k record.Kind) *draft {
	switch k {
	case record.KindReservation:
		return &draft{res: &record.Reservation{}}
	case record.KindConsultation:
		return &draft{cons: &record.Consultation{Case: &record.ConsultationCase{}}}
	}
	return &draft{biz: &record.Business{}}
}

// rec is the draft's record.
func (d *draft) rec() any {
	switch {
	case d.res != nil:
		return d.res
	case d.cons != nil:
		return d.cons
	}
	return d.biz
}

// name is what the row calls its business (for the report).
func (d *draft) name() string {
	if d.biz != nil {
		return d.biz.Name
	}
	return d.link.Name
}

// linkFields are the columns that name the business, the first two fields
// of a reservation or consultation.
func linkFields() []Field {
	return []Field{
		{"business_name", "事業所名", []string{"事業者名", "会社名", "名称", "屋号", "事業所"},
			func(d *draft, v string) error { d.link.Name = v; return nil }},
		{"business_phone", "電話番号", []string{"電話", "TEL", "連絡先電話番号"},
			func(d *draft, v string) error { d.link.Phone = v; return nil }},
	}
}

// setDay reads a date (西暦, 和暦 or an Excel day number) into *dst as
// YYYY-MM-DD.
func setDay(label string, dst func(d *draft) *string) func(*draft, string) error {
	return func(d *draft, v string) error {
		if v == "" {
			return nil
		}
		t, err := parseDate(label, v)
		if err != nil {
			return err
		}
		*dst(d) = t.Format("2006-01-02")
		return nil
	}
}

// setClock reads a time of day ("9:30", "９時半", "13時") into *dst as HH:MM.
func setClock(label string, dst func(d *draft) *string) func(*draft, string) error {
	return func(d *draft, v string) error {
		if v == "" {
			return nil
		}
		h, m, err := record.ParseClock(label, v)
		if err != nil {
			return err
		}
		*dst(d) = fmt.Sprintf("%02d:%02d", h, m)
		return nil
	}
}

// setChoice takes one of choices, compared with widths folded.
func setChoice(dst func(d *draft) *string, choices []string) func(*draft, string) error {
	return func(d *draft, v string) error {
		*dst(d) = v
		f := record.FoldWidth(strings.TrimSpace(v))
		for _, c := range choices {
			if f == record.FoldWidth(c) {
				*dst(d) = c
			}
		}
		return nil // Validate names a value that is not a choice
	}
}

// ReservationFields lists the fields of a reservation that a column can
// fill: the business (by its name or phone number, as registered), the
// day and times, the venue and consultant (by their names in the masters).
func ReservationFields() []Field {
	r := func(f func(r *record.Reservation) *string) func(d *draft) *string {
		return func(d *draft) *string { return f(d.res) }
	}
	return append(linkFields(),
		Field{"date", "予約日", []string{"日付", "相談日", "予約年月日"}, setDay("予約日", r(func(x *record.Reservation) *string { return &x.Date }))},
		Field{"start", "開始時刻", []string{"開始", "時間", "予約時間"}, setClock("開始時刻", r(func(x *record.Reservation) *string { return &x.Start }))},
		Field{"end", "終了時刻", []string{"終了"}, setClock("終了時刻", r(func(x *record.Reservation) *string { return &x.End }))},
		Field{"venue", "会場", []string{"相談室", "場所"}, func(d *draft, v string) error { d.link.Venue = v; return nil }},
		Field{"consultant", "相談員", []string{"担当相談員", "担当"}, func(d *draft, v string) error { d.link.Consultant = v; return nil }},
		Field{"channel", "受付方法", []string{"予約方法"}, setChoice(r(func(x *record.Reservation) *string { return &x.Channel }), record.Channels())},
		Field{"received_on", "受付日", []string{"予約受付日"}, setDay("受付日", r(func(x *record.Reservation) *string { return &x.ReceivedOn }))},
		Field{"status", "状態", []string{"予約状況"}, setChoice(r(func(x *record.Reservation) *string { return &x.Status }), record.ReservationStatuses())},
		Field{"note", "備考", []string{"メモ"}, func(d *draft, v string) error { d.res.Note = v; return nil }},
	)
}

// ConsultationFields lists the fields of a past consultation record that a
// column can fill: the business (by name or phone number), the day, times,
// consultant (by name in the staff master), mode and the summary.
func ConsultationFields() []Field {
	c := func(f func(c *record.Consultation) *string) func(d *draft) *string {
		return func(d *draft) *string { return f(d.cons) }
	}
	return append(linkFields(),
		Field{"date", "相談日", []string{"日付", "相談年月日", "実施日"}, setDay("相談日", c(func(x *record.Consultation) *string { return &x.Date }))},
		Field{"start", "開始時刻", []string{"開始", "時間"}, setClock("開始時刻", c(func(x *record.Consultation) *string { return &x.Start }))},
		Field{"end", "終了時刻", []string{"終了"}, setClock("終了時刻", c(func(x *record.Consultation) *string { return &x.End }))},
		Field{"consultant", "相談員", []string{"担当相談員", "担当", "対応者"}, func(d *draft, v string) error { d.link.Consultant = v; return nil }},
		Field{"mode", "相談形態", []string{"相談方法", "形態"}, setChoice(c(func(x *record.Consultation) *string { return &x.Mode }), record.Modes())},
		Field{"category", "相談者区分", []string{"区分"}, setChoice(c(func(x *record.Consultation) *string { return &x.Category }), record.Categories())},
		Field{"summary", "相談の概要", []string{"相談内容", "概要", "内容"}, func(d *draft, v string) error { d.cons.Case.Summary = v; return nil }},
		Field{"guidance", "案内した制度", []string{"案内", "紹介した制度"}, func(d *draft, v string) error { d.cons.Case.Guidance = v; return nil }},
		Field{"note", "備考", []string{"メモ"}, func(d *draft, v string) error { d.cons.Case.Note = v; return nil }},
		Field{"status", "状態", []string{"記録の状態"}, setChoice(c(func(x *record.Consultation) *string { return &x.Status }), record.ConsultationStatuses())},
	)
}

// requiredOf lists the fields a mapping of kind k must fill; for a
// reservation or consultation one of anyOf must be filled too (what names
// the business).
func requiredOf(k record.Kind) (all, anyOf []string) {
	switch k {
	case record.KindReservation:
		return []string{"date", "start", "end", "venue"}, []string{"business_name", "business_phone"}
	case record.KindConsultation:
		return []string{"date", "consultant"}, []string{"business_name", "business_phone"}
	}
	return []string{"name", "kana", "phone"}, nil
}

// linkKey is how rows of one business, day and start time are recognised
// as the same reservation or consultation within a file.
func (d *draft) linkKey() string {
	var date, start string
	switch {
	case d.res != nil:
		date, start = d.res.Date, d.res.Start
	case d.cons != nil:
		date, start = d.cons.Date, d.cons.Start
	}
	who := record.NormalizeName(d.link.Name)
	if p := record.NormalizePhone(d.link.Phone); p != "" {
		who = p
	}
	return who + "|" + date + "|" + start
}
