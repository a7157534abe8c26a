package admin

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// auditScreen is the アクセスログ screen: events with filters, the analysis
// (findings) and the chain check.
type auditScreen struct {
	ctx      Host
	from, to *widgets.DateField
	user     *widget.Entry
	actions  widgets.Choices
	action   *widget.Select
	table    *widgets.Table
	findings *fyne.Container
	verify   *widget.Label
	busy     *widgets.Progress
	events   []audit.Event
	listing  widgets.Latest // the newest read of the events
}

// auditActions pairs the logged actions with Japanese names.
func auditActions() widgets.Choices {
	var c widgets.Choices
	for _, a := range [][2]string{
		{audit.ActLoginOK, "ログイン@audit"}, {audit.ActLoginFail, "ログイン失敗"}, {audit.ActLocked, "ロック@audit"},
		{audit.ActUnlock, "ロック解除"}, {audit.ActView, "閲覧"}, {audit.ActViewCase, "相談内容の閲覧"},
		{audit.ActCreate, "作成"}, {audit.ActUpdate, "更新"}, {audit.ActSearch, "検索"}, {audit.ActPrint, "印刷"},
		{audit.ActExport, "書き出し"}, {audit.ActUserAdd, "利用者の追加"}, {audit.ActUserChange, "利用者の変更"},
		{audit.ActInit, "初期化"}, {"audit.verify", "ログの検証"},
	} {
		c.Add(a[0], tr(a[1]))
	}
	return c
}

// buildAudit builds the アクセスログ screen.
func buildAudit(ctx Host) fyne.CanvasObject {
	sc := newAuditScreen(ctx)
	return widgets.NewPager(sc.object(), map[string]func(){widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.user) }})
}

func newAuditScreen(ctx Host) *auditScreen {
	today := ctx.Today()
	sc := &auditScreen{ctx: ctx, from: widgets.NewDateField(today.AddDate(0, 0, -6), 7, nil), to: widgets.NewDateField(today, 7, nil),
		user: widget.NewEntry(), actions: auditActions(), findings: container.NewVBox(), verify: widget.NewLabel(""),
		busy: widgets.NewProgress()}
	sc.user.SetPlaceHolder(tr("ログインID"))
	sc.action = widgets.AllChoice(&sc.actions)
	sc.table = widgets.NewTable([]string{"日時", "利用者", "操作@audit", "対象", "詳細"}, []float32{170, 150, 130, 170}, nil)
	sc.verify.Wrapping = fyne.TextWrapWord
	sc.refresh()
	return sc
}

func (sc *auditScreen) object() fyne.CanvasObject {
	search := widget.NewButtonWithIcon(tr("絞り込む"), theme.SearchIcon(), sc.refresh)
	search.Importance = widget.HighImportance
	check := widget.NewButtonWithIcon(tr("検証"), theme.ConfirmIcon(), sc.runVerify)
	filters := container.NewVBox(
		widgets.NewFlow(widget.NewLabel(tr("期間")), sc.from.Object(), widget.NewLabel("〜"), sc.to.Object()),
		container.NewHBox(widget.NewLabel(tr("利用者")), widgets.Sized(sc.user, 140), widget.NewLabel(tr("操作@audit")), widgets.Sized(sc.action, 170), search))
	chain := container.NewBorder(nil, nil, check, nil, container.NewVBox(sc.verify, sc.busy))
	top := container.NewVBox(widgets.Heading(tr("アクセスログ")), filters, widget.NewCard("", tr("確認が必要な操作"), sc.findings),
		widget.NewCard("", tr("改ざんの検証"), chain))
	return container.NewBorder(top, nil, nil, nil, sc.table.Object())
}

// filter is what the screen's filters select; the period is whole days in
// Japan time.
func (sc *auditScreen) filter() audit.Filter {
	from, to := sc.from.Date(), sc.to.Date()
	return audit.Filter{
		From:   time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, record.JST()),
		To:     time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, record.JST()),
		User:   widgets.Trimmed(sc.user),
		Action: sc.actions.ID(sc.action.Selected),
	}
}

// auditList is what refresh reads: the events, the names of their people
// and records, and the findings.
type auditList struct {
	events      []audit.Event
	names       office.AuditNames
	findings    []audit.Finding
	findingsErr error
}

// refresh reads the events and the findings for the filters off the UI
// goroutine (a long period walks much of the log), then shows them.
func (sc *auditScreen) refresh() {
	f := sc.filter()
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (auditList, error) {
		evs, err := sc.ctx.Office().AuditEvents(c, sc.ctx.Session(), f)
		if err != nil {
			return auditList{}, err
		}
		names, err := sc.ctx.Office().AuditNames(c, sc.ctx.Session(), evs)
		if err != nil {
			return auditList{}, err
		}
		fs, ferr := sc.ctx.Office().AuditFindings(c, sc.ctx.Session(), f)
		return auditList{events: evs, names: names, findings: fs, findingsErr: ferr}, nil
	}, sc.show, widgets.OnlyLatest(&sc.listing))
}

// show lists the events and the findings read by refresh.
func (sc *auditScreen) show(l auditList, err error) {
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	evs := l.events
	sc.events = evs
	rows := make([][]string, len(evs))
	for i, e := range evs {
		act := sc.actions.Label(e.Action)
		if act == "" {
			act = e.Action
		}
		rows[len(evs)-1-i] = []string{e.At.In(record.JST()).Format("2006-01-02 15:04:05"), personOf(e.User, l.names),
			act, objectOf(e.Object, l.names), describeEvent(e)}
	}
	sc.table.Set(rows)
	sc.showFindings(l.findings, l.names, l.findingsErr)
}

func (sc *auditScreen) showFindings(fs []audit.Finding, names office.AuditNames, err error) {
	sc.findings.RemoveAll()
	if err != nil {
		sc.findings.Add(widget.NewLabel(widgets.ErrText(err)))
		return
	}
	if len(fs) == 0 {
		sc.findings.Add(widget.NewLabel(tr("この期間に確認が必要な操作はありません。")))
	}
	for _, x := range fs {
		sc.findings.Add(widget.NewLabel(tr("%s　%s：%d件　%s", findingName(x.Kind), personOf(x.User, names), x.Count, x.Detail)))
	}
}

// personOf is 「名前（login）」, or the login when the name is not known.
func personOf(login string, n office.AuditNames) string {
	if name := n.Users[login]; name != "" {
		return name + "（" + login + "）"
	}
	return login
}

// objectOf is the record's name where the viewer may see it, else its id.
func objectOf(id string, n office.AuditNames) string {
	if name := n.Objects[id]; name != "" {
		return name
	}
	return id
}

// describeEvent says in a sentence what the event records, from its
// action, the kind of record and the numbers of its detail, so that a
// supervisor reads 「事業者を検索（3件）」 rather than 「records hits=3」.
func describeEvent(e audit.Event) string {
	kind := ""
	if k, ok := record.KindOfID(e.Object); ok {
		kind = tr(record.Describe(k))
	}
	n, counted := e.Number("hits")
	switch {
	case e.Action == audit.ActSearch && strings.HasPrefix(e.Detail, "case text"):
		return tr("相談内容を検索（%d件）", n)
	case e.Action == audit.ActSearch && counted:
		return tr("事業者を検索（%d件）", n)
	case e.Action == audit.ActLoginOK:
		return tr("ログインしました")
	case e.Action == audit.ActLoginFail:
		return tr("ログインに失敗しました")
	case e.Action == audit.ActLocked:
		return tr("パスワードの失敗が続いたためロックされました")
	case e.Action == audit.ActUnlock:
		return tr("ロックを解除しました")
	case e.Action == "audit.verify":
		n, _ := e.Number("events")
		return tr("アクセスログを検証しました（%d件）", n)
	case e.Action == audit.ActView && strings.HasPrefix(e.Detail, "statistics "):
		return tr("統計を表示しました（%s）", strings.TrimPrefix(e.Detail, "statistics "))
	case e.Action == audit.ActAnalysis:
		return tr("アクセスログ分析を開きました（%s）", e.Object)
	case e.Action == audit.ActBackup:
		return tr("バックアップを作成しました")
	case e.Action == audit.ActRestore:
		return tr("バックアップから復元しました")
	case e.Action == audit.ActPurge && kind == "":
		return tr("消去を指示しました")
	case e.Action == audit.ActPurge:
		return tr("%sを消去しました", kind)
	case e.Action == "import.handover":
		return tr("暗号化ファイルを受け取りました")
	case e.Action == "import":
		return tr("記録を取り込みました")
	case e.Action == audit.ActExport:
		return tr("暗号化ファイルで引き渡しました")
	case kind == "":
	case e.Action == audit.ActView:
		return tr("%sを閲覧しました", kind)
	case e.Action == audit.ActViewCase:
		return tr("%sの相談内容を閲覧しました", kind)
	case e.Action == audit.ActCreate:
		return tr("%sを作成しました", kind)
	case e.Action == audit.ActUpdate:
		return tr("%sを更新しました", kind)
	case e.Action == audit.ActPrint:
		return tr("%sを印刷しました", kind)
	}
	return e.Detail
}

// findingName is the Japanese name of a kind of finding.
func findingName(kind string) string {
	switch kind {
	case audit.FindBulkView:
		return tr("大量閲覧")
	case audit.FindAfterHours:
		return tr("時間外の操作")
	case audit.FindFailedLogins:
		return tr("ログイン失敗")
	case audit.FindExports:
		return tr("書き出し")
	case audit.FindPrints:
		return tr("印刷")
	}
	return kind
}

// runVerify re-walks the hash chain off the UI goroutine while a progress
// bar moves, then shows 正常（N件） or where the chain is broken.
func (sc *auditScreen) runVerify() {
	sc.verify.SetText(tr("検証しています…"))
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (int, error) {
		return sc.ctx.Office().VerifyAudit(c, sc.ctx.Session())
	}, sc.verified, widgets.WithProgress(sc.busy))
}

func (sc *auditScreen) verified(n int, err error) {
	if err != nil {
		sc.verify.Importance = widget.DangerImportance
		sc.verify.SetText(widgets.ErrText(err))
		return
	}
	sc.verify.Importance = widget.SuccessImportance
	sc.verify.SetText(tr("正常（%d件）", n))
}
