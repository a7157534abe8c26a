package casework

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// consultSheet shows a record read-only as label rows in the order of the
// 相談票, easier to read than disabled fields (approval, old versions).
func consultSheet(ctx Host, c *record.Consultation) fyne.CanvasObject {
	form := widget.NewForm()
	for _, row := range sheetRows(ctx, c) {
		if row[1] == "" {
			continue
		}
		l := widget.NewLabel(row[1])
		l.Wrapping = fyne.TextWrapWord
		form.Append(tr(row[0]), l)
	}
	return form
}

// sheetRows are the label and text of each field that has a value.
func sheetRows(ctx Host, c *record.Consultation) [][2]string {
	staff := widgets.Names(ctx)
	biz := widgets.BusinessNames(ctx, []string{c.BusinessID})[c.BusinessID]
	when := c.Start + "〜" + c.End
	if c.Minutes > 0 {
		when += tr("（%d分）", c.Minutes)
	}
	rows := [][2]string{
		{"事業者", biz}, {"相談員", staff[c.ConsultantID]}, {"相談日", dateWithWareki(c.Date)},
		{"相談時間", when}, {"会場", staff[c.VenueID]}, {"相談形態", trv(c.Mode)}, {"相談者区分", trv(c.Category)},
	}
	if k := c.Case; k != nil {
		rows = append(rows, caseRows(ctx, k)...)
	}
	return rows
}

func caseRows(ctx Host, k *record.ConsultationCase) [][2]string {
	next := k.NextAction
	if k.NextDue != "" {
		next += tr("（期限：%s）", widgets.DateLabel(k.NextDue))
	}
	return [][2]string{
		{"相談内容区分", joinOther(k.Topics, k.TopicOther)},
		{"支援策", joinOther(programNames(ctx, k.Programs), k.ProgramOther)},
		{"お困りごと", joinOther(k.Troubles, k.TroubleOther)},
		{"売上減少の状況", trv(k.SalesDrop)}, {"融資斡旋内容", loanText(k.Loan)},
		{"相談の概要", k.Summary}, {"案内した制度", k.Guidance}, {"所感", k.Impression}, {"備考", k.Note},
		{"次回の対応", next}, {"差戻しの理由", k.ReviewComment},
	}
}

// joinOther lists translated values and the その他 text.
func joinOther(values []string, other string) string {
	out := make([]string, 0, len(values)+1)
	for _, v := range values {
		out = append(out, tr(v))
	}
	if other != "" {
		out = append(out, tr("その他（%s）", other))
	}
	return strings.Join(out, "、")
}

// programNames maps program ids to their names.
func programNames(ctx Host, ids []string) []string {
	ps, err := ctx.Office().Programs(ctx.Context(), ctx.Session())
	if err != nil {
		return ids
	}
	byID := map[string]string{}
	for _, p := range ps {
		byID[p.ID] = tr(p.Level) + "：" + p.Name
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out
}

func loanText(l record.Loan) string {
	var parts []string
	if l.Lender != "" {
		parts = append(parts, l.Lender)
	}
	if l.Amount != 0 {
		parts = append(parts, tr("%s円", groupDigits(l.Amount)))
	}
	for _, s := range []string{l.Purpose, trv(l.Status)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "　")
}

// groupDigits writes n with thousands separators: 3,000,000.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// dateWithWareki shows an ISO date in 西暦 with weekday and 和暦.
func dateWithWareki(iso string) string {
	t := widgets.ParseISO(iso)
	if t.IsZero() {
		return iso
	}
	return record.FormatDateJP(t) + "　" + record.FormatWareki(t)
}

// trv translates a value, leaving "" empty.
func trv(v string) string {
	if v == "" {
		return ""
	}
	return tr(v)
}
