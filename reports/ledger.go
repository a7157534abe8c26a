package reports

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// LedgerRow is one entry of the handover ledger (管理簿): who handed what
// personal information to whom, how, and whether the password of the file
// was sent separately.
type LedgerRow struct {
	At                 time.Time
	Handler, Content   string
	Quantity           int
	Recipient, Method  string
	PasswordSeparately bool
}

// ledgerCols are the columns of the 管理簿.
func ledgerCols() []column {
	return []column{
		{title: "日時", w: 35, align: "C"}, {title: "取扱者", w: 22}, {title: "情報の内容", w: 42},
		{title: "数量", w: 11, align: "R"}, {title: "相手先", w: 26}, {title: "方法", w: 24},
		{title: "パスワード通知の別送", w: 20, align: "C"},
	}
}

// Ledger renders a 管理簿 titled title: one row per entry in time order
// (日時 in JST, 取扱者, 情報の内容, 数量, 相手先, 方法, パスワード通知の別送 as
// ○ or －). Many rows continue on further pages with the header repeated.
func (r *Renderer) Ledger(title string, rows []LedgerRow, f Footer) ([]byte, error) {
	sorted := sortLedger(rows)
	return r.render(title, "ledger", f, func(d *doc) {
		d.title(title, "全"+strconv.Itoa(len(rows))+"件")
		cols := ledgerCols()
		d.startTable(title+"（続き）", "", "", cols)
		for _, e := range sorted {
			d.tableRow(cols, formatMinute(e.At), e.Handler, e.Content, count(e.Quantity, ""),
				e.Recipient, e.Method, mark(e.PasswordSeparately))
		}
		if len(rows) == 0 {
			d.none("記録はありません。")
		}
	})
}

// sortLedger returns a copy of rows in time order (stable).
func sortLedger(rows []LedgerRow) []LedgerRow {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b LedgerRow) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return out
}

// formatMinute writes an instant in JST to the minute: "2026/10/01 09:30".
func formatMinute(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(jst()).Format("2006/01/02 15:04")
}

// mark writes ○ for yes and － for no.
func mark(b bool) string {
	if b {
		return "○"
	}
	return "－"
}
