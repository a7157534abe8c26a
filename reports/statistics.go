package reports

import (
	"fmt"
	"math"
	"strconv"
)

// Count is one line of a statistics table: a label and how many.
type Count struct {
	Label string
	N     int
}

// Table is one statistics table, such as consultations by 相談内容区分.
type Table struct {
	Title string
	Rows  []Count
}

// StatsInput is a statistics report for a month or a 年度.
type StatsInput struct {
	Title  string // "統計報告（2026年10月）" or "統計報告（2026年度（令和8年度））"
	Period string // the dates covered, as printed
	// Consultations and UniqueBusinesses (実数) count consultation records
	// and the businesses they served; the no-show rate is NoShows over
	// Reservations.
	Consultations, UniqueBusinesses, Reservations, NoShows int
	Dispatches, SeminarAttendance                          int
	// Tables are drawn in order: 相談内容区分, 支援策, お困りごと, 業種,
	// 相談者区分, 相談員, 会場, 相談形態 and, for a 年度, the months.
	Tables []Table
}

// statsCols are the columns of every statistics table.
func statsCols() []column {
	return []column{
		{title: "区分", w: 62}, {title: "件数", w: 20, align: "R"}, {title: "割合", w: 20, align: "R"},
		{title: "グラフ", w: contentW - 102},
	}
}

// Statistics renders a statistics report: a summary block, then each table
// with its counts, shares and a horizontal bar chart drawn with rectangles.
// A table that does not fit starts on a new page, and a long one continues
// with its header repeated.
func (r *Renderer) Statistics(in StatsInput, f Footer) ([]byte, error) {
	return r.render(in.Title, "statistics", f, func(d *doc) {
		d.title(in.Title, "")
		statsSummary(d, in)
		for _, t := range in.Tables {
			d.gap(4)
			statsTable(d, in.Title, t)
		}
	})
}

// statsSummary draws the period and the headline figures.
func statsSummary(d *doc, in StatsInput) {
	const l, v = 30.0, contentW/2 - 30
	d.row(lbl(l, "対象期間"), val(contentW-l, in.Period))
	d.row(lbl(l, "相談件数"), val(v, count0(in.Consultations, "件")),
		lbl(l, "相談事業者数"), val(v, count0(in.UniqueBusinesses, "社（実数）")))
	d.row(lbl(l, "予約件数"), val(v, count0(in.Reservations, "件")),
		lbl(l, "無断キャンセル"), val(v, noShows(in.NoShows, in.Reservations)))
	d.row(lbl(l, "専門家派遣"), val(v, count0(in.Dispatches, "件")),
		lbl(l, "セミナー参加"), val(v, count0(in.SeminarAttendance, "人")))
}

// count0 formats a number with its unit, zero included: "0件".
func count0(n int, unit string) string { return strconv.Itoa(n) + unit }

// noShows writes the no-shows and their rate: "3件（2.5%）".
func noShows(n, reservations int) string {
	if reservations == 0 {
		return count0(n, "件")
	}
	return fmt.Sprintf("%d件（%s）", n, percent(n, reservations))
}

// percent writes n/total with one decimal, rounded half up (四捨五入) as
// offices do: 3/48 is "6.3%"; a zero total gives "－".
func percent(n, total int) string {
	if total == 0 {
		return "－"
	}
	tenths := math.Round(float64(n) * 1000 / float64(total))
	return strconv.FormatFloat(tenths/10, 'f', 1, 64) + "%"
}

// statsTable draws one table with a bar per row, scaled to the largest
// count, and a total row.
func statsTable(d *doc, docTitle string, t Table) {
	d.titleCont(docTitle+"（続き）", "")
	d.ensure(7.5 + 4*minRowH)
	d.heading(t.Title)
	cols := statsCols()
	d.startTable(docTitle+"（続き）", "", t.Title+"（続き）", cols)
	total, most := 0, 0
	for _, c := range t.Rows {
		total += c.N
		most = max(most, c.N)
	}
	for i, c := range t.Rows {
		if i == len(t.Rows)-1 {
			d.ensure(2 * rowH(1, 0)) // keep the total with the last row
		}
		bar := 0.0
		if most > 0 {
			bar = float64(c.N) / float64(most)
		}
		d.row(val(cols[0].w, c.Label), cell{w: cols[1].w, text: strconv.Itoa(c.N), align: "R"},
			cell{w: cols[2].w, text: percent(c.N, total), align: "R"}, cell{w: cols[3].w, bar: bar})
	}
	d.row(lbl(cols[0].w, "合計"), cell{w: cols[1].w, text: strconv.Itoa(total), align: "R", label: true},
		cell{w: cols[2].w, text: percent(total, total), align: "R", label: true}, lbl(cols[3].w, ""))
}
