package casework

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// consultScreen is the 相談記録 screen: today's visited reservations that
// still need a record, the list of records with filters, and the form.
type consultScreen struct {
	ctx         Host
	pager       *widgets.Pager
	visited     *fyne.Container
	from, to    *widgets.DateField
	consultants widgets.Choices
	consultant  *widget.Select
	statuses    widgets.Choices
	status      *widget.Select
	rows        []office.ConsultationSummary
	list        *widget.List
	count       *widget.Label
	form        *consultForm // the open form, if any
	// printAll prints the listed records' 相談票 in one PDF; nil for those
	// who do not batch-print (see batchPrinter).
	printAll *widget.Button
	listed   office.ConsultationFilter // the filter of rows
	listing  widgets.Latest            // the newest read of the list
}

// maxSheetBatch is the most 相談票 one batch print holds.
const maxSheetBatch = 200

// maxConsultRows is the most records the list shows, the newest: a busy
// office's month would otherwise hold thousands of rows in memory.
const maxConsultRows = 500

// batchPrinter reports whether s may print the listed records' sheets in
// one batch: coordinators and supervisors.
func batchPrinter(s *office.Session) bool {
	return (s.HasRole(office.RoleCoordinator) || s.HasRole(office.RoleSupervisor)) && s.May(office.PermCase)
}

// buildConsultations builds the 相談記録 screen.
func buildConsultations(ctx Host) fyne.CanvasObject {
	return newConsultScreen(ctx).pager
}

func newConsultScreen(ctx Host) *consultScreen {
	sc := &consultScreen{ctx: ctx, visited: container.NewVBox(), count: widget.NewLabel("")}
	today := ctx.Today()
	sc.from = widgets.NewDateField(today.AddDate(0, 0, -30), 7, nil)
	sc.to = widgets.NewDateField(today, 7, nil)
	sc.consultants, _ = widgets.StaffChoicesByRole(ctx, record.StaffRoles()[0], "")
	sc.consultant = widgets.AllChoice(&sc.consultants)
	sc.statuses = widgets.TextChoices(record.ConsultationStatuses())
	sc.status = widgets.AllChoice(&sc.statuses)
	sc.list = widget.NewList(func() int { return len(sc.rows) }, sc.newRow, sc.updateRow)
	sc.list.OnSelected = func(i widget.ListItemID) { sc.list.UnselectAll(); sc.open(sc.rows[i].ID) }
	if batchPrinter(ctx.Session()) {
		sc.printAll = widget.NewButtonWithIcon(tr("表示中の相談票をまとめて印刷"), theme.DocumentPrintIcon(), sc.printListed)
	}
	sc.pager = widgets.NewPager(sc.listView(), map[string]func(){
		widgets.ShortcutNew: sc.newRecord, widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.from.Entry) },
	})
	sc.refresh()
	return sc
}

func (sc *consultScreen) listView() fyne.CanvasObject {
	search := widget.NewButtonWithIcon(tr("絞り込む"), theme.SearchIcon(), sc.refresh)
	add := widget.NewButtonWithIcon(tr("新規作成"), theme.ContentAddIcon(), sc.newRecord)
	filters := widgets.NewFlow(widget.NewLabel(tr("期間")), sc.from.Object(), widget.NewLabel("〜"), sc.to.Object())
	filters2 := container.NewHBox(widget.NewLabel(tr("相談員")), widgets.Sized(sc.consultant, 160),
		widget.NewLabel(tr("状態")), widgets.Sized(sc.status, 110), search, layout.NewSpacer(), add)
	if sc.printAll != nil {
		filters2.Add(sc.printAll)
	}
	filters2.Add(sc.count)
	top := container.NewVBox(widgets.Heading(tr("来所済みの予約（相談記録の未作成）")), sc.visited, widget.NewSeparator(),
		widgets.Heading(tr("相談記録")), filters, filters2, sc.header())
	return container.NewBorder(top, nil, nil, nil, sc.list)
}

var consultCols = []float32{170, 110, 240, 140}

func (sc *consultScreen) header() fyne.CanvasObject {
	return container.New(&widgets.Columns{Widths: consultCols}, widget.NewLabel(tr("相談日")), widget.NewLabel(tr("時間")),
		widget.NewLabel(tr("事業者")), widget.NewLabel(tr("相談員")), widget.NewLabel(tr("状態・形態")))
}

func (sc *consultScreen) newRow() fyne.CanvasObject {
	return container.New(&widgets.Columns{Widths: consultCols}, widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""))
}

func (sc *consultScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := sc.rows[i]
	vals := []string{widgets.DateLabel(r.Date), r.Start + "〜" + r.End, r.BusinessName, r.ConsultantName, tr(r.Status) + "・" + tr(r.Mode)}
	for j, c := range o.(*fyne.Container).Objects {
		c.(*widget.Label).SetText(vals[j])
	}
}

// refresh reloads the visited reservations and, off the UI goroutine (a
// month of records is decrypted), the filtered list.
func (sc *consultScreen) refresh() {
	sc.refreshVisited()
	filter := office.ConsultationFilter{
		From: sc.from.ISO(), To: sc.to.ISO(),
		ConsultantID: sc.consultants.ID(sc.consultant.Selected), Status: sc.statuses.ID(sc.status.Selected),
		Limit: maxConsultRows,
	}
	widgets.Run(sc.ctx.Runner(), func(c context.Context) ([]office.ConsultationSummary, error) {
		return sc.ctx.Office().Consultations(c, sc.ctx.Session(), filter)
	}, func(rows []office.ConsultationSummary, err error) { sc.listRows(filter, rows, err) }, widgets.OnlyLatest(&sc.listing))
}

// listRows shows the records read for filter.
func (sc *consultScreen) listRows(filter office.ConsultationFilter, rows []office.ConsultationSummary, err error) {
	if err != nil {
		sc.ctx.ShowError(err)
	}
	sc.rows, sc.listed = rows, filter
	sc.count.SetText(tr("%d 件", len(rows)))
	if len(rows) == maxConsultRows {
		sc.count.SetText(tr("新しい順に %d 件（期間などで絞り込めます）", len(rows)))
	}
	sc.list.Refresh()
	if sc.printAll != nil {
		if len(rows) == 0 {
			sc.printAll.Disable()
		} else {
			sc.printAll.Enable()
		}
	}
}

// printListed prints the 相談票 of the listed records, in list order, in
// one PDF. More than maxSheetBatch are not printed at once: the person is
// asked whether to print the first maxSheetBatch (the newest).
func (sc *consultScreen) printListed() {
	n := len(sc.rows)
	if n == 0 {
		return
	}
	ids := make([]string, min(n, maxSheetBatch))
	for i := range ids {
		ids[i] = sc.rows[i].ID
	}
	name := office.FileName("相談票", office.FileDate(sc.listed.From)+"-"+office.FileDate(sc.listed.To))
	print := func() {
		sc.ctx.SavePDF(name, func(rc context.Context) ([]byte, error) {
			return sc.ctx.Office().PrintSheets(rc, sc.ctx.Session(), ids)
		})
	}
	if n <= maxSheetBatch {
		print()
		return
	}
	msg := tr("一度に印刷できるのは %d 件までです。表示中の %d 件のうち、新しい順に %d 件を印刷します。残りは期間などを絞り込んで印刷してください。",
		maxSheetBatch, n, maxSheetBatch)
	dialog.ShowConfirm(tr("表示中の相談票をまとめて印刷"), msg, func(ok bool) {
		if ok {
			print()
		}
	}, sc.ctx.Window())
}

// open loads a record (the view is logged) and shows its form.
func (sc *consultScreen) open(id string) {
	c, err := sc.ctx.Office().Consultation(sc.ctx.Context(), sc.ctx.Session(), id)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.show(c)
}

// newRecord opens an empty form for today, with the person's own name as
// consultant when the staff master links it to this login.
func (sc *consultScreen) newRecord() {
	c := &record.Consultation{Date: widgets.ISOToday(sc.ctx), Status: record.StDraft, Mode: record.Modes()[0],
		Case: &record.ConsultationCase{}, ConsultantID: ownStaffID(sc.ctx)}
	sc.show(c)
}

// ownStaffID is the staff id linked to the session's login, or "".
func ownStaffID(ctx Host) string {
	st, err := ctx.Office().Staff(ctx.Context(), ctx.Session())
	if err != nil {
		return ""
	}
	for _, s := range st {
		if s.Login != "" && s.Login == ctx.Session().Login() {
			return s.ID
		}
	}
	return ""
}

// show pushes the form for c over the list.
func (sc *consultScreen) show(c *record.Consultation) {
	readOnly := c.Status == record.StApproved && !sc.ctx.Session().HasRole(office.RoleSupervisor)
	cf, err := newConsultForm(sc.ctx, c, readOnly)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	if readOnly {
		cf.setNotice(tr("承認済みの記録です。変更できるのは監督者だけです。"), widget.MediumImportance)
	}
	if c.ApprovalBroken {
		cf.setNotice(tr("承認済みと書かれていますが、監督者の署名を確認できないため未承認として扱います。記録が書き換えられた可能性があります。監督者に確認してください。"), widget.DangerImportance)
	}
	cf.onSaved = sc.refresh
	cf.back = func() { sc.leaveForm(cf) }
	sc.form = cf
	sc.pager.Push(cf.object(), cf.keys())
	if c.BusinessID == "" {
		widgets.Focus(sc.ctx, cf.f.biz.query)
	} else if !readOnly {
		widgets.Focus(sc.ctx, cf.f.start)
	}
}

// leaveForm is the form's 戻る: with unsaved changes it asks first,
// 保存 / 破棄 / 戻る.
func (sc *consultScreen) leaveForm(cf *consultForm) {
	widgets.Leave(sc.ctx.Window(), cf, sc.closeForm)
}

func (sc *consultScreen) closeForm() {
	sc.form = nil
	sc.pager.Pop()
	sc.refresh()
}
