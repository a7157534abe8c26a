package casework

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// dispatchScreen is the 専門家派遣 screen: the list of dispatches and the form.
type dispatchScreen struct {
	ctx   Host
	pager *widgets.Pager
	table *widgets.Table
	ds    []record.Dispatch
	form  *dispatchForm // the open form, if any
}

// buildDispatches builds the 専門家派遣 screen.
func buildDispatches(ctx Host) fyne.CanvasObject { return newDispatchScreen(ctx).pager }

func newDispatchScreen(ctx Host) *dispatchScreen {
	sc := &dispatchScreen{ctx: ctx}
	sc.table = widgets.NewTable([]string{"申請日", "事業者", "専門家", "状態", "テーマ"}, []float32{170, 220, 180, 80}, sc.open)
	add := widget.NewButtonWithIcon(tr("新規申請"), theme.ContentAddIcon(), func() { sc.show(sc.blank()) })
	top := container.NewVBox(widgets.Heading(tr("専門家派遣")), container.NewHBox(add))
	sc.pager = widgets.NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()),
		map[string]func(){widgets.ShortcutNew: func() { sc.show(sc.blank()) }, widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.table.List) }})
	sc.refresh()
	return sc
}

func (sc *dispatchScreen) blank() *record.Dispatch {
	return &record.Dispatch{RequestedOn: widgets.ISOToday(sc.ctx), Status: record.DisRequested, Case: &record.DispatchCase{}}
}

func (sc *dispatchScreen) refresh() {
	ds, err := sc.ctx.Office().Dispatches(sc.ctx.Context(), sc.ctx.Session())
	if err != nil {
		sc.ctx.ShowError(err)
	}
	sc.ds = ds
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.BusinessID
	}
	biz, staff := widgets.BusinessNames(sc.ctx, ids), widgets.Names(sc.ctx)
	rows := make([][]string, len(ds))
	for i, d := range ds {
		rows[i] = []string{widgets.DateLabel(d.RequestedOn), biz[d.BusinessID], staff[d.AdviserID], tr(d.Status), d.Theme}
	}
	sc.table.Set(rows)
}

// open reads a dispatch with its report (the view is logged).
func (sc *dispatchScreen) open(i int) {
	d, err := sc.ctx.Office().Dispatch(sc.ctx.Context(), sc.ctx.Session(), sc.ds[i].ID)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.show(d)
}

func (sc *dispatchScreen) show(d *record.Dispatch) {
	df, err := newDispatchForm(sc.ctx, d)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.form = df
	df.saved = sc.refresh
	save := widget.NewButtonWithIcon(tr("保存"), theme.DocumentSaveIcon(), func() { df.save(sc.refresh) })
	back := widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), func() { widgets.Leave(sc.ctx.Window(), df, sc.close) })
	view := widgets.FormView(container.NewVBox(df.title, df.count), df.ff.Object(), save, back)
	sc.pager.Push(widgets.WithDirty(view, df), map[string]func(){widgets.ShortcutSave: func() { df.save(sc.refresh) }})
	sc.ctx.Window().Canvas().Focus(df.biz.query)
}

func (sc *dispatchScreen) close() {
	sc.form = nil
	sc.pager.Pop()
	sc.refresh()
}

// dispatchForm edits one dispatch.
type dispatchForm struct {
	ctx                         Host
	d                           *record.Dispatch
	ff                          *widgets.FieldForm
	title, count                *widget.Label
	biz                         *businessPick
	advisers, statuses          widgets.Choices
	adviser, status             *widget.Select
	theme, hours, report        *widget.Entry
	requested, approved, heldOn *widget.Entry
	base                        dispatchState // what the form showed when filled
	saved                       func()        // runs after a save (the list's refresh)
}

// dispatchState is what the person can change in the form.
type dispatchState struct {
	biz, adviser, status, theme, hours, report, requested, approved, heldOn string
}

func (df *dispatchForm) state() dispatchState {
	return dispatchState{biz: df.biz.id, adviser: df.adviser.Selected, status: df.status.Selected, theme: df.theme.Text,
		hours: df.hours.Text, report: df.report.Text, requested: df.requested.Text, approved: df.approved.Text, heldOn: df.heldOn.Text}
}

// Unsaved implements widgets.Dirty.
func (df *dispatchForm) Unsaved() bool { return df.state() != df.base }

// Save implements widgets.Dirty: the form's 保存.
func (df *dispatchForm) Save(done func(ok bool)) { done(df.save(df.saved)) }

func newDispatchForm(ctx Host, d *record.Dispatch) (*dispatchForm, error) {
	df := &dispatchForm{ctx: ctx, d: d, ff: widgets.NewFieldForm(), title: widgets.Heading(tr("専門家派遣")), count: widget.NewLabel("")}
	var err error
	if df.advisers, err = widgets.StaffChoicesByRole(ctx, record.StaffRoles()[1], d.AdviserID); err != nil {
		return nil, err
	}
	df.biz = newBusinessPick(ctx, df.showCount)
	df.adviser, df.statuses = df.advisers.NewSelect(nil), widgets.TextChoices(record.DispatchStatuses())
	df.status = df.statuses.NewSelect(nil)
	df.theme, df.hours, df.report = widget.NewEntry(), widget.NewEntry(), widgets.NewMultiLine(6)
	df.requested = widgets.OptionalDateEntry("申請日", d.RequestedOn)
	df.approved = widgets.OptionalDateEntry("承認日", d.ApprovedOn)
	df.heldOn = widgets.OptionalDateEntry("実施日", d.HeldOn)
	df.addRows()
	df.fill()
	return df, nil
}

func (df *dispatchForm) addRows() {
	df.ff.Add("事業者", df.biz.object())
	df.ff.Add("専門家", df.adviser)
	df.ff.Add("テーマ", df.theme)
	df.ff.Add("申請日", widgets.Sized(df.requested, 160))
	df.ff.Add("承認日", widgets.Sized(df.approved, 160))
	df.ff.Add("実施日", widgets.Sized(df.heldOn, 160))
	df.ff.Add("時間", container.NewHBox(widgets.Sized(df.hours, 80), widget.NewLabel(tr("時間"))))
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
	widgets.SetSelectValue(df.statuses, df.status, d.Status)
	if d.Case != nil {
		df.report.SetText(d.Case.Report)
	}
	id := d.ID
	if id == "" {
		id = tr("新規@id")
	}
	df.title.SetText(tr("専門家派遣 %s", id))
	df.base = df.state()
}

// showCount shows how often the business had a dispatch this 年度.
func (df *dispatchForm) showCount(bizID string) {
	if bizID == "" {
		df.count.SetText("")
		return
	}
	n, err := df.ctx.Office().DispatchCount(df.ctx.Context(), df.ctx.Session(), bizID, df.ctx.Today())
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
	d.Theme, d.Status = df.theme.Text, widgets.SelectValue(df.statuses, df.status)
	d.RequestedOn, d.ApprovedOn = widgets.ISOOf("申請日", df.requested.Text), widgets.ISOOf("承認日", df.approved.Text)
	d.HeldOn = widgets.ISOOf("実施日", df.heldOn.Text)
	d.Case = &record.DispatchCase{Report: df.report.Text}
	h, err := strconv.ParseFloat(record.FoldWidth(df.hours.Text), 64)
	if err != nil && strings.TrimSpace(df.hours.Text) != "" {
		df.ff.ShowErrors(&record.FieldError{Field: "時間", Msg: tr("派遣時間は数字で入力してください（例：2.5）")})
		return false
	}
	d.Hours = h
	if err := df.ctx.Office().SaveDispatch(df.ctx.Context(), df.ctx.Session(), &d); err != nil {
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
