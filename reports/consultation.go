package reports

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// SheetInput is what a 相談票 shows. Business.Case may be nil. With
// Consultation nil the sheet is the session variant: the header is filled
// from Reservation (which may be nil too) and every box is left empty for
// the consultant to fill in by hand.
type SheetInput struct {
	Business     record.Business
	Reservation  *record.Reservation
	Consultation *record.Consultation
	// ConsultantName and VenueName are the names of the consultant and venue
	// the record or reservation refers to by id.
	ConsultantName, VenueName string
	// Programs is the support-program master, drawn as check boxes grouped
	// by Level (市区 / 都道府県 / 国).
	Programs []record.Program
}

// Widths of the grid columns of the sheets: label, value, label, value.
const (
	colL  = 28.0
	colV  = 77.0
	colL2 = 25.0
	colV2 = contentW - colL - colV - colL2
	colW  = contentW - colL // a value that spans the rest of the row
)

// ConsultationSheet renders a 相談票 like 別紙2: the header (相談日 in 西暦
// and 和暦, 相談員, 相談時間, 会場, 相談形態), the business, the check-box
// groups, the loan, the free-text sections and the next action. Long text
// flows onto pages headed 相談票（続き）. With in.Consultation nil it renders
// the blank session sheet (see BlankSheet).
func (r *Renderer) ConsultationSheet(in SheetInput, f Footer) ([]byte, error) {
	s, err := newSheet(in)
	if err != nil {
		return nil, fmt.Errorf("consultation sheet: %w", err)
	}
	return r.render("相談票", "consultation sheet", f, s.draw)
}

// ConsultationSheets renders many sheets into one document for printing
// in bulk (the session sheets of a day, for instance), each sheet starting
// on a new page and the page numbers counting the whole document. The font
// is cut, parsed and embedded once instead of once per sheet, so 200 sheets
// take a fraction of 200 ConsultationSheet calls.
func (r *Renderer) ConsultationSheets(ins []SheetInput, f Footer) ([]byte, error) {
	return r.ConsultationSheetsContext(context.Background(), ins, f, nil)
}

// ConsultationSheetsContext is ConsultationSheets for a long batch: it
// stops with ctx's error when ctx ends, checked before each sheet, and
// calls progress, when not nil, after each sheet is drawn with the number
// drawn and the total.
func (r *Renderer) ConsultationSheetsContext(ctx context.Context, ins []SheetInput, f Footer, progress func(done, total int)) ([]byte, error) {
	if len(ins) == 0 {
		return nil, errors.New("consultation sheets: no sheets")
	}
	sheets := make([]*sheet, len(ins))
	for i, in := range ins {
		s, err := newSheet(in)
		if err != nil {
			return nil, fmt.Errorf("consultation sheets: sheet %d: %w", i+1, err)
		}
		sheets[i] = s
	}
	var stopped error
	reported := 0
	out, err := r.render("相談票", "consultation sheets", f, func(d *doc) {
		for i, s := range sheets {
			if stopped = ctx.Err(); stopped != nil {
				return
			}
			if i > 0 {
				d.cont = nil
				d.newPage()
			}
			s.draw(d)
			// The pass that only finds the characters (in the built-in
			// font) is quick: progress counts the sheets of the real one.
			if progress != nil && d.family == fontFamily && i+1 > reported {
				reported = i + 1
				progress(reported, len(sheets))
			}
		}
	})
	if stopped != nil {
		return nil, fmt.Errorf("consultation sheets: %w", stopped)
	}
	return out, err
}

// BlankSheet renders the 相談票 with no consultation: the header and business
// are filled from in.Reservation and in.Business where given, and every
// check box and text section is left empty to fill in by hand. Called with
// a zero SheetInput it gives a fully blank form.
func (r *Renderer) BlankSheet(in SheetInput, f Footer) ([]byte, error) {
	in.Consultation = nil
	return r.ConsultationSheet(in, f)
}

// sheet is a SheetInput with its dates and times formatted.
type sheet struct {
	in       SheetInput
	c        *record.ConsultationCase // nil on a blank or withheld sheet
	blank    bool                     // no consultation: boxes to fill by hand
	withheld bool                     // a consultation whose content the reader may not see
	date     string
	time     string
	mode     string
	category string
	note     string
	due      string // 次回対応の期限
}

// newSheet formats the header values of a sheet.
func newSheet(in SheetInput) (*sheet, error) {
	s := &sheet{in: in, category: in.Business.Category, blank: in.Consultation == nil}
	date, start, end, minutes := s.when()
	var err error
	if s.date, err = dateBoth("相談日", date); err != nil {
		return nil, err
	}
	s.time = timeRange(start, end, minutes)
	if s.c != nil {
		if s.due, err = dateJP("次回対応の期限", s.c.NextDue); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// when takes the date and times from the consultation, or else from the
// reservation, and fills the fields that depend on which one there is.
func (s *sheet) when() (date, start, end string, minutes int) {
	if c := s.in.Consultation; c != nil {
		s.c, s.withheld, s.mode = c.Case, c.Case == nil, c.Mode
		if c.Category != "" {
			s.category = c.Category
		}
		s.note = joinNote("記録番号", c.ID, "状態", c.Status)
		return c.Date, c.Start, c.End, c.Minutes
	}
	if res := s.in.Reservation; res != nil {
		s.note = joinNote("予約番号", res.ID, "", "")
		return res.Date, res.Start, res.End, 0
	}
	return "", "", "", 0
}

// joinNote writes "記録番号 C-1　状態 確定", leaving out empty values.
func joinNote(k1, v1, k2, v2 string) string {
	out := ""
	if v1 != "" {
		out = k1 + " " + v1
	}
	if v2 != "" {
		if out != "" {
			out += "　"
		}
		out += k2 + " " + v2
	}
	return out
}

// draw lays the whole sheet out.
func (s *sheet) draw(d *doc) {
	d.title("相談票", s.note)
	d.cont = func() { s.contHeader(d) }
	s.header(d)
	d.gap(2)
	s.business(d)
	d.gap(2)
	s.checkGroups(d)
	s.loan(d)
	d.gap(2)
	s.texts(d)
}

// contHeader heads a continuation page.
func (s *sheet) contHeader(d *doc) {
	d.title("相談票（続き）", s.note)
	d.row(lbl(colL, "相談日"), val(colV, s.date), lbl(colL2, "事業所名"), val(colV2, s.in.Business.Name))
	d.gap(2)
}

// header draws 相談日, 相談員, 相談時間, 会場 and 相談形態.
func (s *sheet) header(d *doc) {
	d.row(lbl(colL, "相談日"), val(colV, s.date), lbl(colL2, "相談員"), val(colV2, s.in.ConsultantName))
	d.row(lbl(colL, "相談時間"), val(colV, s.time), lbl(colL2, "会場"), val(colV2, s.in.VenueName))
	d.row(lbl(colL, "相談形態"), cell{w: colW, boxes: choicesOf(record.Modes(), s.mode)})
}

// business draws the business block.
func (s *sheet) business(d *doc) {
	b := s.in.Business
	d.row(lbl(colL, "フリガナ"), val(colV, b.Kana), lbl(colL2, "担当者"), val(colV2, b.Contact))
	d.row(lbl(colL, "事業所名"), val(colV, b.Name), lbl(colL2, "TEL"), val(colV2, b.Phone))
	d.row(lbl(colL, "所在地"), val(colW, address(b)))
	d.row(lbl(colL, "業種"), val(colV, b.Industry), lbl(colL2, "従業員数"), val(colV2, count(b.Employees, "人")))
	d.row(lbl(colL, "相談者区分"), cell{w: colW, boxes: choicesOf(record.Categories(), s.category)})
}
