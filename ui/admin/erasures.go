package admin

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// erasureLog is 「消去の記録」 on the retention screen: the erasures done on
// this PC (when, by whom, why, how many records and versions, and the
// central server's receipt once sync has it), the 消去報告書 of the one
// selected saved again (with the receipt), and the orders sent to the
// server again after it was restored from an older backup.
type erasureLog struct {
	ctx      Host
	table    *widgets.Table
	status   *widget.Label
	busy     *widgets.Progress
	reportB  *widget.Button
	resendB  *widget.Button
	list     []office.Erasure
	selected int
}

func newErasureLog(ctx Host) *erasureLog {
	l := &erasureLog{ctx: ctx, status: widget.NewLabel(""), busy: widgets.NewProgress(), selected: -1}
	l.status.Wrapping = fyne.TextWrapWord
	l.table = widgets.NewTable([]string{"日時", "指示者", "理由", "記録数", "版数", "サーバーの受領"},
		[]float32{140, 100, 150, 70, 70, 440}, l.choose)
	l.reportB = widget.NewButtonWithIcon(tr("消去報告書を保存…"), theme.DocumentSaveIcon(), l.saveReport)
	l.resendB = widget.NewButtonWithIcon(tr("サーバーへ再送…"), theme.UploadIcon(), l.askResend)
	l.reportB.Disable()
	l.refresh()
	return l
}

func (l *erasureLog) object() fyne.CanvasObject {
	top := container.NewVBox(container.NewHBox(l.reportB, l.resendB), l.status, l.busy)
	return container.NewBorder(top, nil, nil, nil, l.table.Object())
}

// refresh lists the erasures off the UI goroutine.
func (l *erasureLog) refresh() {
	widgets.Run(l.ctx.Runner(), func(c context.Context) ([]office.Erasure, error) {
		return l.ctx.Office().Erasures(c, l.ctx.Session())
	}, func(list []office.Erasure, err error) {
		if err != nil {
			l.ctx.ShowError(err)
			return
		}
		l.show(list)
	}, widgets.WithProgress(l.busy))
}

// show puts the erasures on screen.
func (l *erasureLog) show(list []office.Erasure) {
	l.list, l.selected = list, -1
	l.reportB.Disable()
	rows := make([][]string, len(list))
	pending := 0
	for i, e := range list {
		receipt := tr("未受領（次の同期でサーバーへ送ります）")
		if e.Receipt == "" {
			pending++
		} else {
			receipt = tr("%s にサーバーで消去（%d 版）", e.ServerAt.In(record.JST()).Format("2006-01-02 15:04"), e.Redacted)
		}
		rows[i] = []string{e.At.In(record.JST()).Format("2006-01-02 15:04"), e.By, tr(office.ReasonLabel(e.Reason)),
			fmt.Sprint(e.Records), fmt.Sprint(e.Versions), receipt}
	}
	l.table.Set(rows)
	switch {
	case len(list) == 0:
		l.status.SetText(tr("消去した記録はありません。"))
		l.resendB.Disable()
	case pending > 0:
		l.status.SetText(tr("%d件の消去のうち%d件は、まだサーバーの受領がありません（次の同期で送ります）。", len(list), pending))
		l.resendB.Enable()
	default:
		l.status.SetText(tr("%d件の消去はすべてサーバーで済んでいます。", len(list)))
		l.resendB.Enable()
	}
}

// choose selects erasure i for its report.
func (l *erasureLog) choose(i int) {
	if i < 0 || i >= len(l.list) {
		return
	}
	l.selected = i
	l.reportB.Enable()
}

// saveReport saves the selected erasure's 消去報告書 again.
func (l *erasureLog) saveReport() {
	if l.selected < 0 || l.selected >= len(l.list) {
		return
	}
	e := l.list[l.selected]
	name := fmt.Sprintf("消去報告書_%s.pdf", e.At.In(record.JST()).Format("2006-01-02"))
	l.ctx.SavePDF(name, func(c context.Context) ([]byte, error) {
		return l.ctx.Office().PrintErasureReport(c, l.ctx.Session(), e.Hash)
	})
}

// askResend asks before marking every order to be sent again.
func (l *erasureLog) askResend() {
	d := dialog.NewConfirm(tr("サーバーへ再送"),
		tr("これまでの%d件の消去指示を、次の同期で中央サーバーへもう一度送ります。サーバーを古いバックアップから戻したときに使います。", len(l.list)),
		func(ok bool) {
			if ok {
				l.resend()
			}
		}, l.ctx.Window())
	d.SetConfirmText(tr("再送する"))
	d.SetDismissText(tr("やめる"))
	d.Show()
}

func (l *erasureLog) resend() {
	widgets.Run(l.ctx.Runner(), func(c context.Context) (int, error) {
		return l.ctx.Office().ResendPurges(c, l.ctx.Session())
	}, func(n int, err error) {
		if err != nil {
			l.ctx.ShowError(err)
			return
		}
		l.status.SetText(tr("%d件の消去指示を、次の同期でサーバーへもう一度送ります。", n))
	}, widgets.WithProgress(l.busy))
}
