package admin

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// masterTab is one master (venues, staff, programs or closed days): a list and a form.
// Each kind supplies how to list, how to make a form and how to save it.
type masterTab struct {
	ctx   Host
	title string
	pager *widgets.Pager
	table *widgets.Table
	// rows lists the records as table rows; open(i) and blank() return the
	// form for record i or a new record.
	rows  func() ([][]string, error)
	open  func(i int) *masterForm
	blank func() *masterForm
	form  *masterForm // the open form, if any
}

// masterForm is a form of one master record; save stores it.
type masterForm struct {
	ff   *widgets.FieldForm
	save func() error
}

// buildMasters builds the マスタ screen: one tab per master.
func buildMasters(ctx Host) fyne.CanvasObject {
	return container.NewAppTabs(
		container.NewTabItem(tr("会場"), newVenueTab(ctx).pager),
		container.NewTabItem(tr("相談員・専門家"), newStaffTab(ctx).pager),
		container.NewTabItem(tr("支援策"), newProgramTab(ctx).pager),
		container.NewTabItem(tr("休業日"), newClosedDayTab(ctx).pager),
	)
}

// init makes the tab's list view; call after rows, open and blank are set.
func (m *masterTab) init(headers []string, widths []float32) *masterTab {
	m.table = widgets.NewTable(headers, widths, func(i int) { m.show(m.open(i)) })
	add := widget.NewButtonWithIcon(tr("新規登録"), theme.ContentAddIcon(), func() { m.show(m.blank()) })
	top := container.NewVBox(widgets.Heading(tr(m.title)), container.NewHBox(add))
	m.pager = widgets.NewPager(container.NewBorder(top, nil, nil, nil, m.table.Object()),
		map[string]func(){widgets.ShortcutNew: func() { m.show(m.blank()) }, widgets.ShortcutSearch: func() { widgets.Focus(m.ctx, m.table.List) }})
	m.refresh()
	return m
}

func (m *masterTab) refresh() {
	rows, err := m.rows()
	if err != nil {
		m.ctx.ShowError(err)
	}
	m.table.Set(rows)
}

func (m *masterTab) show(f *masterForm) {
	m.form = f
	save := func() {
		if err := f.save(); err != nil {
			f.ff.ShowErrors(err)
			return
		}
		m.back()
	}
	saveB := widget.NewButtonWithIcon(tr("保存"), theme.DocumentSaveIcon(), save)
	back := widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), m.back)
	m.pager.Push(widgets.FormView(widgets.Heading(tr(m.title)), f.ff.Object(), saveB, back), map[string]func(){widgets.ShortcutSave: save})
}

func (m *masterTab) back() {
	m.form = nil
	m.pager.Pop()
	m.refresh()
}

// activeText is 使用中 or 停止.
func activeText(on bool) string {
	if on {
		return tr("使用中")
	}
	return tr("停止")
}

// numberEntry is an entry holding n.
func numberEntry(n int) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.Itoa(n))
	return e
}
