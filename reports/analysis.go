package reports

// AnalysisSection is one kind of finding of the アクセスログ分析: a title, the
// criterion it was found by, the table of what was found (columns with
// their widths in millimetres, summing to the content width) and the
// sentence for none.
type AnalysisSection struct {
	Title, Criterion string
	Columns          []string
	Widths           []float64
	Rows             [][]string
	Empty            string
}

// AnalysisInput is a month's access-log analysis as printed.
type AnalysisInput struct {
	Title  string // "アクセスログ分析（2026年9月）"
	Period string // the dates covered
	Hours  string // the office hours counted with
	Events int    // events looked at
	// Sections are drawn in order, each with its count.
	Sections []AnalysisSection
}

// AccessAnalysis renders a month's access-log analysis: the period, the
// office hours and the number of events, a summary line per section with
// its count, then each section's table (its header repeated on a new
// page) or the sentence that there is none.
func (r *Renderer) AccessAnalysis(in AnalysisInput, f Footer) ([]byte, error) {
	return r.render(in.Title, "access analysis", f, func(d *doc) {
		d.title(in.Title, "")
		d.row(lbl(colL, "対象期間"), val(colW, in.Period))
		d.row(lbl(colL, "勤務時間"), val(colW, in.Hours))
		d.row(lbl(colL, "対象イベント"), val(colW, count0(in.Events, "件")))
		d.gap(4)
		cols := []column{{title: "確認項目", w: 90}, {title: "該当", w: 30, align: "R"}}
		d.startTable(in.Title+"（続き）", "", "", cols)
		for _, s := range in.Sections {
			d.tableRow(cols, s.Title, count0(len(s.Rows), "件"))
		}
		for _, s := range in.Sections {
			d.gap(4)
			analysisSection(d, in.Title, s)
		}
	})
}

// analysisSection draws one section: heading, criterion, table or none.
func analysisSection(d *doc, docTitle string, s AnalysisSection) {
	d.titleCont(docTitle+"（続き）", "")
	d.ensure(7.5 + 4*minRowH)
	d.heading(s.Title + "（" + count0(len(s.Rows), "件") + "）")
	if s.Criterion != "" {
		d.paragraph(1, s.Criterion)
	}
	if len(s.Rows) == 0 {
		d.none(s.Empty)
		return
	}
	cols := make([]column, len(s.Columns))
	for i, c := range s.Columns {
		cols[i] = column{title: c, w: s.Widths[i]}
	}
	d.startTable(docTitle+"（続き）", "", s.Title+"（続き）", cols)
	for _, row := range s.Rows {
		d.tableRow(cols, row...)
	}
	d.titleCont(docTitle+"（続き）", "")
}
