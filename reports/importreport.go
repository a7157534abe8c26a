package reports

import (
	"strconv"
)

// ImportColumn is one column of a file being imported and the field it
// fills ("" when it is not imported).
type ImportColumn struct{ Header, Field string }

// ImportRejected is a row of the file that would not be imported: its row
// number in the file, the name it gives (to find it) and why, in plain
// Japanese.
type ImportRejected struct {
	Line         int
	Name, Reason string
}

// ImportReport is the rehearsal report (仮移行の報告書) of a migration from
// an office's existing list: what was read, how its columns map, how many
// rows would be imported, and every row that would not, with its reason.
type ImportReport struct {
	Source     string // the file's name
	Kind       string // what the rows are, e.g. 事業者
	Encoding   string // as detected, e.g. Shift_JIS（CP932）
	HeaderLine int    // the row found to be the header (0: none found, the first row)
	Total      int    // data rows read
	Accepted   int
	Duplicates int // rejected rows that look like a stored business or an earlier row
	Columns    []ImportColumn
	Rejected   []ImportRejected
}

func importCountCols() []column { return []column{{title: "項目", w: 70}, {title: "内容", w: 110}} }

func importMapCols() []column {
	return []column{{title: "ファイルの列", w: 90}, {title: "取り込む項目", w: 90}}
}

func importRejectCols() []column {
	return []column{{title: "行", w: 16, align: "R"}, {title: "事業所名", w: 54}, {title: "取り込めない理由", w: 110}}
}

// ImportReport renders the rehearsal report: the counts, the mapping of
// the columns, and every rejected row with its reason (many rows continue
// on further pages with the header repeated). Nothing was written when it
// is printed; the title says so.
func (r *Renderer) ImportReport(rep ImportReport, f Footer) ([]byte, error) {
	title := "仮移行の報告書（" + rep.Kind + "）"
	return r.render(title, "import report", f, func(d *doc) {
		d.title(title, "取込前の確認（まだ何も書き込んでいません）")
		header := "見つかりませんでした（1行目を見出しとしました）"
		if rep.HeaderLine > 0 {
			header = strconv.Itoa(rep.HeaderLine) + "行目"
		}
		cols := importCountCols()
		d.header(cols)
		for _, kv := range [][2]string{
			{"ファイル", rep.Source}, {"文字コード", rep.Encoding}, {"見出しの行", header},
			{"読み込んだ行", count0(rep.Total, "件")}, {"取り込める行", count0(rep.Accepted, "件")},
			{"取り込めない行", count0(len(rep.Rejected), "件")}, {"うち重複の疑い", count0(rep.Duplicates, "件")},
		} {
			d.tableRow(cols, kv[0], kv[1])
		}
		d.gap(4)
		d.heading("列と項目の対応")
		mc := importMapCols()
		d.startTable(title+"（続き）", "", "", mc)
		for _, c := range rep.Columns {
			field := c.Field
			if field == "" {
				field = "（取り込まない）"
			}
			d.tableRow(mc, c.Header, field)
		}
		d.titleCont(title+"（続き）", "")
		d.gap(4)
		d.heading("取り込めない行")
		rc := importRejectCols()
		if len(rep.Rejected) == 0 {
			d.none("すべての行を取り込めます。")
			return
		}
		d.startTable(title+"（続き）", "", "", rc)
		for _, x := range rep.Rejected {
			d.tableRow(rc, strconv.Itoa(x.Line), x.Name, x.Reason)
		}
	})
}
