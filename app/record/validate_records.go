package record

import (
	"fmt"
	"strings"
	"time"
)

// Problems collects every validation error of one record, so a form can show
// all of them at once. Its Error joins the Japanese messages with newlines.
type Problems []error

// Error implements error.
func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// In joins the messages in English when english is set (each
// FieldError's En; other errors as they are), and otherwise is Error.
func (p Problems) In(english bool) string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = e.Error()
		if fe, ok := e.(*FieldError); ok {
			msgs[i] = fe.In(english)
		}
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.As find a *FieldError inside.
func (p Problems) Unwrap() []error { return p }

type checker struct{ p Problems }

func (c *checker) add(err error) {
	if err != nil {
		c.p = append(c.p, err)
	}
}

func (c *checker) result() error {
	if len(c.p) == 0 {
		return nil
	}
	return c.p
}

func (c *checker) date(label, v string, required bool) {
	if v == "" {
		if required {
			c.add(CheckRequired(label, v))
		}
		return
	}
	_, err := ParseDate(label, v)
	c.add(err)
}

func (c *checker) clock(label, v string, required bool) {
	if v == "" {
		if required {
			c.add(CheckRequired(label, v))
		}
		return
	}
	_, _, err := ParseClock(label, v)
	c.add(err)
}

// timeRange checks that end comes after start when both are valid.
func (c *checker) timeRange(start, end string) {
	m, err := Minutes(start, end)
	if err == nil && m <= 0 {
		c.add(&FieldError{Field: "終了時刻", Msg: "終了時刻は開始時刻より後にしてください", En: "End: make it later than the start."})
	}
}

func (c *checker) text(label, v string, max int, required bool) {
	if required {
		c.add(CheckRequired(label, v))
	}
	c.add(CheckMaxLen(label, v, max))
}

// Minutes returns the minutes between two "15:04" times.
func Minutes(start, end string) (int, error) {
	sh, sm, err := ParseClock("開始時刻", start)
	if err != nil {
		return 0, err
	}
	eh, em, err := ParseClock("終了時刻", end)
	if err != nil {
		return 0, err
	}
	return (eh*60 + em) - (sh*60 + sm), nil
}

// Validate checks a business. Required: 事業所名, フリガナ, 電話番号.
func (b *Business) Validate() error {
	var c checker
	c.text("事業所名", b.Name, 100, true)
	c.text("フリガナ", b.Kana, 100, true)
	c.add(CheckRequired("電話番号", b.Phone))
	c.add(CheckPhone("電話番号", b.Phone))
	c.add(CheckChoice("法人・個人の別", b.Form, Forms()))
	c.add(CheckChoice("相談者区分", b.Category, Categories()))
	c.add(CheckChoice("業種", b.Industry, Industries()))
	c.add(CheckChoice("都道府県", b.Prefecture, Prefectures()))
	c.add(CheckPostal("郵便番号", b.Postal))
	c.add(CheckEmail("メールアドレス", b.Email))
	if b.Employees < 0 || b.Employees > 1000000 {
		c.add(&FieldError{Field: "従業員数", Msg: "従業員数は0以上の数で入力してください", En: "Employees: enter a number, 0 or more."})
	}
	c.text("所在地", b.Address, 200, false)
	c.text("代表者氏名", b.RepName, 60, false)
	c.text("備考", b.Note, 2000, false)
	if b.Case != nil {
		c.date("代表者生年月日", b.Case.RepBirth, false)
	}
	return c.result()
}

// Validate checks a reservation's own fields; double booking and capacity are
// checked by the office layer, which sees the other reservations.
func (r *Reservation) Validate() error {
	var c checker
	c.date("予約日", r.Date, true)
	c.clock("開始時刻", r.Start, true)
	c.clock("終了時刻", r.End, true)
	c.timeRange(r.Start, r.End)
	c.add(CheckRequired("会場", r.VenueID))
	c.add(CheckRequired("事業者", r.BusinessID))
	c.add(CheckChoice("受付方法", r.Channel, Channels()))
	c.add(CheckChoice("状態", r.Status, ReservationStatuses()))
	c.add(CheckChoice("給付金・補助金の申請状況", r.Checks.Subsidy, CheckAnswers()))
	c.add(CheckChoice("融資の利用状況", r.Checks.Loan, CheckAnswers()))
	c.date("受付日", r.ReceivedOn, false)
	c.text("特に相談したい制度", r.Checks.WantedProgram, 500, false)
	if r.Checks.VisitCount < 0 {
		c.add(&FieldError{Field: "来所回数", Msg: "来所回数は1以上の数で入力してください", En: "Visit: enter a number, 1 or more."})
	}
	c.text("備考", r.Note, 2000, false)
	return c.result()
}

// Validate checks a consultation record. A draft needs only the business,
// consultant and date; a confirmed record needs the times and the mode too.
func (r *Consultation) Validate() error {
	var c checker
	c.add(CheckRequired("事業者", r.BusinessID))
	c.add(CheckRequired("相談員", r.ConsultantID))
	c.date("相談日", r.Date, true)
	final := r.Status != StDraft && r.Status != ""
	c.clock("開始時刻", r.Start, final)
	c.clock("終了時刻", r.End, final)
	if r.Start != "" && r.End != "" {
		c.timeRange(r.Start, r.End)
	}
	if final {
		c.add(CheckRequired("相談形態", r.Mode))
	}
	c.add(CheckChoice("相談形態", r.Mode, Modes()))
	c.add(CheckChoice("相談者区分", r.Category, Categories()))
	c.add(CheckChoice("状態", r.Status, ConsultationStatuses()))
	if k := r.Case; k != nil {
		c.add(CheckChoices("相談内容区分", k.Topics, Topics()))
		c.add(CheckChoices("お困りごと", k.Troubles, Troubles()))
		c.add(CheckChoice("売上減少の状況", k.SalesDrop, SalesDrops()))
		c.add(CheckChoice("融資の状況", k.Loan.Status, LoanStatuses()))
		if k.Loan.Amount < 0 {
			c.add(&FieldError{Field: "融資額", Msg: "融資額は0以上の金額で入力してください", En: "Loan amount: enter an amount, 0 or more."})
		}
		c.text("相談の概要", k.Summary, 20000, final)
		c.text("案内した制度", k.Guidance, 20000, false)
		c.text("所感", k.Impression, 20000, false)
		c.text("備考", k.Note, 20000, false)
		c.date("次回対応の期限", k.NextDue, false)
	} else if final {
		c.add(&FieldError{Field: "相談の概要", Msg: "相談の概要を入力してください", En: "Summary of the consultation: enter a value."})
	}
	return c.result()
}

// Validate checks a dispatch.
func (d *Dispatch) Validate() error {
	var c checker
	c.add(CheckRequired("事業者", d.BusinessID))
	c.add(CheckRequired("専門家", d.AdviserID))
	c.text("テーマ", d.Theme, 200, true)
	c.date("申請日", d.RequestedOn, true)
	c.date("承認日", d.ApprovedOn, false)
	c.date("実施日", d.HeldOn, false)
	c.add(CheckChoice("状態", d.Status, DispatchStatuses()))
	if d.Hours < 0 || d.Hours > 100 {
		c.add(&FieldError{Field: "時間", Msg: "派遣時間は0〜100時間で入力してください", En: "Hours: enter 0 to 100 hours."})
	}
	return c.result()
}

// Validate checks a seminar.
func (s *Seminar) Validate() error {
	var c checker
	c.text("タイトル", s.Title, 200, true)
	c.date("開催日", s.Date, true)
	c.clock("開始時刻", s.Start, true)
	c.clock("終了時刻", s.End, true)
	c.timeRange(s.Start, s.End)
	if !s.Online {
		c.add(CheckRequired("会場", s.VenueID))
	}
	if s.Capacity <= 0 {
		c.add(&FieldError{Field: "定員", Msg: "定員は1以上の数で入力してください", En: "Capacity: enter a number, 1 or more."})
	}
	return c.result()
}

// Validate checks a seminar application.
func (a *Application) Validate() error {
	var c checker
	c.add(CheckRequired("セミナー", a.SeminarID))
	c.text("事業所名", a.BusinessName, 100, true)
	c.text("氏名", a.PersonName, 60, true)
	c.add(CheckPhone("電話番号", a.Phone))
	c.add(CheckEmail("メールアドレス", a.Email))
	c.date("申込日", a.AppliedOn, true)
	c.add(CheckChoice("状態", a.Status, ApplicationStatuses()))
	return c.result()
}

// Validate checks a venue.
func (v *Venue) Validate() error {
	var c checker
	c.text("会場名", v.Name, 100, true)
	if v.Capacity <= 0 {
		c.add(&FieldError{Field: "同時相談数", Msg: "同時相談数は1以上の数で入力してください", En: "Concurrent consultations: enter a number, 1 or more."})
	}
	return c.result()
}

// Validate checks a staff master entry.
func (s *Staff) Validate() error {
	var c checker
	c.text("氏名", s.Name, 60, true)
	c.add(CheckChoice("区分", s.Role, StaffRoles()))
	c.add(CheckRequired("区分", s.Role))
	return c.result()
}

// Validate checks a support program.
func (p *Program) Validate() error {
	var c checker
	c.text("支援策名", p.Name, 200, true)
	c.add(CheckChoice("実施主体", p.Level, ProgramLevels()))
	return c.result()
}

// Validate checks a closed-days entry: a name, a first day, and a last day
// (if any) not before it and less than a year after it.
func (c *ClosedDay) Validate() error {
	var k checker
	k.text("名称", c.Name, 100, true)
	k.date("開始日", c.From, true)
	k.date("終了日", c.To, false)
	from, err1 := time.Parse(time.DateOnly, c.From)
	to, err2 := time.Parse(time.DateOnly, c.To)
	if k.result() == nil && (err1 != nil || (c.To != "" && err2 != nil)) {
		k.add(&FieldError{Field: "開始日", Msg: "日付は 2026-12-29 の形で保存してください", En: "Date: save it in the form 2026-12-29."})
	}
	if c.To != "" && err1 == nil && err2 == nil && (to.Before(from) || to.Sub(from) > 366*24*time.Hour) {
		k.add(&FieldError{Field: "終了日", Msg: "終了日は開始日から1年以内の、開始日以降の日にしてください", En: "Last day: make it on or after the first day, within a year of it."})
	}
	return k.result()
}

// Describe returns a short label of a record kind in Japanese.
func Describe(k Kind) string {
	switch k {
	case KindBusiness:
		return "事業者"
	case KindReservation:
		return "予約"
	case KindConsultation:
		return "相談記録"
	case KindDispatch:
		return "専門家派遣"
	case KindSeminar:
		return "セミナー"
	case KindApplication:
		return "セミナー申込"
	case KindVenue:
		return "会場"
	case KindStaff:
		return "相談員・専門家"
	case KindProgram:
		return "支援策"
	case KindClosedDay:
		return "休業日"
	}
	return fmt.Sprintf("不明な種類(%s)", string(k))
}
