package reports

import (
	"fmt"
	"strconv"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// ReservationInput is what a 予約内容 sheet shows; the names are those of
// the venue, consultant and receiving staff the reservation refers to by id.
type ReservationInput struct {
	Reservation                               record.Reservation
	Business                                  record.Business
	VenueName, ConsultantName, ReceivedByName string
}

// ReservationSheet renders a 予約内容 sheet like 別紙1: 受付日 and 受付者, 予約日
// (月日 and weekday, with 和暦), 会場名, 時間帯, the business (企業名, 担当者名,
// TEL, 会社所在地, 業種, 従業員数) and the 確認事項 1–4.
func (r *Renderer) ReservationSheet(in ReservationInput, f Footer) ([]byte, error) {
	res := in.Reservation
	received, err := dateJP("受付日", res.ReceivedOn)
	if err != nil {
		return nil, fmt.Errorf("reservation sheet: %w", err)
	}
	date, err := dateBoth("予約日", res.Date)
	if err != nil {
		return nil, fmt.Errorf("reservation sheet: %w", err)
	}
	return r.render("予約内容", "reservation sheet", f, func(d *doc) {
		d.title("予約内容", joinNote("予約番号", res.ID, "状態", res.Status))
		d.row(lbl(colL, "受付日"), val(colV, received), lbl(colL2, "受付者"), val(colV2, in.ReceivedByName))
		d.gap(2)
		d.row(lbl(colL, "予約日"), val(colV, date), lbl(colL2, "会場名"), val(colV2, in.VenueName))
		d.row(lbl(colL, "時間帯"), val(colV, timeRange(res.Start, res.End, 0)), lbl(colL2, "相談員"), val(colV2, in.ConsultantName))
		d.row(lbl(colL, "受付方法"), val(colV, channel(res)), lbl(colL2, "来所回数"), val(colV2, visits(res.Checks.VisitCount)))
		d.gap(2)
		reservationBusiness(d, in.Business)
		d.gap(2)
		reservationChecks(d, res.Checks)
		d.gap(2)
		d.row(lbl(colL, "備考"), val(colW, res.Note))
	})
}

// channel writes how the reservation came in, noting a walk-in.
func channel(res record.Reservation) string {
	if res.WalkIn {
		return res.Channel + "（飛び込み）"
	}
	return res.Channel
}

// visits writes 初回 or "N回目", or "" when unknown.
func visits(n int) string {
	switch {
	case n <= 0:
		return ""
	case n == 1:
		return "初回"
	default:
		return strconv.Itoa(n) + "回目"
	}
}

// reservationBusiness draws the business rows of 別紙1.
func reservationBusiness(d *doc, b record.Business) {
	d.row(lbl(colL, "企業名"), val(colV, b.Name), lbl(colL2, "担当者名"), val(colV2, b.Contact))
	d.row(lbl(colL, "TEL"), val(colV, b.Phone), lbl(colL2, "行政区"), val(colV2, b.Ward))
	d.row(lbl(colL, "会社所在地"), val(colW, address(b)))
	d.row(lbl(colL, "業種"), val(colV, b.Industry), lbl(colL2, "従業員数"), val(colV2, count(b.Employees, "人")))
}

// reservationChecks draws the 確認事項 1–4 with their answers.
func reservationChecks(d *doc, c record.ReservationChecks) {
	const q = 88.0
	d.heading("確認事項")
	d.row(val(q, "1. 給付金・補助金の申請をしていますか？"),
		cell{w: contentW - q, boxes: choicesOf(record.CheckAnswers(), c.Subsidy)})
	d.row(val(q, "2. 融資を利用していますか？"),
		cell{w: contentW - q, boxes: choicesOf(record.CheckAnswers(), c.Loan)})
	d.row(val(q, "3. 今回、特に相談したい制度はございますか？"), val(contentW-q, c.WantedProgram))
	d.row(val(q, "4. ご予約いただくのは初めてでしょうか？"),
		cell{w: contentW - q, boxes: visitChoices(c.VisitCount)})
}

// visitChoices offers 初めて and "N回目", ticking the one that applies.
func visitChoices(n int) []choice {
	again := "　回目"
	if n > 1 {
		again = strconv.Itoa(n) + "回目"
	}
	return []choice{{label: "初めて", on: n == 1}, {label: again, on: n > 1}}
}
