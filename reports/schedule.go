package reports

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// ScheduleRow is one appointment of the day, already resolved to names.
type ScheduleRow struct {
	Start, End, Venue, Consultant, Business, Phone, Status, Channel string
	// WalkIn marks a 飛び込み, a reservation made at arrival.
	WalkIn bool
}

// scheduleCols are the columns of 本日の予定表 under each consultant.
func scheduleCols() []column {
	return []column{
		{title: "時間", w: 26, align: "C"}, {title: "事業所名", w: 60}, {title: "電話", w: 32},
		{title: "受付", w: 16, align: "C"}, {title: "状態", w: 28, align: "C"}, {title: "備考", w: 18, align: "C"},
	}
}

// DaySchedule renders 本日の予定表 for date: the rows grouped by venue, then
// by consultant, each group sorted by time; the date is shown in 西暦 and
// 和暦. Rows may come in any order.
func (r *Renderer) DaySchedule(date time.Time, rows []ScheduleRow, f Footer) ([]byte, error) {
	day := record.FormatDateJP(date) + "　" + record.FormatWareki(date)
	rows = sortSchedule(rows)
	return r.render("本日の予定表", "day schedule", f, func(d *doc) {
		d.title("本日の予定表", day)
		d.paragraph(0, day+"　全"+strconv.Itoa(len(rows))+"件")
		if len(rows) == 0 {
			d.none("予定はありません。")
			return
		}
		cols := scheduleCols()
		for i, row := range rows {
			newVenue := i == 0 || row.Venue != rows[i-1].Venue
			if newVenue || row.Consultant != rows[i-1].Consultant {
				scheduleGroup(d, day, row, newVenue, cols)
			}
			d.tableRow(cols, row.Start+"〜"+row.End, row.Business, row.Phone, row.Channel, row.Status, walkIn(row.WalkIn))
		}
	})
}

// scheduleGroup starts the rows of a consultant, under a venue heading when
// the venue changes too, and makes following pages repeat the group's header.
func scheduleGroup(d *doc, day string, row ScheduleRow, newVenue bool, cols []column) {
	d.titleCont("本日の予定表（続き）", day)
	if newVenue {
		d.gap(2)
		d.heading("会場：" + orDash(row.Venue))
	}
	group := "会場：" + orDash(row.Venue) + "　相談員：" + orDash(row.Consultant)
	d.gap(1.5)
	d.ensure(3 * minRowH)
	d.paragraph(1, "相談員："+orDash(row.Consultant))
	d.startTable("本日の予定表（続き）", day, group+"（続き）", cols)
}

// sortSchedule returns a copy of rows sorted by venue, consultant and time.
func sortSchedule(rows []ScheduleRow) []ScheduleRow {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b ScheduleRow) int {
		return cmp.Or(cmp.Compare(a.Venue, b.Venue), cmp.Compare(a.Consultant, b.Consultant),
			cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	return out
}

// walkIn writes 飛び込み for a walk-in.
func walkIn(w bool) string {
	if w {
		return "飛び込み"
	}
	return ""
}
