package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// AttendanceInput is a seminar with its applications; VenueName is the name
// of the seminar's venue.
type AttendanceInput struct {
	Seminar      record.Seminar
	VenueName    string
	Applications []record.Application
}

// attendanceCols are the columns of the attendance list.
func attendanceCols() []column {
	return []column{
		{title: "No", w: 9, align: "R"}, {title: "事業所名", w: 41}, {title: "氏名", w: 24},
		{title: "電話", w: 29}, {title: "申込日", w: 24, align: "C"}, {title: "状態", w: 27, align: "C"},
		{title: "出欠", w: 10}, {title: "備考", w: 16},
	}
}

// Attendance renders a セミナー出席者名簿: the seminar (title, date in 西暦 and
// 和暦, time, venue, lecturer, 定員, 申込数) and one row per application in
// order of application, with an empty box to tick attendance by hand.
func (r *Renderer) Attendance(in AttendanceInput, f Footer) ([]byte, error) {
	s := in.Seminar
	date, err := dateBoth("開催日", s.Date)
	if err != nil {
		return nil, fmt.Errorf("attendance list: %w", err)
	}
	apps, err := attendanceRows(in.Applications)
	if err != nil {
		return nil, fmt.Errorf("attendance list: %w", err)
	}
	return r.render("セミナー出席者名簿", "attendance list", f, func(d *doc) {
		d.title("セミナー出席者名簿", "")
		seminarHeader(d, in, date)
		d.gap(3)
		cols := attendanceCols()
		d.startTable("セミナー出席者名簿（続き）", "", s.Title, cols)
		for i, a := range apps {
			d.row(numbered(cols, strconv.Itoa(i+1), a.BusinessName, a.PersonName, a.Phone, a.AppliedOn, a.Status)...)
		}
		if len(apps) == 0 {
			d.none("申込はありません。")
		}
	})
}

// seminarHeader draws the seminar's details and the application counts.
func seminarHeader(d *doc, in AttendanceInput, date string) {
	s := in.Seminar
	venue := in.VenueName
	if s.Online {
		venue = "オンライン"
	}
	d.row(lbl(colL, "セミナー名"), val(colW, s.Title))
	d.row(lbl(colL, "開催日"), val(colV, date), lbl(colL2, "時間"), val(colV2, timeRange(s.Start, s.End, 0)))
	d.row(lbl(colL, "会場"), val(colV, venue), lbl(colL2, "講師"), val(colV2, s.Lecturer))
	d.row(lbl(colL, "申込数"), val(colV, applied(in.Applications)), lbl(colL2, "定員"), val(colV2, count(s.Capacity, "名")))
}

// applied counts the applications that are not cancelled, noting those
// waiting for a place: "12名（うちキャンセル待ち 2名）".
func applied(apps []record.Application) string {
	n, waiting := 0, 0
	for _, a := range apps {
		switch a.Status {
		case record.AppCanceled:
		case record.AppWaiting:
			n++
			waiting++
		default:
			n++
		}
	}
	if waiting == 0 {
		return strconv.Itoa(n) + "名"
	}
	return fmt.Sprintf("%d名（うちキャンセル待ち %d名）", n, waiting)
}

// attendanceRows sorts applications by date of application (stable) and
// formats their dates as "2026/09/01".
func attendanceRows(apps []record.Application) ([]record.Application, error) {
	out := slices.Clone(apps)
	slices.SortStableFunc(out, func(a, b record.Application) int { return cmp.Compare(a.AppliedOn, b.AppliedOn) })
	for i := range out {
		s, err := dateShort("申込日", out[i].AppliedOn)
		if err != nil {
			return nil, err
		}
		out[i].AppliedOn = s
	}
	return out, nil
}

// numbered makes the cells of one attendance row: the values, then an
// empty box to tick and an empty 備考.
func numbered(cols []column, vals ...string) []cell {
	cells := make([]cell, len(cols))
	for i, c := range cols {
		cells[i] = cell{w: c.w, align: c.align}
		if i < len(vals) {
			cells[i].text = vals[i]
		}
	}
	cells[len(cols)-2].mark = true
	return cells
}
