// Package record defines the records a consultation office keeps (docs/DATA.md):
// businesses, reservations, consultation records, adviser dispatches,
// seminars and their applications, and the masters. It validates them with
// messages in Japanese, normalises text for matching (NFKC, kana, company
// forms, phone numbers), folds what people type for parsing (全角 digits,
// amounts), converts dates between 西暦 and 和暦 and holds Japan Standard
// Time, the zone every time shown to people is read in.
//
// Every record type that holds case-class data (consultation content, loan
// details, a representative's date of birth, dispatch reports) keeps that
// data in a separate Case struct, so the office layer can seal it under the
// case key while the rest goes under the contact key. A nil Case means the
// reader holds no case key, or the record has no case data yet.
//
// Dates are stored as ISO 8601 strings ("2006-01-02"), times of day as
// "15:04". This package imports nothing else of ours.
package record

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// Kind names a record type; it is also the envelope kind.
type Kind string

// The record kinds.
const (
	KindBusiness     Kind = "business"
	KindReservation  Kind = "reservation"
	KindConsultation Kind = "consultation"
	KindDispatch     Kind = "dispatch"
	KindSeminar      Kind = "seminar"
	KindApplication  Kind = "application"
	KindVenue        Kind = "venue"
	KindStaff        Kind = "staff"
	KindProgram      Kind = "program"
	KindClosedDay    Kind = "closedday"
	KindLedger       Kind = "ledger"
)

// Kinds lists every kind, in the order screens and reports show them.
func Kinds() []Kind {
	return []Kind{KindBusiness, KindReservation, KindConsultation, KindDispatch,
		KindSeminar, KindApplication, KindVenue, KindStaff, KindProgram}
}

var idPrefix = map[Kind]string{
	KindBusiness: "B", KindReservation: "R", KindConsultation: "C", KindDispatch: "D",
	KindSeminar: "S", KindApplication: "A", KindVenue: "V", KindStaff: "P", KindProgram: "G",
	KindClosedDay: "H", KindLedger: "L",
}

var idEncoding = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// NewID returns a fresh random id for a record of kind k, such as
// "B-7K3QW9XM2T". Two offline PCs never produce the same id in practice
// (50 random bits).
func NewID(k Kind) string {
	var b [7]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("record: no randomness: " + err.Error())
	}
	return idPrefix[k] + "-" + idEncoding.EncodeToString(b[:])[:10]
}

// IDPrefix returns the prefix every id of kind k starts with, such as "B-".
func IDPrefix(k Kind) string { return idPrefix[k] + "-" }

// KindOfID tells the kind of a record from its id prefix.
func KindOfID(id string) (Kind, bool) {
	p, _, ok := strings.Cut(id, "-")
	if !ok {
		return "", false
	}
	for k, pre := range idPrefix {
		if pre == p {
			return k, true
		}
	}
	return "", false
}

// Meta is the bookkeeping every record carries. The office layer fills it.
type Meta struct {
	ID        string    `json:"id"`
	Rev       string    `json:"rev,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Business is a 事業者.
type Business struct {
	Meta
	Name       string `json:"name"`       // 事業所名
	Kana       string `json:"kana"`       // フリガナ
	Form       string `json:"form"`       // 法人 / 個人事業主
	Category   string `json:"category"`   // 相談者区分
	Industry   string `json:"industry"`   // 業種 (日本標準産業分類 大分類)
	Employees  int    `json:"employees"`  // 従業員数
	Postal     string `json:"postal"`     // 郵便番号 NNN-NNNN
	Prefecture string `json:"prefecture"` // 都道府県
	City       string `json:"city"`       // 市区町村
	Address    string `json:"address"`    // 以下の住所
	Ward       string `json:"ward"`       // 行政区
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	RepName    string `json:"rep_name"` // 代表者氏名
	RepKana    string `json:"rep_kana"` // 代表者フリガナ
	Contact    string `json:"contact"`  // 担当者名
	Note       string `json:"note"`     // 備考
	// MergedInto names the business this one was merged into, if any.
	MergedInto string `json:"merged_into,omitempty"`

	Case *BusinessCase `json:"-"`
}

// BusinessCase is the case-class part of a business.
type BusinessCase struct {
	RepBirth string `json:"rep_birth"` // 代表者生年月日 (ISO date)
}

// ReservationChecks are the 確認事項 asked when a reservation is taken (別紙1).
type ReservationChecks struct {
	Subsidy       string `json:"subsidy"`        // 給付金・補助金の申請状況
	Loan          string `json:"loan"`           // 融資の利用状況
	WantedProgram string `json:"wanted_program"` // 特に相談したい制度
	VisitCount    int    `json:"visit_count"`    // 初回=1, N回目
}

// Reservation is a 予約. A walk-in (飛び込み) is a reservation created at arrival.
type Reservation struct {
	Meta
	Date         string            `json:"date"`  // 予約日
	Start        string            `json:"start"` // 時間帯 start "15:04"
	End          string            `json:"end"`
	VenueID      string            `json:"venue_id"`
	ConsultantID string            `json:"consultant_id"` // staff id
	BusinessID   string            `json:"business_id"`
	Channel      string            `json:"channel"`     // 電話 / 窓口 / Web / メール
	ReceivedOn   string            `json:"received_on"` // 受付日
	ReceivedBy   string            `json:"received_by"` // 受付者 (login)
	Checks       ReservationChecks `json:"checks"`
	Status       string            `json:"status"` // 予約 / 来所 / キャンセル / 無断キャンセル
	WalkIn       bool              `json:"walk_in"`
	Note         string            `json:"note"`
}

// Loan is the 融資斡旋内容 of a consultation.
type Loan struct {
	Lender  string `json:"lender"`
	Amount  int64  `json:"amount"` // 円
	Purpose string `json:"purpose"`
	Status  string `json:"status"`
}

// Consultation is a 相談記録 (相談票, 別紙2).
type Consultation struct {
	Meta
	BusinessID    string `json:"business_id"`
	ReservationID string `json:"reservation_id"`
	ConsultantID  string `json:"consultant_id"`
	Date          string `json:"date"`
	Start         string `json:"start"`
	End           string `json:"end"`
	Minutes       int    `json:"minutes"`
	Mode          string `json:"mode"`     // 窓口 / 電話 / オンライン / 派遣先
	Category      string `json:"category"` // 相談者区分
	VenueID       string `json:"venue_id"`
	Status        string `json:"status"` // 下書き / 確定 / 差戻し / 承認済

	Case *ConsultationCase `json:"-"`
	// ApprovalBroken is set on reading when the record says 承認済 but no
	// valid supervisor signature covers this version: Status then reads
	// 確定 (未承認) and the screens show a warning.
	ApprovalBroken bool `json:"-"`
}

// ConsultationCase is the case-class content of a consultation record.
type ConsultationCase struct {
	Topics        []string `json:"topics"` // 相談内容区分
	TopicOther    string   `json:"topic_other"`
	Programs      []string `json:"programs"` // 支援策 (program master ids)
	ProgramOther  string   `json:"program_other"`
	Troubles      []string `json:"troubles"` // お困りごと
	TroubleOther  string   `json:"trouble_other"`
	SalesDrop     string   `json:"sales_drop"` // 売上減少の状況
	Loan          Loan     `json:"loan"`
	Summary       string   `json:"summary"`    // 相談の概要
	Guidance      string   `json:"guidance"`   // 案内した制度
	Impression    string   `json:"impression"` // 所感
	Note          string   `json:"note"`       // 備考
	NextAction    string   `json:"next_action"`
	NextDue       string   `json:"next_due"`
	ReviewComment string   `json:"review_comment"` // supervisor's comment when sending back
}

// Dispatch is a 専門家派遣.
type Dispatch struct {
	Meta
	BusinessID  string  `json:"business_id"`
	AdviserID   string  `json:"adviser_id"`
	Theme       string  `json:"theme"`
	RequestedOn string  `json:"requested_on"`
	ApprovedOn  string  `json:"approved_on"`
	HeldOn      string  `json:"held_on"`
	Hours       float64 `json:"hours"`
	Status      string  `json:"status"` // 申請 / 承認 / 実施 / 完了 / 取消

	Case *DispatchCase `json:"-"`
}

// DispatchCase is the case-class part of a dispatch: the visit report.
type DispatchCase struct {
	Report string `json:"report"`
}

// Seminar is a セミナー.
type Seminar struct {
	Meta
	Title    string `json:"title"`
	Date     string `json:"date"`
	Start    string `json:"start"`
	End      string `json:"end"`
	VenueID  string `json:"venue_id"`
	Online   bool   `json:"online"`
	Capacity int    `json:"capacity"`
	Lecturer string `json:"lecturer"`
	Note     string `json:"note"`
}

// Application is one application to a seminar.
type Application struct {
	Meta
	SeminarID    string `json:"seminar_id"`
	BusinessID   string `json:"business_id"`
	BusinessName string `json:"business_name"`
	PersonName   string `json:"person_name"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	AppliedOn    string `json:"applied_on"`
	Status       string `json:"status"` // 申込 / キャンセル待ち / 出席 / 欠席 / キャンセル
}

// Venue is a 会場 (a room); Capacity is how many consultations it holds at once.
type Venue struct {
	Meta
	Name     string `json:"name"`
	Address  string `json:"address"`
	Capacity int    `json:"capacity"`
	Active   bool   `json:"active"`
}

// Staff is a consultant (相談員) or an adviser (専門家) in the master.
type Staff struct {
	Meta
	Name          string `json:"name"`
	Kana          string `json:"kana"`
	Role          string `json:"role"`          // 相談員 / 専門家
	Qualification string `json:"qualification"` // 中小企業診断士, 税理士, …
	Login         string `json:"login"`         // the user account, if any
	Active        bool   `json:"active"`
}

// Program is a 支援策 in the support-program master.
type Program struct {
	Meta
	Level  string `json:"level"` // 市区 / 都道府県 / 国
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// ClosedDay is a 休業日 in the office's master: days the office takes no
// reservations besides the public holidays (年末年始, a building's
// inspection). From and To are ISO dates, both included; To may be empty
// for a single day.
type ClosedDay struct {
	Meta
	From   string `json:"from"`
	To     string `json:"to"`
	Name   string `json:"name"` // 年末年始, 庁舎点検, …
	Active bool   `json:"active"`
}

// Covers reports whether the ISO date lies in the closed days (and they are
// in use).
func (c *ClosedDay) Covers(date string) bool {
	to := c.To
	if to == "" {
		to = c.From
	}
	return c.Active && c.From <= date && date <= to
}

// LedgerEntry is one row of the handover ledger (管理簿): every print and
// export writes one. Content names the document and record ids, never a
// record's personal data.
type LedgerEntry struct {
	Meta
	At                 time.Time `json:"at"`
	Handler            string    `json:"handler"`      // login of who printed
	HandlerName        string    `json:"handler_name"` // their name
	Content            string    `json:"content"`      // 情報の内容, e.g. "相談票 C-…"
	Quantity           int       `json:"quantity"`     // pages or sheets
	Recipient          string    `json:"recipient"`    // 相手先
	Method             string    `json:"method"`       // 方法, e.g. "PDF出力"
	PasswordSeparately bool      `json:"password_separately"`
	DocID              string    `json:"doc_id"`
}
