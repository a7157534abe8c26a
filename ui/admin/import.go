package admin

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/migrate"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// importScreen is the 取込 wizard: a list of businesses, reservations or
// past consultations (CSV or Excel)
// is read (its encoding and header row shown), its columns mapped to
// fields (a select per column; the mapping can be saved and loaded), every
// row rehearsed (仮移行: the rejected rows with their reasons, and the
// report as PDF), and only then, after a confirmation that names the count,
// imported as one batch with a progress bar.
type importScreen struct {
	ctx     Host
	kind    *widget.Select // 事業者, 予約 or 相談記録
	path    *widget.Entry
	info    *widget.Label
	columns *fyne.Container
	selects []*widget.Select
	result  *widget.Label
	rows    *widget.List
	busy    *widgets.Progress

	readB, rehearseB, reportB, importB, saveMapB, loadMapB *widget.Button

	table     *migrate.Table
	rehearsal *migrate.Rehearsal
}

// notImported is the select's choice for a column left out.
const notImported = "（取り込まない）"

func buildImport(ctx Host) fyne.CanvasObject { return newImportScreen(ctx).object() }

func newImportScreen(ctx Host) *importScreen {
	sc := &importScreen{ctx: ctx, path: widget.NewEntry(), info: widget.NewLabel(tr("CSV か Excel ブック（.xlsx）の事業者一覧を選んでください。")),
		columns: container.NewVBox(), result: widget.NewLabel(""), busy: widgets.NewProgress()}
	sc.path.SetPlaceHolder(tr("ファイルの場所"))
	var kinds []string
	for _, k := range migrate.Kinds() {
		kinds = append(kinds, tr(record.Describe(k)))
	}
	sc.kind = widget.NewSelect(kinds, func(string) { sc.kindChanged() })
	sc.kind.SetSelectedIndex(0)
	sc.info.Wrapping = fyne.TextWrapWord
	sc.result.Wrapping = fyne.TextWrapWord
	sc.readB = widget.NewButtonWithIcon(tr("読み込む"), theme.FileIcon(), sc.read)
	sc.rehearseB = widget.NewButtonWithIcon(tr("仮移行（確認だけ）"), theme.SearchIcon(), sc.rehearse)
	sc.reportB = widget.NewButtonWithIcon(tr("報告書をPDFで保存"), theme.DocumentPrintIcon(), sc.report)
	sc.importB = widget.NewButtonWithIcon(tr("取り込む"), theme.DownloadIcon(), sc.confirmImport)
	sc.importB.Importance = widget.HighImportance
	sc.saveMapB = widget.NewButtonWithIcon(tr("対応表を保存"), theme.DocumentSaveIcon(), sc.chooseMappingSave)
	sc.loadMapB = widget.NewButtonWithIcon(tr("対応表を読み込む"), theme.FolderOpenIcon(), sc.chooseMappingLoad)
	sc.rows = widget.NewList(sc.rejectedCount, func() fyne.CanvasObject { return widget.NewLabel("") }, sc.showRejected)
	sc.setStep(0)
	return sc
}

func (sc *importScreen) object() fyne.CanvasObject {
	choose := widget.NewButtonWithIcon(tr("選ぶ…"), theme.FolderOpenIcon(), sc.chooseFile)
	file := container.NewBorder(nil, nil, widget.NewLabel(tr("ファイル")), container.NewHBox(choose, sc.readB), sc.path)
	mapBar := container.NewHBox(widgets.Heading(tr("列と項目の対応")), sc.loadMapB, sc.saveMapB)
	actions := container.NewHBox(sc.rehearseB, sc.reportB, sc.importB)
	kind := container.NewHBox(widget.NewLabel(tr("記録の種類")), sc.kind)
	top := container.NewVBox(widgets.Heading(tr("取込（仮移行）")), kind, file, sc.info, mapBar, container.NewVScroll(sc.columns), actions, sc.busy, sc.result)
	return container.NewBorder(top, nil, nil, nil, sc.rows)
}

// setStep enables what the wizard's step allows: 0 nothing read, 1 read
// (map and rehearse), 2 rehearsed (report and import).
func (sc *importScreen) setStep(step int) {
	for _, b := range []*widget.Button{sc.rehearseB, sc.saveMapB, sc.loadMapB} {
		enable(b, step >= 1)
	}
	enable(sc.reportB, step >= 2)
	enable(sc.importB, step >= 2 && sc.rehearsal.Accepted() > 0)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (sc *importScreen) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		sc.path.SetText(r.URI().Path())
		sc.read()
	}, sc.ctx.Window())
	d.Show()
}

// read reads the file off the UI goroutine and shows what was found.
func (sc *importScreen) read() {
	path := sc.path.Text
	sc.readB.Disable()
	widgets.Run(sc.ctx.Runner(), func(context.Context) (*migrate.Table, error) {
		return migrate.ReadFile(path)
	}, func(t *migrate.Table, err error) {
		sc.readB.Enable()
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		sc.table, sc.rehearsal = t, nil
		header := tr("見出しの行が見つかりませんでした（最初の行を見出しとしました）")
		if t.HeaderLine > 0 {
			header = tr("見出しの行: %d 行目", t.HeaderLine)
		}
		sc.info.SetText(tr("文字コード: %s　", t.Encoding) + header + tr("　データの行: %d 件", len(t.Rows)))
		sc.setMapping(migrate.AutoMappingOf(sc.selectedKind(), t.Headers))
		sc.result.SetText("")
		sc.rows.Refresh()
		sc.setStep(1)
	}, widgets.WithProgress(sc.busy))
}

// selectedKind is the kind of record the wizard imports.
func (sc *importScreen) selectedKind() record.Kind {
	kinds := migrate.Kinds()
	if i := sc.kind.SelectedIndex(); i >= 0 && i < len(kinds) {
		return kinds[i]
	}
	return record.KindBusiness
}

// kindChanged maps the columns again for the kind chosen.
func (sc *importScreen) kindChanged() {
	if sc.table == nil || sc.columns == nil {
		return
	}
	sc.setMapping(migrate.AutoMappingOf(sc.selectedKind(), sc.table.Headers))
	sc.mappingChanged()
}

// fieldChoices are the select's options: not imported, then every field
// of kind k.
func fieldChoices(k record.Kind) []string {
	out := []string{tr(notImported)}
	for _, f := range migrate.FieldsOf(k) {
		out = append(out, tr(f.Label))
	}
	return out
}

// setMapping shows a select per column with m's field chosen.
func (sc *importScreen) setMapping(m migrate.Mapping) {
	if m.Kind != sc.selectedKind() {
		for i, k := range migrate.Kinds() {
			if k == m.Kind {
				sc.kind.SetSelectedIndex(i) // a loaded mapping of another kind
			}
		}
	}
	sc.columns.Objects, sc.selects = nil, nil
	for _, h := range sc.table.Headers {
		sel := widget.NewSelect(fieldChoices(m.Kind), func(string) { sc.mappingChanged() })
		sel.SetSelected(tr(notImported))
		if f, ok := migrate.FieldOf(m.Kind, m.Columns[h]); ok {
			sel.SetSelected(tr(f.Label))
		}
		sc.selects = append(sc.selects, sel)
		sc.columns.Add(container.NewGridWithColumns(2, widget.NewLabel(h), sel))
	}
	sc.columns.Refresh()
}

// mappingChanged makes the rehearsal out of date.
func (sc *importScreen) mappingChanged() {
	if sc.rehearsal != nil {
		sc.rehearsal = nil
		sc.result.SetText(tr("対応を変えました。もう一度、仮移行で確かめてください。"))
		sc.rows.Refresh()
		sc.setStep(1)
	}
}

// mapping is the mapping the selects show.
func (sc *importScreen) mapping() migrate.Mapping {
	m := migrate.NewMapping()
	m.Kind = sc.selectedKind()
	for i, h := range sc.table.Headers {
		m.Columns[h] = ""
		for _, f := range migrate.FieldsOf(m.Kind) {
			if sc.selects[i].Selected == tr(f.Label) {
				m.Columns[h] = f.Key
			}
		}
	}
	return m
}

func (sc *importScreen) chooseMappingSave() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		sc.saveMapping(w.URI().Path())
	}, sc.ctx.Window())
	d.SetFileName("対応表.json")
	d.Show()
}

// saveMapping writes the mapping on screen to path.
func (sc *importScreen) saveMapping(path string) {
	if err := sc.mapping().Save(path); err != nil {
		sc.ctx.ShowError(err)
		return
	}
	dialog.ShowInformation(tr("保存しました"), tr("%s に保存しました。", filepath.Base(path)), sc.ctx.Window())
}

func (sc *importScreen) chooseMappingLoad() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		sc.loadMapping(r.URI().Path())
	}, sc.ctx.Window())
}

// loadMapping reads a mapping file and shows it.
func (sc *importScreen) loadMapping(path string) {
	m, err := migrate.LoadMapping(path)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.setMapping(m)
	sc.mappingChanged()
}

// rehearse checks every row off the UI goroutine and lists the rejected.
func (sc *importScreen) rehearse() {
	t, m, source := sc.table, sc.mapping(), filepath.Base(sc.path.Text)
	sc.rehearseB.Disable()
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (*migrate.Rehearsal, error) {
		return migrate.Rehearse(c, sc.ctx.Office(), sc.ctx.Session(), source, t, m)
	}, func(r *migrate.Rehearsal, err error) {
		sc.rehearseB.Enable()
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		sc.rehearsal = r
		sc.result.SetText(tr("仮移行の結果（まだ何も書き込んでいません）: 読み込んだ行 %d 件、取り込める行 %d 件、取り込めない行 %d 件",
			r.Total(), r.Accepted(), len(r.Rejected)))
		sc.rows.Refresh()
		sc.setStep(2)
	}, widgets.WithProgress(sc.busy))
}

func (sc *importScreen) rejectedCount() int {
	if sc.rehearsal == nil {
		return 0
	}
	return len(sc.rehearsal.Rejected)
}

func (sc *importScreen) showRejected(i widget.ListItemID, o fyne.CanvasObject) {
	x := sc.rehearsal.Rejected[i]
	o.(*widget.Label).SetText(tr("%d 行目 %s: %s", x.Line, x.Name, x.In(widgets.OfficeLang() == office.English)))
}

// report saves the rehearsal report (in the 管理簿, as every print).
func (sc *importScreen) report() {
	r := sc.rehearsal
	sc.ctx.SavePDF("仮移行の報告書.pdf", func(c context.Context) ([]byte, error) {
		return sc.ctx.Office().PrintImportReport(c, sc.ctx.Session(), r.Report())
	})
}

// confirmImport asks before writing, naming the count.
func (sc *importScreen) confirmImport() {
	r := sc.rehearsal
	msg := tr("%s %d 件を取り込みます。取り込めない %d 件は取り込みません。よろしいですか。", tr(record.Describe(r.Mapping.Kind)), r.Accepted(), len(r.Rejected))
	dialog.ShowCustomConfirm(tr("取り込む"), tr("取り込む"), tr("やめる"), widget.NewLabel(msg), func(ok bool) {
		if ok {
			sc.doImport()
		}
	}, sc.ctx.Window())
}

// doImport writes the rehearsal's records as one batch, the progress bar
// moving, and says when it is done.
func (sc *importScreen) doImport() {
	r := sc.rehearsal
	sc.setStep(1)
	sc.importB.Disable()
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (int, error) {
		return r.Accepted(), migrate.Import(c, sc.ctx.Office(), sc.ctx.Session(), r, nil)
	}, func(n int, err error) {
		if err != nil {
			sc.setStep(2)
			sc.ctx.ShowError(err)
			return
		}
		sc.rehearsal = nil
		sc.rows.Refresh()
		what := tr(record.Describe(r.Mapping.Kind))
		sc.result.SetText(tr("%s %d 件を取り込みました。管理簿とアクセスログに記録しました。", what, n))
		dialog.ShowInformation(tr("取り込みました"), tr("%s %d 件を取り込みました。管理簿とアクセスログに記録しました。", what, n), sc.ctx.Window())
	}, widgets.WithProgress(sc.busy))
}
