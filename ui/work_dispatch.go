package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// dispatchScreen is the 専門家派遣 screen: the list of dispatches and the form.
type dispatchScreen struct {
	ctx   *Context
	pager *Pager
	table *Table
	ds    []record.Dispatch
	form  *dispatchForm // the open form, if any
}

// buildDispatches builds the 専門家派遣 screen.
func buildDispatches(ctx *Context) fyne.CanvasObject { return newDispatchScreen(ctx).pager }

func newDispatchScreen(ctx *Context) *dispatchScreen {
	sc := &dispatchScreen{ctx: ctx}
	sc.table = NewTable([]string{"申請日", "事業者", "専門家", "状態", "テーマ"}, []float32{170, 220, 180, 80}, sc.open)
	add := widget.NewButtonWithIcon(tr("新規申請"), theme.ContentAddIcon(), func() { sc.show(sc.blank()) })
	top := container.NewVBox(Heading(tr("専門家派遣")), container.NewHBox(add))
	sc.pager = NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()),
		map[string]func(){ShortcutNew: func() { sc.show(sc.blank()) }, ShortcutSearch: func() { Focus(ctx, sc.table.List) }})
	sc.refresh()
	return sc
}

func (sc *dispatchScreen) blank() *record.Dispatch {
	return &record.Dispatch{RequestedOn: ISOToday(sc.ctx), Status: record.DisRequested, Case: &record.DispatchCase{}}
}

func (sc *dispatchScreen) refresh() {
	ds, err := sc.ctx.Office.Dispatches(context.Background(), sc.ctx.Session)
	if err != nil {
		ShowError(sc.ctx.Window, err)
	}
	sc.ds = ds
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.BusinessID
	}
	biz, staff := BusinessNames(sc.ctx, ids), Names(sc.ctx)
	rows := make([][]string, len(ds))
	for i, d := range ds {
		rows[i] = []string{DateLabel(d.RequestedOn), biz[d.BusinessID], staff[d.AdviserID], tr(d.Status), d.Theme}
	}
	sc.table.Set(rows)
}

// open reads a dispatch with its report (the view is logged).
func (sc *dispatchScreen) open(i int) {
	d, err := sc.ctx.Office.Dispatch(context.Background(), sc.ctx.Session, sc.ds[i].ID)
	if err != nil {
		ShowError(sc.ctx.Window, err)
		return
	}
	sc.show(d)
}

func (sc *dispatchScreen) show(d *record.Dispatch) {
	df, err := newDispatchForm(sc.ctx, d)
	if err != nil {
		ShowError(sc.ctx.Window, err)
		return
	}
	sc.form = df
	save := widget.NewButtonWithIcon(tr("保存"), theme.DocumentSaveIcon(), func() { df.save(sc.refresh) })
	back := widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), sc.close)
	sc.pager.Push(FormView(container.NewVBox(df.title, df.count), df.ff.Object(), save, back),
		map[string]func(){ShortcutSave: func() { df.save(sc.refresh) }})
	sc.ctx.Window.Canvas().Focus(df.biz.query)
}

func (sc *dispatchScreen) close() {
	sc.form = nil
	sc.pager.Pop()
	sc.refresh()
}

// dispatchForm edits one dispatch.
type dispatchForm struct {
	ctx                         *Context
	d                           *record.Dispatch
	ff                          *FieldForm
	title, count                *widget.Label
	biz                         *businessPick
	advisers, statuses          Choices
	adviser, status             *widget.Select
	theme, hours, report        *widget.Entry
	requested, approved, heldOn *widget.Entry
}

func newDispatchForm(ctx *Context, d *record.Dispatch) (*dispatchForm, error) {
	df := &dispatchForm{ctx: ctx, d: d, ff: NewFieldForm(), title: Heading(tr("専門家派遣")), count: widget.NewLabel("")}
	var err error
	if df.advisers, err = StaffChoicesByRole(ctx, record.StaffRoles()[1], d.AdviserID); err != nil {
		return nil, err
	}
	df.biz = newBusinessPick(ctx, df.showCount)
	df.adviser, df.statuses = df.advisers.NewSelect(nil), TextChoices(record.DispatchStatuses())
	df.status = df.statuses.NewSelect(nil)
	df.theme, df.hours, df.report = widget.NewEntry(), widget.NewEntry(), NewMultiLine(6)
	df.requested = OptionalDateEntry("申請日", d.RequestedOn)
	df.approved = OptionalDateEntry("承認日", d.ApprovedOn)
	df.heldOn = OptionalDateEntry("実施日", d.HeldOn)
	df.addRows()
	df.fill()
	return df, nil
}

func (df *dispatchForm) addRows() {
	df.ff.Add("事業者", df.biz.object())
	df.ff.Add("専門家", df.adviser)
	df.ff.Add("テーマ", df.theme)
	df.ff.Add("申請日", Sized(df.requested, 160))
	df.ff.Add("承認日", Sized(df.approved, 160))
	df.ff.Add("実施日", Sized(df.heldOn, 160))
	df.ff.Add("時間", container.NewHBox(Sized(df.hours, 80), widget.NewLabel(tr("時間"))))
	df.ff.Add("状態", df.status)
	df.ff.Add("訪問報告", df.report)
}

func (df *dispatchForm) fill() {
	d := df.d
	df.biz.set(d.BusinessID, "")
	df.advisers.SelectID(df.adviser, d.AdviserID)
	df.theme.SetText(d.Theme)
	if d.Hours != 0 {
		df.hours.SetText(strconv.FormatFloat(d.Hours, 'f', -1, 64))
	}
	SetSelectValue(df.statuses, df.status, d.Status)
	if d.Case != nil {
		df.report.SetText(d.Case.Report)
	}
	id := d.ID
	if id == "" {
		id = tr("新規@id")
	}
	df.title.SetText(tr("専門家派遣 %s", id))
}

// showCount shows how often the business had a dispatch this 年度.
func (df *dispatchForm) showCount(bizID string) {
	if bizID == "" {
		df.count.SetText("")
		return
	}
	n, err := df.ctx.Office.DispatchCount(context.Background(), df.ctx.Session, bizID, df.ctx.Today())
	if err != nil {
		df.count.SetText(tr("今年度の派遣回数を読めませんでした"))
		return
	}
	fy := record.FiscalYear(df.ctx.Today())
	df.count.SetText(tr("この事業者の%sの派遣：%d回（取消を除く）", record.FormatFiscalYear(fy), n))
}

// save stores the dispatch; problems appear next to their fields.
func (df *dispatchForm) save(after func()) bool {
	d := *df.d
	d.BusinessID, d.AdviserID = df.biz.id, df.advisers.ID(df.adviser.Selected)
	d.Theme, d.Status = df.theme.Text, SelectValue(df.statuses, df.status)
	d.RequestedOn, d.ApprovedOn = ISOOf("申請日", df.requested.Text), ISOOf("承認日", df.approved.Text)
	d.HeldOn = ISOOf("実施日", df.heldOn.Text)
	d.Case = &record.DispatchCase{Report: df.report.Text}
	h, err := strconv.ParseFloat(record.FoldWidth(df.hours.Text), 64)
	if err != nil && strings.TrimSpace(df.hours.Text) != "" {
		df.ff.ShowErrors(&record.FieldError{Field: "時間", Msg: tr("派遣時間は数字で入力してください（例：2.5）")})
		return false
	}
	d.Hours = h
	if err := df.ctx.Office.SaveDispatch(context.Background(), df.ctx.Session, &d); err != nil {
		df.ff.ShowErrors(err)
		return false
	}
	df.d = &d
	df.ff.ClearErrors()
	df.fill()
	df.showCount(d.BusinessID)
	if after != nil {
		after()
	}
	return true
}
