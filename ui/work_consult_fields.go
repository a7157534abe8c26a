package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// consultFields are the widgets of the 相談票 (別紙2), in the order of the
// sheet, which is also the tab order.
type consultFields struct {
	biz                                    *businessPick
	consultants, venues, loanStatuses      choices
	consultant, venue, loanStatus          *widget.Select
	date                                   *dateField
	start, end                             *widget.Entry
	minutes                                *widget.Label
	mode, category, salesDrop              *radio
	topics, troubles                       *choiceGroup
	programs                               []*choiceGroup
	programLevels                          []string
	topicOther, programOther, troubleOther *widget.Entry
	lender, amount, purpose                *widget.Entry
	summary, guidance, impression, note    *widget.Entry
	nextAction, nextDue                    *widget.Entry
}

// newConsultFields makes the widgets; keep names the staff and programs a
// record refers to even when they are no longer active.
func newConsultFields(ctx *Context, keep *record.Consultation) (*consultFields, error) {
	f := &consultFields{biz: newBusinessPick(ctx, nil), date: newDateField(ctx.Today(), 1, nil)}
	var err error
	if f.consultants, err = staffChoicesByRole(ctx, record.StaffRoles()[0], keep.ConsultantID); err != nil {
		return nil, err
	}
	if f.venues, err = venueChoices(ctx); err != nil {
		return nil, err
	}
	f.consultant, f.venue = f.consultants.newSelect(nil), f.venues.newSelect(nil)
	f.loanStatuses = textChoices(record.LoanStatuses())
	f.loanStatus = f.loanStatuses.newSelect(nil)
	f.start, f.end, f.minutes = newClockField(""), newClockField(""), widget.NewLabel("")
	f.start.OnChanged = func(string) { f.showMinutes() }
	f.end.OnChanged = func(string) { f.showMinutes() }
	f.mode, f.category, f.salesDrop = newRadio(record.Modes()), newRadio(record.Categories()), newRadio(record.SalesDrops())
	f.topics, f.troubles = newChoiceGroup(record.Topics(), true), newChoiceGroup(record.Troubles(), true)
	if err := f.makePrograms(ctx, keep); err != nil {
		return nil, err
	}
	f.makeTexts()
	return f, nil
}

func (f *consultFields) makeTexts() {
	f.topicOther, f.programOther, f.troubleOther = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	for _, e := range []*widget.Entry{f.topicOther, f.programOther, f.troubleOther} {
		e.SetPlaceHolder(tr("その他の内容"))
	}
	f.lender, f.amount, f.purpose = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.lender.SetPlaceHolder(tr("金融機関"))
	f.amount.SetPlaceHolder(tr("金額（円）"))
	f.purpose.SetPlaceHolder(tr("資金使途"))
	f.summary, f.guidance, f.impression, f.note = newMultiLine(4), newMultiLine(4), newMultiLine(3), newMultiLine(2)
	f.nextAction = widget.NewEntry()
	f.nextAction.SetPlaceHolder(tr("次回の対応（例：申請書の下書きを確認）"))
	f.nextDue = optionalDateEntry("次回対応の期限", "")
}

// makePrograms builds one check group per program level (市区・都道府県・国).
func (f *consultFields) makePrograms(ctx *Context, keep *record.Consultation) error {
	ps, err := ctx.Office.Programs(context.Background(), ctx.Session)
	if err != nil {
		return err
	}
	var chosen []string
	if keep.Case != nil {
		chosen = keep.Case.Programs
	}
	for _, level := range record.ProgramLevels() {
		var c choices
		for _, p := range ps {
			if p.Level == level && (p.Active || hasString(chosen, p.ID)) {
				c.add(p.ID, p.Name)
			}
		}
		if len(c.ids) > 0 {
			f.programs = append(f.programs, newIDGroup(c))
			f.programLevels = append(f.programLevels, level)
		}
	}
	return nil
}

func hasString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// showMinutes computes 相談時間 in minutes as the times are typed.
func (f *consultFields) showMinutes() {
	m, err := record.Minutes(normalClock(f.start.Text), normalClock(f.end.Text))
	if err != nil || m <= 0 {
		f.minutes.SetText("")
		return
	}
	f.minutes.SetText(tr("（%d分）", m))
}

// addRows puts the fields into ff in the order of the sheet.
func (f *consultFields) addRows(ff *fieldForm) {
	ff.add("事業者", f.biz.object())
	ff.add("相談員", f.consultant)
	ff.add("相談日", f.date.object())
	ff.add("相談時間", container.NewHBox(sized(f.start, 80), widget.NewLabel("〜"), sized(f.end, 80), f.minutes))
	ff.errs["開始時刻"], ff.errs["終了時刻"] = ff.errs["相談時間"], ff.errs["相談時間"]
	ff.add("会場", f.venue)
	ff.add("相談形態", f.mode.group)
	ff.add("相談者区分", f.category.group)
	ff.add("相談内容区分", container.NewVBox(f.topics.group, f.topicOther))
	ff.add("支援策", f.programBox())
	ff.add("お困りごと", container.NewVBox(f.troubles.group, f.troubleOther))
	ff.add("売上減少の状況", container.NewVBox(widget.NewLabel(tr("コロナ前と比較して、売上が")), f.salesDrop.group))
	ff.add("融資斡旋内容", container.NewGridWithColumns(2, f.lender, f.amount, f.purpose, f.loanStatus))
	ff.errs["融資額"], ff.errs["融資の状況"] = ff.errs["融資斡旋内容"], ff.errs["融資斡旋内容"]
	ff.add("相談の概要", f.summary)
	ff.add("案内した制度", f.guidance)
	ff.add("所感", f.impression)
	ff.add("備考", f.note)
	ff.add("次回の対応", f.nextAction)
	ff.add("次回対応の期限", sized(f.nextDue, 160))
}

func (f *consultFields) programBox() fyne.CanvasObject {
	levels := container.New(layout.NewFormLayout())
	for i, g := range f.programs {
		levels.Add(widget.NewLabelWithStyle(tr(f.programLevels[i]), fyne.TextAlignTrailing, fyne.TextStyle{Italic: true}))
		levels.Add(g.group)
	}
	if len(f.programs) == 0 {
		return container.NewVBox(widget.NewLabel(tr("支援策のマスタが空です（マスタ画面で登録できます）")), f.programOther)
	}
	return container.NewVBox(levels, f.programOther)
}

// fill shows a record in the widgets.
func (f *consultFields) fill(c *record.Consultation) {
	f.biz.set(c.BusinessID, "")
	f.consultants.selectID(f.consultant, c.ConsultantID)
	f.venues.selectID(f.venue, c.VenueID)
	if t := parseISO(c.Date); !t.IsZero() {
		f.date.SetDate(t)
	}
	f.start.SetText(c.Start)
	f.end.SetText(c.End)
	f.mode.set(c.Mode)
	f.category.set(c.Category)
	k := c.Case
	if k == nil {
		k = &record.ConsultationCase{}
	}
	f.fillCase(k)
}

func (f *consultFields) fillCase(k *record.ConsultationCase) {
	f.topics.set(k.Topics)
	f.topicOther.SetText(k.TopicOther)
	for _, g := range f.programs {
		g.set(k.Programs)
	}
	f.programOther.SetText(k.ProgramOther)
	f.troubles.set(k.Troubles)
	f.troubleOther.SetText(k.TroubleOther)
	f.salesDrop.set(k.SalesDrop)
	f.lender.SetText(k.Loan.Lender)
	f.amount.SetText("")
	if k.Loan.Amount != 0 {
		f.amount.SetText(strconv.FormatInt(k.Loan.Amount, 10))
	}
	f.purpose.SetText(k.Loan.Purpose)
	setSelectValue(f.loanStatuses, f.loanStatus, k.Loan.Status)
	f.summary.SetText(k.Summary)
	f.guidance.SetText(k.Guidance)
	f.impression.SetText(k.Impression)
	f.note.SetText(k.Note)
	f.nextAction.SetText(k.NextAction)
	f.nextDue.SetText(k.NextDue)
}

// collect copies the widgets into c (keeping its Meta, reservation and
// review comment). A malformed amount is an error for the 融資額 field.
func (f *consultFields) collect(c *record.Consultation) error {
	c.BusinessID = f.biz.id
	c.ConsultantID = f.consultants.id(f.consultant.Selected)
	c.VenueID = f.venues.id(f.venue.Selected)
	c.Date = f.date.ISO()
	c.Start, c.End = normalClock(f.start.Text), normalClock(f.end.Text)
	c.Mode, c.Category = f.mode.value(), f.category.value()
	if m, err := record.Minutes(c.Start, c.End); err == nil && m > 0 {
		c.Minutes = m
	}
	k := &record.ConsultationCase{}
	if c.Case != nil {
		k.ReviewComment = c.Case.ReviewComment
	}
	c.Case = k
	return f.collectCase(k)
}

func (f *consultFields) collectCase(k *record.ConsultationCase) error {
	k.Topics, k.TopicOther = f.topics.values(), f.topicOther.Text
	k.Programs = nil
	for _, g := range f.programs {
		k.Programs = append(k.Programs, g.values()...)
	}
	k.ProgramOther = f.programOther.Text
	k.Troubles, k.TroubleOther = f.troubles.values(), f.troubleOther.Text
	k.SalesDrop = f.salesDrop.value()
	k.Loan = record.Loan{Lender: f.lender.Text, Purpose: f.purpose.Text, Status: selectValue(f.loanStatuses, f.loanStatus)}
	k.Summary, k.Guidance, k.Impression, k.Note = f.summary.Text, f.guidance.Text, f.impression.Text, f.note.Text
	k.NextAction, k.NextDue = f.nextAction.Text, isoOf("次回対応の期限", f.nextDue.Text)
	n, ok := record.ParseWholeNumber(f.amount.Text)
	if !ok {
		return fmt.Errorf("amount: %w", &record.FieldError{Field: "融資額", Msg: tr("融資額は数字で入力してください（例：3000000）")})
	}
	k.Loan.Amount = n
	return nil
}
