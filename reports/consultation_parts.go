package reports

import (
	"slices"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// other is the label of the free "その他" item of a group, with its text.
const other = "その他"

// checkGroups draws 相談内容区分, 支援策, お困りごと and 売上減少の状況.
func (s *sheet) checkGroups(d *doc) {
	var c record.ConsultationCase
	if s.c != nil {
		c = *s.c
	}
	d.row(lbl(colL, "相談内容区分"), cell{w: colW, boxes: withOther(choicesOf(record.Topics(), c.Topics...), c.TopicOther)})
	d.row(lbl(colL, "支援策"), cell{w: colW, boxes: s.programChoices(c)})
	d.row(lbl(colL, "お困りごと"), cell{w: colW, boxes: withOther(choicesOf(record.Troubles(), c.Troubles...), c.TroubleOther)})
	d.row(lbl(colL, "売上減少の状況"), cell{w: colW, boxes: choicesOf(record.SalesDrops(), c.SalesDrop)})
}

// withOther writes the text of the その他 item into its label, or leaves
// room to write it by hand: "その他（　　　　）".
func withOther(cs []choice, text string) []choice {
	if text == "" {
		text = "　　　　　　"
	}
	for i := range cs {
		if cs[i].label == other {
			cs[i].label = other + "（" + text + "）"
		}
	}
	return cs
}

// programChoices lists the support-program master grouped by level, the
// active programs and any inactive one that was ticked, then the ticked ids
// the master does not know, then その他.
func (s *sheet) programChoices(c record.ConsultationCase) []choice {
	on := make(map[string]bool, len(c.Programs))
	for _, id := range c.Programs {
		on[id] = true
	}
	known := make(map[string]bool, len(s.in.Programs))
	var out []choice
	for _, level := range programLevels(s.in.Programs) {
		group := []choice{{label: level + "：", heading: true}}
		for _, p := range s.in.Programs {
			known[p.ID] = true
			if p.Level == level && (p.Active || on[p.ID]) {
				group = append(group, choice{label: p.Name, on: on[p.ID]})
			}
		}
		if len(group) > 1 {
			out = append(out, group...)
		}
	}
	for _, id := range c.Programs {
		if !known[id] {
			out = append(out, choice{label: id, on: true, br: len(out) > 0})
		}
	}
	last := withOther([]choice{{label: other, on: c.ProgramOther != "", br: len(out) > 0}}, c.ProgramOther)
	return append(out, last...)
}

// programLevels lists the levels of record.ProgramLevels, then any other
// level the master uses, in order of first use.
func programLevels(ps []record.Program) []string {
	levels := record.ProgramLevels()
	for _, p := range ps {
		if p.Level != "" && !slices.Contains(levels, p.Level) {
			levels = append(levels, p.Level)
		}
	}
	return levels
}

// loan draws the 融資斡旋内容.
func (s *sheet) loan(d *doc) {
	var l record.Loan
	if s.c != nil {
		l = s.c.Loan
	}
	d.row(lbl(colL, "融資斡旋先"), val(colV, l.Lender), lbl(colL2, "金額"), val(colV2, yen(l.Amount)))
	d.row(lbl(colL, "資金使途"), val(colV, l.Purpose), lbl(colL2, "斡旋状況"), val(colV2, l.Status))
}

// texts draws the free-text sections and the next action.
func (s *sheet) texts(d *doc) {
	switch {
	case s.withheld:
		d.heading("相談内容")
		d.paragraph(2, "（相談内容は閲覧権限がないため印刷していません）")
	case s.blank:
		s.blankTexts(d)
	default:
		s.filledTexts(d)
	}
}

// sections are the free-text headings of 別紙2 in order.
func sections() []string {
	return []string{"【相談の概要】", "【案内した制度】", "【所感】", "■備考・その他"}
}

// filledTexts draws the consultant's text under each heading, flowing onto
// continuation pages, then the next action.
func (s *sheet) filledTexts(d *doc) {
	texts := []string{s.c.Summary, s.c.Guidance, s.c.Impression, s.c.Note}
	for i, h := range sections() {
		d.heading(h)
		d.paragraph(2, texts[i])
		d.gap(2)
	}
	d.row(lbl(colL, "次回対応"), val(contentW-colL-15-colV2, s.c.NextAction), lbl(15, "期限"), val(colV2, s.due))
}

// blankTexts draws an empty ruled box under each heading, sized to fill
// the rest of the page (at least 12 mm each), then an empty next action.
func (s *sheet) blankTexts(d *doc) {
	shares := []float64{0.35, 0.3, 0.2, 0.15}
	free := bottomY - d.pdf.GetY() - float64(len(shares))*9.5 - rowH(1, 0) - 3
	for i, h := range sections() {
		d.heading(h)
		d.ruledBox(12 + max(0, free-12*float64(len(shares)))*shares[i])
		d.gap(2)
	}
	d.row(lbl(colL, "次回対応"), val(contentW-colL-15-colV2, ""), lbl(15, "期限"), val(colV2, "　　年　　月　　日"))
}
