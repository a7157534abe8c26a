package admin

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// statsScreen is the 統計 screen: a month or a 年度, its summary and each
// table with a horizontal bar chart; 印刷 renders the same as PDF.
type statsScreen struct {
	ctx         Host
	kind        *widget.RadioGroup
	year, month *widget.Select
	body        *fyne.Container
	stats       *office.Stats
	// runB is 集計, disabled while a count runs off the UI goroutine; busy
	// (moved by the office's progress) and status show that it runs.
	runB   *widget.Button
	busy   *widgets.Progress
	status *widget.Label
}

// The two kinds of period.
const (
	statsMonth = "月@period"
	statsFY    = "年度"
)

// maxBarWidth is the width of the longest bar.
const maxBarWidth = 320

// buildStats builds the 統計 screen.
func buildStats(ctx Host) fyne.CanvasObject {
	sc := newStatsScreen(ctx)
	return widgets.NewPager(sc.object(), map[string]func(){widgets.ShortcutPrint: sc.print, widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.year) }})
}

func newStatsScreen(ctx Host) *statsScreen {
	today := ctx.Today()
	sc := &statsScreen{ctx: ctx, body: container.NewVBox(), busy: widgets.NewProgress(), status: widget.NewLabel("")}
	sc.status.Hide()
	sc.runB = widget.NewButtonWithIcon(tr("集計"), theme.SearchIcon(), sc.run)
	sc.runB.Importance = widget.HighImportance
	var years, months []string
	for y := today.Year() + 1; y >= today.Year()-5; y-- {
		years = append(years, strconv.Itoa(y))
	}
	for m := 1; m <= 12; m++ {
		months = append(months, strconv.Itoa(m))
	}
	sc.kind = widget.NewRadioGroup([]string{tr(statsMonth), tr(statsFY)}, func(string) { sc.syncKind() })
	sc.kind.Horizontal, sc.kind.Required = true, true
	sc.year, sc.month = widget.NewSelect(years, nil), widget.NewSelect(months, nil)
	sc.year.SetSelected(strconv.Itoa(today.Year()))
	sc.month.SetSelected(strconv.Itoa(int(today.Month())))
	sc.kind.SetSelected(tr(statsMonth))
	sc.run()
	return sc
}

func (sc *statsScreen) object() fyne.CanvasObject {
	printB := widget.NewButtonWithIcon(tr("印刷"), theme.DocumentPrintIcon(), sc.print)
	bar := container.NewHBox(sc.kind, widgets.Sized(sc.year, 90), widget.NewLabel(tr("年")), widgets.Sized(sc.month, 70),
		widget.NewLabel(tr(statsMonth)), sc.runB, printB)
	top := container.NewVBox(widgets.Heading(tr("統計")), bar, sc.status, sc.busy)
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(sc.body))
}

// syncKind shows the month choice only for a month.
func (sc *statsScreen) syncKind() {
	if sc.kind.Selected == tr(statsFY) {
		sc.month.Disable()
	} else {
		sc.month.Enable()
	}
}

// period is "2026-10" or "FY2026" for the choice on screen. For a 年度 the
// chosen year is the one the 年度 starts in.
func (sc *statsScreen) period() string {
	if sc.kind.Selected == tr(statsFY) {
		return "FY" + sc.year.Selected
	}
	m, _ := strconv.Atoi(sc.month.Selected)
	return fmt.Sprintf("%s-%02d", sc.year.Selected, m)
}

// run counts the period off the UI goroutine (a 年度 of a big vault takes a
// while) with 集計 disabled and a progress bar moving, then shows it.
func (sc *statsScreen) run() {
	if sc.runB.Disabled() {
		return // a count is running
	}
	p := sc.period()
	sc.runB.Disable()
	sc.status.SetText(tr("集計しています…"))
	sc.status.Show()
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (*office.Stats, error) {
		return sc.ctx.Office().Statistics(c, sc.ctx.Session(), p)
	}, sc.counted, widgets.WithProgress(sc.busy))
}

// counted ends a run: it shows st or the error.
func (sc *statsScreen) counted(st *office.Stats, err error) {
	sc.status.Hide()
	sc.runB.Enable()
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.stats = st
	sc.body.Objects = append([]fyne.CanvasObject{widgets.Heading(st.Title), widget.NewLabel(st.Period), statsSummary(st)}, statsTables(st.Tables)...)
	sc.body.Refresh()
}

// statsSummary shows the headline figures.
func statsSummary(st *office.Stats) fyne.CanvasObject {
	noShow := "—"
	if st.Reservations > 0 {
		noShow = fmt.Sprintf("%.1f%%", float64(st.NoShows)*100/float64(st.Reservations))
	}
	items := []string{
		tr("相談件数"), strconv.Itoa(st.Consultations), tr("相談した事業者（実数）"), strconv.Itoa(st.UniqueBusinesses),
		tr("予約"), strconv.Itoa(st.Reservations), tr("無断キャンセル率"), noShow,
		tr("専門家派遣"), strconv.Itoa(st.Dispatches), tr("セミナー出席者"), strconv.Itoa(st.SeminarAttendance),
	}
	grid := container.NewGridWithColumns(4)
	for i := 0; i < len(items); i += 2 {
		grid.Add(widget.NewLabel(items[i]))
		grid.Add(widget.NewLabelWithStyle(items[i+1], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
	}
	return widget.NewCard("", tr("概要"), grid)
}

// statsTables draws each table as rows of label, count and bar.
func statsTables(ts []office.StatsTable) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(ts))
	for _, t := range ts {
		out = append(out, widget.NewCard("", tr(t.Title), statsRows(t.Rows)))
	}
	return out
}

func statsRows(rows []office.Count) fyne.CanvasObject {
	most := 0
	for _, r := range rows {
		most = max(most, r.N)
	}
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = tr(r.Label)
	}
	// The label column holds the longest label (an industry's name) whole,
	// up to a width that leaves room for the bars.
	widths := []float32{min(widgets.ColumnWidth(260, labels...), 420), 70}
	grid := container.NewVBox()
	for _, r := range rows {
		grid.Add(container.New(&widgets.Columns{Widths: widths}, widgets.TruncLabel(tr(r.Label)),
			widget.NewLabelWithStyle(strconv.Itoa(r.N), fyne.TextAlignTrailing, fyne.TextStyle{}), statsBar(r.N, most)))
	}
	if len(rows) == 0 {
		grid.Add(widget.NewLabel(tr("この期間のデータはありません。")))
	}
	return grid
}

// statsBar is a bar as long as n is of most.
func statsBar(n, most int) fyne.CanvasObject {
	w := float32(0)
	if most > 0 {
		w = maxBarWidth * float32(n) / float32(most)
	}
	r := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	r.SetMinSize(fyne.NewSize(w, 14))
	return container.NewHBox(container.NewCenter(r), layout.NewSpacer())
}

// print renders the statistics of the period on screen.
func (sc *statsScreen) print() {
	p := sc.period()
	sc.ctx.SavePDF(office.FileName("統計", office.FileDate(p)), func(rc context.Context) ([]byte, error) {
		return sc.ctx.Office().PrintStatistics(rc, sc.ctx.Session(), p)
	})
}
