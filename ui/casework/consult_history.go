package casework

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// showHistory opens the record's version history: a list of the saved
// versions (when, who, status) and the chosen one shown read-only.
func (cf *consultForm) showHistory() {
	if cf.rec.ID == "" {
		cf.setNotice(tr("まだ保存されていないため、履歴はありません。"), widget.WarningImportance)
		return
	}
	vs, err := cf.ctx.Office().ConsultationHistory(cf.ctx.Context(), cf.ctx.Session(), cf.rec.ID)
	if err != nil {
		cf.ctx.ShowError(err)
		return
	}
	d := dialog.NewCustom(tr("相談記録の履歴（%d版）", len(vs)), tr("閉じる"), historyView(cf.ctx, vs), cf.ctx.Window())
	d.Resize(fyne.NewSize(1000, 680))
	d.Show()
}

// historyView is the list of versions beside the chosen version.
func historyView(ctx Host, vs []record.Consultation) fyne.CanvasObject {
	shown := container.NewStack(widget.NewLabel(tr("左の一覧から版を選んでください。")))
	list := widget.NewList(func() int { return len(vs) },
		func() fyne.CanvasObject { return widget.NewLabel("2026-10-01 10:00 login 下書き") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(versionLine(i, &vs[i])) })
	list.OnSelected = func(i widget.ListItemID) {
		title := widgets.Heading(versionLine(i, &vs[i]))
		shown.Objects = []fyne.CanvasObject{container.NewBorder(title, nil, nil, nil, container.NewVScroll(consultSheet(ctx, &vs[i])))}
		shown.Refresh()
	}
	split := container.NewHSplit(list, shown)
	split.Offset = 0.3
	return split
}

// versionLine is one version: number, when, who and status.
func versionLine(i int, v *record.Consultation) string {
	return tr("第%d版　%s　%s　%s", i+1, v.UpdatedAt.In(record.JST()).Format("2006-01-02 15:04"), v.UpdatedBy, tr(v.Status))
}
