package casework

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// consultFields are the widgets of the 相談票 (別紙2), in the order of the
// sheet, which is also the tab order.
type consultFields struct {
	biz                                    *businessPick
	consultants, venues, loanStatuses      widgets.Choices
	consultant, venue, loanStatus          *widget.Select
	date                                   *widgets.DateField
	start, end                             *widget.Entry
	minutes                                *widget.Label
	mode, category, salesDrop              *widgets.Radio
	topics, troubles                       *widgets.ChoiceGroup
	programs                               []*widgets.ChoiceGroup
	programLevels                          []string
	topicOther, programOther, troubleOther *widget.Entry
	lender, amount, purpose                *widget.Entry
	summary, guidance, impression, note    *widget.Entry
	nextAction, nextDue                    *widget.Entry
}

// newConsultFields makes the widgets; keep names the staff and programs a
// record refers to even when they are no longer active.
func newConsultFields(ctx Host, keep *record.Consultation) (*consultFields, error) {
	f := &consultFields{biz: newBusinessPick(ctx, nil), date: widgets.NewDateField(ctx.Today(), 1, nil)}
	var err error
	if f.consultants, err = widgets.StaffChoicesByRole(ctx, record.StaffRoles()[0], keep.ConsultantID); err != nil {
		return nil, err
	}
	if f.venues, err = widgets.VenueChoices(ctx); err != nil {
		return nil, err
	}
	f.consultant, f.venue = f.consultants.NewSelect(nil), f.venues.NewSelect(nil)
	f.loanStatuses = widgets.TextChoices(record.LoanStatuses())
	f.loanStatus = f.loanStatuses.NewSelect(nil)
	f.start, f.end, f.minutes = widgets.NewClockField(""), widgets.NewClockField(""), widget.NewLabel("")
	f.start.OnChanged = func(string) { f.showMinutes() }
	f.end.OnChanged = func(string) { f.showMinutes() }
	f.mode, f.category, f.salesDrop = widgets.NewRadio(record.Modes()), widgets.NewRadio(record.Categories()), widgets.NewRadio(record.SalesDrops())
	f.topics, f.troubles = widgets.NewChoiceGroup(record.Topics()), widgets.NewChoiceGroup(record.Troubles())
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
	f.summary, f.guidance, f.impression, f.note = widgets.NewMultiLine(4), widgets.NewMultiLine(4), widgets.NewMultiLine(3), widgets.NewMultiLine(2)
	f.nextAction = widget.NewEntry()
	f.nextAction.SetPlaceHolder(tr("次回の対応（例：申請書の下書きを確認）"))
	f.nextDue = widgets.OptionalDateEntry("次回対応の期限", "")
}

// makePrograms builds one check group per program level (市区・都道府県・国).
func (f *consultFields) makePrograms(ctx Host, keep *record.Consultation) error {
	ps, err := ctx.Office().Programs(ctx.Context(), ctx.Session())
	if err != nil {
		return err
	}
	var chosen []string
	if keep.Case != nil {
		chosen = keep.Case.Programs
	}
	for _, level := range record.ProgramLevels() {
		var c widgets.Choices
		for _, p := range ps {
			if p.Level == level && (p.Active || hasString(chosen, p.ID)) {
				c.Add(p.ID, p.Name)
			}
		}
		if len(c.IDs) > 0 {
			f.programs = append(f.programs, widgets.NewIDGroup(c))
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
	m, err := record.Minutes(widgets.NormalClock(f.start.Text), widgets.NormalClock(f.end.Text))
	if err != nil || m <= 0 {
		f.minutes.SetText("")
		return
	}
	f.minutes.SetText(tr("（%d分）", m))
}

// addRows puts the fields into ff in the order of the sheet.
func (f *consultFields) addRows(ff *widgets.FieldForm) {
	ff.Add("事業者", f.biz.object())
	ff.Add("相談員", f.consultant)
	ff.Add("相談日", f.date.Object())
	ff.Add("相談時間", container.NewHBox(widgets.Sized(f.start, 80), widget.NewLabel("〜"), widgets.Sized(f.end, 80), f.minutes))
	ff.Errs["開始時刻"], ff.Errs["終了時刻"] = ff.Errs["相談時間"], ff.Errs["相談時間"]
	ff.Add("会場", f.venue)
	ff.Add("相談形態", f.mode.Group)
	ff.Add("相談者区分", f.category.Group)
	ff.Add("相談内容区分", container.NewVBox(f.topics.Group, f.topicOther))
	ff.Add("支援策", f.programBox())
	ff.Add("お困りごと", container.NewVBox(f.troubles.Group, f.troubleOther))
	ff.Add("売上減少の状況", container.NewVBox(widget.NewLabel(tr("コロナ前と比較して、売上が")), f.salesDrop.Group))
	ff.Add("融資斡旋内容", container.NewGridWithColumns(2, f.lender, f.amount, f.purpose, f.loanStatus))
	ff.Errs["融資額"], ff.Errs["融資の状況"] = ff.Errs["融資斡旋内容"], ff.Errs["融資斡旋内容"]
	ff.Add("相談の概要", f.summary)
	ff.Add("案内した制度", f.guidance)
	ff.Add("所感", f.impression)
	ff.Add("備考", f.note)
	ff.Add("次回の対応", f.nextAction)
	ff.Add("次回対応の期限", widgets.Sized(f.nextDue, 160))
}

func (f *consultFields) programBox() fyne.CanvasObject {
	levels := container.New(layout.NewFormLayout())
	for i, g := range f.programs {
		levels.Add(widget.NewLabelWithStyle(tr(f.programLevels[i]), fyne.TextAlignTrailing, fyne.TextStyle{Italic: true}))
		levels.Add(g.Group)
	}
	if len(f.programs) == 0 {
		return container.NewVBox(widget.NewLabel(tr("支援策のマスタが空です（マスタ画面で登録できます）")), f.programOther)
	}
	return container.NewVBox(levels, f.programOther)
}

// fill shows a record in the widgets.
func (f *consultFields) fill(c *record.Consultation) {
	f.biz.set(c.BusinessID, "")
	f.consultants.SelectID(f.consultant, c.ConsultantID)
	f.venues.SelectID(f.venue, c.VenueID)
	if t := widgets.ParseISO(c.Date); !t.IsZero() {
		f.date.SetDate(t)
	}
	f.start.SetText(c.Start)
	f.end.SetText(c.End)
	f.mode.Set(c.Mode)
	f.category.Set(c.Category)
	k := c.Case
	if k == nil {
		k = &record.ConsultationCase{}
	}
	f.fillCase(k)
}

func (f *consultFields) fillCase(k *record.ConsultationCase) {
	f.topics.Set(k.Topics)
	f.topicOther.SetText(k.TopicOther)
	for _, g := range f.programs {
		g.Set(k.Programs)
	}
	f.programOther.SetText(k.ProgramOther)
	f.troubles.Set(k.Troubles)
	f.troubleOther.SetText(k.TroubleOther)
	f.salesDrop.Set(k.SalesDrop)
	f.lender.SetText(k.Loan.Lender)
	f.amount.SetText("")
	if k.Loan.Amount != 0 {
		f.amount.SetText(strconv.FormatInt(k.Loan.Amount, 10))
	}
	f.purpose.SetText(k.Loan.Purpose)
	widgets.SetSelectValue(f.loanStatuses, f.loanStatus, k.Loan.Status)
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
	c.ConsultantID = f.consultants.ID(f.consultant.Selected)
	c.VenueID = f.venues.ID(f.venue.Selected)
	c.Date = f.date.ISO()
	c.Start, c.End = widgets.NormalClock(f.start.Text), widgets.NormalClock(f.end.Text)
	c.Mode, c.Category = f.mode.Value(), f.category.Value()
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
	k.Topics, k.TopicOther = f.topics.Values(), f.topicOther.Text
	k.Programs = nil
	for _, g := range f.programs {
		k.Programs = append(k.Programs, g.Values()...)
	}
	k.ProgramOther = f.programOther.Text
	k.Troubles, k.TroubleOther = f.troubles.Values(), f.troubleOther.Text
	k.SalesDrop = f.salesDrop.Value()
	k.Loan = record.Loan{Lender: f.lender.Text, Purpose: f.purpose.Text, Status: widgets.SelectValue(f.loanStatuses, f.loanStatus)}
	k.Summary, k.Guidance, k.Impression, k.Note = f.summary.Text, f.guidance.Text, f.impression.Text, f.note.Text
	k.NextAction, k.NextDue = f.nextAction.Text, widgets.ISOOf("次回対応の期限", f.nextDue.Text)
	n, ok := record.ParseWholeNumber(f.amount.Text)
	if !ok {
		return fmt.Errorf("amount: %w", &record.FieldError{Field: "融資額", Msg: tr("融資額は数字で入力してください（例：3000000）")})
	}
	k.Loan.Amount = n
	return nil
}
