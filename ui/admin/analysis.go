package admin

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/reports"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// analysisScreen is the アクセスログ分析 screen: a month (the previous one
// at first), then each kind of finding with its count and rows; PDFで保存
// renders the same as a PDF. Opening a month is written to the access log
// by the office (the reminder of the window's shell looks for it).
type analysisScreen struct {
	ctx         Host
	year, month *widget.Select
	runB, pdfB  *widget.Button
	body        *fyne.Container
	status      *widget.Label
	analysis    *office.AccessAnalysis
	latest      widgets.Latest
}

// buildAnalysis builds the アクセスログ分析 screen.
func buildAnalysis(ctx Host) fyne.CanvasObject {
	sc := newAnalysisScreen(ctx)
	return widgets.NewPager(sc.object(), map[string]func(){widgets.ShortcutPrint: sc.savePDF, widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.year) }})
}

func newAnalysisScreen(ctx Host) *analysisScreen {
	prev := audit.MonthOf(ctx.Today()).Previous()
	sc := &analysisScreen{ctx: ctx, body: container.NewVBox(), status: widget.NewLabel("")}
	var years, months []string
	for y := prev.Year; y >= prev.Year-5; y-- {
		years = append(years, strconv.Itoa(y))
	}
	for m := 1; m <= 12; m++ {
		months = append(months, strconv.Itoa(m))
	}
	sc.year, sc.month = widget.NewSelect(years, nil), widget.NewSelect(months, nil)
	sc.year.SetSelected(strconv.Itoa(prev.Year))
	sc.month.SetSelected(strconv.Itoa(int(prev.Month)))
	sc.runB = widget.NewButtonWithIcon(tr("表示"), theme.SearchIcon(), sc.run)
	sc.runB.Importance = widget.HighImportance
	sc.pdfB = widget.NewButtonWithIcon(tr("PDFで保存"), theme.DocumentSaveIcon(), sc.savePDF)
	sc.run()
	return sc
}

func (sc *analysisScreen) object() fyne.CanvasObject {
	bar := container.NewHBox(widgets.Sized(sc.year, 90), widget.NewLabel(tr("年")), widgets.Sized(sc.month, 70),
		widget.NewLabel(tr("月@period")), sc.runB, sc.pdfB)
	top := container.NewVBox(widgets.Heading(tr("アクセスログ分析")), bar, sc.status)
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(sc.body))
}

// period is the chosen month, "2026-09".
func (sc *analysisScreen) period() string {
	m, _ := strconv.Atoi(sc.month.Selected)
	return fmt.Sprintf("%s-%02d", sc.year.Selected, m)
}

// run analyses the chosen month off the UI goroutine, then shows it.
func (sc *analysisScreen) run() {
	p := sc.period()
	sc.status.SetText(tr("分析しています…"))
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (*office.AccessAnalysis, error) {
		return sc.ctx.Office().AnalyseAccess(c, sc.ctx.Session(), p)
	}, sc.show, widgets.OnlyLatest(&sc.latest))
}

// show draws the analysis, one card per kind of finding.
func (sc *analysisScreen) show(a *office.AccessAnalysis, err error) {
	if err != nil {
		sc.status.SetText("")
		sc.ctx.ShowError(err)
		return
	}
	sc.analysis = a
	in := a.Report()
	sc.status.SetText(tr("%d年%d月　対象イベント %d 件　勤務時間 平日 %s（土日・祝日は終日時間外）", a.Month.Year, int(a.Month.Month), a.Events, a.Hours.String()))
	localizeRows(a, in.Sections)
	texts := analysisTexts(a)
	objs := make([]fyne.CanvasObject, 0, len(in.Sections))
	for i, s := range in.Sections {
		objs = append(objs, analysisCard(texts[i], s))
	}
	sc.body.Objects = objs
	sc.body.Refresh()
}

// sectionText is what a section says, translated.
type sectionText struct {
	title, criterion, empty string
	columns                 []string
}

// analysisTexts are the translated texts of the sections of
// AccessAnalysis.Report, in its order.
func analysisTexts(a *office.AccessAnalysis) []sectionText {
	none := tr("該当はありません。")
	devices := sectionText{title: tr("同期していない端末"), columns: []string{tr("端末"), tr("最後の同期")},
		criterion: tr("%s時点で%d日を超えて同期していない端末", office.Stamp(a.AsOf), int(audit.StaleSync.Hours()/24)), empty: none}
	if !a.Synced {
		devices.empty = tr("同期情報なし（この端末は中央サーバーと同期していません）")
	}
	return []sectionText{
		{title: tr("大量閲覧"), columns: []string{tr("利用者"), tr("開始"), tr("終了"), tr("記録数")}, empty: none,
			criterion: tr("%d分以内に%d件以上の異なる記録を閲覧したもの", int(audit.BulkViewWindow.Minutes()), audit.BulkViewRecords)},
		{title: tr("時間外の操作"), columns: []string{tr("利用者"), tr("最初"), tr("最後"), tr("操作数")}, empty: none,
			criterion: tr("勤務時間外・土日・祝日の操作（1人1日1行）")},
		{title: tr("ログイン失敗・ロック"), columns: []string{tr("ログインID"), tr("失敗"), tr("ロック@audit"), tr("最初"), tr("最後")}, empty: none,
			criterion: tr("同じログインIDで%d回以上の失敗、またはロック", audit.FailedLoginsReported)},
		{title: tr("印刷・書き出し"), columns: []string{tr("利用者"), tr("印刷"), tr("書き出し"), tr("最後")},
			empty: tr("印刷・書き出しはありません。"), criterion: tr("利用者ごとの件数")},
		devices,
		{title: tr("改ざん・チェックポイントの問題"), columns: []string{tr("端末"), tr("内容")}, empty: tr("問題はありません。"),
			criterion: tr("%d台の端末のログを検証", len(a.Chains))},
	}
}

// localizeRows words, in the window's language, the cells of the report
// that the office writes in Japanese for the PDF: the mark of this PC
// beside its device id, the failed logins of ids that name no one, and
// the chain problems (the last section, one row per broken chain of
// a.Chains, in order).
func localizeRows(a *office.AccessAnalysis, sections []reports.AnalysisSection) {
	mark, unknown := tr("（この端末）"), tr("登録のないログインID")
	for _, s := range sections {
		for _, row := range s.Rows {
			for i, v := range row {
				if v == "登録のないログインID" {
					row[i] = unknown
				}
				row[i] = strings.ReplaceAll(row[i], "（この端末）", mark)
			}
		}
	}
	if len(sections) == 0 {
		return
	}
	last := sections[len(sections)-1]
	n := 0
	for _, c := range a.Chains {
		if c.Broken == nil {
			continue
		}
		if n < len(last.Rows) && len(last.Rows[n]) == 2 {
			last.Rows[n][1] = office.MessageIn(widgets.OfficeLang(), c.Broken)
		}
		n++
	}
}

// pxPerMM turns the PDF's column widths into the screen's.
const pxPerMM = 4.4

// analysisCard shows one section: its count, criterion and rows.
func analysisCard(t sectionText, s reports.AnalysisSection) fyne.CanvasObject {
	widths := make([]float32, len(s.Widths))
	for i, w := range s.Widths {
		widths[i] = float32(w * pxPerMM)
	}
	box := container.NewVBox(widget.NewLabel(t.criterion))
	if len(s.Rows) == 0 {
		box.Add(widget.NewLabel(t.empty))
	} else {
		head := make([]fyne.CanvasObject, len(t.columns))
		for i, c := range t.columns {
			head[i] = widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		}
		box.Add(container.New(&widgets.Columns{Widths: widths}, head...))
		for _, row := range s.Rows {
			cells := make([]fyne.CanvasObject, len(row))
			for i, v := range row {
				cells[i] = widgets.TruncLabel(v)
			}
			box.Add(container.New(&widgets.Columns{Widths: widths}, cells...))
		}
	}
	return widget.NewCard(tr("%s（%d件）", t.title, len(s.Rows)), "", box)
}

// savePDF renders the month on screen as a PDF (the office logs the
// opening and the print).
func (sc *analysisScreen) savePDF() {
	p := sc.period()
	sc.ctx.SavePDF("アクセスログ分析_"+p+".pdf", func(rc context.Context) ([]byte, error) {
		return sc.ctx.Office().PrintAccessAnalysis(rc, sc.ctx.Session(), p)
	})
}

// AnalysisKey is the navigation key of the アクセスログ分析 screen, which
// the shell's reminder opens.
const AnalysisKey = "analysis"
