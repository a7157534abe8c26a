package reports

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// manyTables makes a 年度 report of n tables; table i has 3+i%7 rows
// labelled "表i-行j", and the last is the per-month table.
func manyTables(n int) StatsInput {
	in := StatsInput{Title: "統計報告（2026年度（令和8年度））", Period: "2026年4月1日〜2027年3月31日"}
	for i := 1; i <= n; i++ {
		t := Table{Title: fmt.Sprintf("集計表%d", i)}
		for j := 1; j <= 3+i%7; j++ {
			t.Rows = append(t.Rows, Count{fmt.Sprintf("表%d-行%d", i, j), i * j})
		}
		in.Tables = append(in.Tables, t)
	}
	months := Table{Title: "月別"}
	for m := 4; m < 16; m++ {
		months.Rows = append(months.Rows, Count{fmt.Sprintf("月別-%d月", (m-1)%12+1), m})
	}
	in.Tables = append(in.Tables, months)
	return in
}

// pages returns the white-space-free text of each page.
func pages(t *testing.T, pdf []byte) []string {
	t.Helper()
	ps := strings.Split(pdfText(t, pdf, false), "\f")
	out := make([]string, 0, len(ps))
	for _, p := range ps[:len(ps)-1] {
		out = append(out, squeeze(p))
	}
	return out
}

// TestStatisticsPagination checks that a long report breaks between tables,
// keeps every row, and that a page continuing a table ("集計表N（続き）")
// holds rows of that table, not a stale header of a finished one.
func TestStatisticsPagination(t *testing.T) {
	in := manyTables(14)
	pdf, err := New().Statistics(in, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	ps := pages(t, pdf)
	if len(ps) < 3 {
		t.Fatalf("%d pages, want at least 3", len(ps))
	}
	all := strings.Join(ps, "")
	for _, tb := range in.Tables {
		for _, c := range tb.Rows {
			if n := strings.Count(all, c.Label+fmt.Sprint(c.N)); n != 1 {
				t.Errorf("row %s appears %d times", c.Label, n)
			}
		}
	}
	for i, p := range ps[1:] {
		if !strings.HasPrefix(p, squeeze(in.Title+"（続き）")) {
			t.Errorf("page %d does not start with the report title", i+2)
		}
		for _, tb := range in.Tables {
			if strings.Contains(p, tb.Title+"（続き）") && !strings.Contains(p, strings.TrimPrefix(tb.Title, "集計")+"-") &&
				!strings.Contains(p, "月別-") {
				t.Errorf("page %d repeats the header of %s but holds none of its rows", i+2, tb.Title)
			}
		}
	}
}

// TestSchedulePagination checks a long day: every row once, and every page
// after the first headed with its group.
func TestSchedulePagination(t *testing.T) {
	var rows []ScheduleRow
	for v := 1; v <= 3; v++ {
		for c := 1; c <= 3; c++ {
			for h := 9; h < 17; h++ {
				rows = append(rows, ScheduleRow{
					Start: fmt.Sprintf("%02d:00", h), End: fmt.Sprintf("%02d:50", h),
					Venue: fmt.Sprintf("第%d相談室", v), Consultant: fmt.Sprintf("相談員%d-%d", v, c),
					Business: fmt.Sprintf("店%d-%d-%02d", v, c, h), Phone: "03-5555-0101", Status: "予約", Channel: "電話",
				})
			}
		}
	}
	pdf, err := New().DaySchedule(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), rows, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	ps := pages(t, pdf)
	if len(ps) < 2 {
		t.Fatalf("%d pages, want at least 2", len(ps))
	}
	all := strings.Join(ps, "")
	for _, r := range rows {
		if n := strings.Count(all, r.Business); n != 1 {
			t.Errorf("%s appears %d times", r.Business, n)
		}
	}
	for i, p := range ps[1:] {
		if !strings.HasPrefix(p, "本日の予定表（続き）") {
			t.Errorf("page %d does not start with the title", i+2)
		}
		for v := 1; v <= 3; v++ {
			for c := 1; c <= 3; c++ {
				g := fmt.Sprintf("相談員：相談員%d-%d（続き）", v, c)
				if strings.Contains(p, g) && !strings.Contains(p, fmt.Sprintf("店%d-%d-", v, c)) {
					t.Errorf("page %d repeats %s but holds none of its rows", i+2, g)
				}
			}
		}
	}
}
