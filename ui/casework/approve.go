package casework

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// approveScreen is the supervisor's 承認 screen: confirmed records waiting
// for approval, each opened read-only to approve or send back.
type approveScreen struct {
	ctx     Host
	pager   *widgets.Pager
	rows    []office.ConsultationSummary
	list    *widget.List
	count   *widget.Label
	current *approveView // the open record, if any
}

// approveView is one record opened for review.
type approveView struct {
	id      string
	form    *consultForm
	comment *widget.Entry
	msg     *widget.Label
	// what names the record in the notice after approving: the business
	// and the day.
	what string
}

// buildApprovals builds the 承認 screen.
func buildApprovals(ctx Host) fyne.CanvasObject { return newApproveScreen(ctx).pager }

func newApproveScreen(ctx Host) *approveScreen {
	sc := &approveScreen{ctx: ctx, count: widget.NewLabel("")}
	sc.list = widget.NewList(func() int { return len(sc.rows) }, sc.newRow, sc.updateRow)
	sc.list.OnSelected = func(i widget.ListItemID) { sc.list.UnselectAll(); sc.open(sc.rows[i].ID) }
	reload := widget.NewButtonWithIcon(tr("再読み込み"), theme.ViewRefreshIcon(), sc.refresh)
	top := container.NewVBox(widgets.Heading(tr("承認待ちの相談記録")), container.NewHBox(reload, sc.count),
		container.New(&widgets.Columns{Widths: consultCols}, widget.NewLabel(tr("相談日")), widget.NewLabel(tr("時間")),
			widget.NewLabel(tr("事業者")), widget.NewLabel(tr("相談員")), widget.NewLabel(tr("形態"))))
	sc.pager = widgets.NewPager(container.NewBorder(top, nil, nil, nil, sc.list), map[string]func(){widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.list) }})
	sc.refresh()
	return sc
}

func (sc *approveScreen) newRow() fyne.CanvasObject {
	return container.New(&widgets.Columns{Widths: consultCols}, widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""))
}

func (sc *approveScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := sc.rows[i]
	vals := []string{widgets.DateLabel(r.Date), r.Start + "〜" + r.End, r.BusinessName, r.ConsultantName, tr(r.Mode)}
	for j, c := range o.(*fyne.Container).Objects {
		c.(*widget.Label).SetText(vals[j])
	}
}

func (sc *approveScreen) refresh() {
	rows, err := sc.ctx.Office().PendingApprovals(sc.ctx.Context(), sc.ctx.Session())
	if err != nil {
		sc.ctx.ShowError(err)
	}
	sc.rows = rows
	sc.count.SetText(tr("%d 件", len(rows)))
	sc.list.Refresh()
}

// open shows a record read-only with 承認 and 差戻し.
func (sc *approveScreen) open(id string) {
	c, err := sc.ctx.Office().Consultation(sc.ctx.Context(), sc.ctx.Session(), id)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	cf, err := newConsultForm(sc.ctx, c, true)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	v := &approveView{id: id, form: cf, comment: widgets.NewMultiLine(2), msg: widget.NewLabel(""),
		what: widgets.BusinessNames(sc.ctx, []string{c.BusinessID})[c.BusinessID] + "　" + widgets.DateLabel(c.Date)}
	v.comment.SetPlaceHolder(tr("差し戻す場合は理由を書いてください"))
	v.msg.Wrapping = fyne.TextWrapWord
	v.msg.Importance = widget.DangerImportance
	v.msg.Hide()
	sc.current = v
	approve := widget.NewButtonWithIcon(tr("承認"), theme.ConfirmIcon(), sc.approve)
	back := widget.NewButtonWithIcon(tr("差戻し@button"), theme.MailReplyIcon(), sc.sendBack)
	back.Importance = widget.WarningImportance
	closeB := widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), sc.close)
	bottom := container.NewVBox(widget.NewForm(widget.NewFormItem(tr("コメント"), v.comment)), v.msg,
		container.NewHBox(approve, back, closeB))
	approve.Importance = widget.HighImportance
	view := container.NewBorder(cf.title, widgets.Opaque(bottom), nil, nil, container.NewVScroll(consultSheet(sc.ctx, c)))
	sc.pager.Push(view, map[string]func(){widgets.ShortcutPrint: cf.print})
}

func (sc *approveScreen) approve() {
	if err := sc.ctx.Office().Approve(sc.ctx.Context(), sc.ctx.Session(), sc.current.id); err != nil {
		sc.current.msg.SetText(widgets.ErrText(err))
		sc.current.msg.Show()
		return
	}
	sc.ctx.Notify(tr("相談記録を承認しました：%s", sc.current.what))
	sc.close()
}

// sendBack returns the record with the required comment.
func (sc *approveScreen) sendBack() {
	if err := sc.ctx.Office().SendBack(sc.ctx.Context(), sc.ctx.Session(), sc.current.id, sc.current.comment.Text); err != nil {
		sc.current.msg.SetText(widgets.ErrText(err))
		sc.current.msg.Show()
		return
	}
	sc.ctx.Notify(tr("相談記録を差し戻しました：%s", sc.current.what))
	sc.close()
}

func (sc *approveScreen) close() {
	sc.current = nil
	sc.pager.Pop()
	sc.refresh()
}
