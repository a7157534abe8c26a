package syncview

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Indicator is the sync state in the shell's top bar: a button reading
// 同期済み（最終 HH:MM）, 未送信 n 件, オフライン, 同期中 (with a progress
// bar), 競合 n 件 or エラー with the reason. Tapping it opens a menu with
// 今すぐ同期, 持ち出し前に同期 (when offered) and the full message of an
// error. Set it on the UI goroutine; the shell hands it every status the
// agent reports through fyne.Do, so typing never waits for it.
type Indicator struct {
	widget.BaseWidget
	// Button shows the state; tapping it opens the menu.
	Button *widget.Button
	bar    *widget.ProgressBar
	busy   *widget.ProgressBarInfinite
	box    *fyne.Container
	slot   *fyne.Container // the progress bars' place, hidden unless syncing
	win    fyne.Window
	opt    IndicatorOptions
	status syncagent.Status
}

// IndicatorOptions say what the indicator's menu offers.
type IndicatorOptions struct {
	// Message is the sentence for a sync error.
	Message func(error) string
	// Findings shows a detected tampering by the server as such
	// (administrators and supervisors).
	Findings bool
	// SyncNow runs 今すぐ同期.
	SyncNow func()
	// BeforeTakeout runs 持ち出し前に同期; nil leaves it out of the menu.
	BeforeTakeout func()
	// OpenConflicts opens the 競合 screen, offered while records are in
	// 競合; nil leaves it out.
	OpenConflicts func()
}

// NewIndicator returns the indicator of win showing st.
func NewIndicator(win fyne.Window, st syncagent.Status, opt IndicatorOptions) *Indicator {
	in := &Indicator{win: win, opt: opt}
	in.Button = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), in.ShowMenu)
	in.bar = widget.NewProgressBar()
	in.bar.TextFormatter = func() string { return "" }
	in.busy = widget.NewProgressBarInfinite()
	in.slot = container.NewCenter(container.NewStack(widgets.Sized(widgets.SizedHeight(8), 110), in.bar, in.busy))
	in.box = container.NewHBox(in.Button, in.slot)
	in.ExtendBaseWidget(in)
	in.Set(st)
	return in
}

// CreateRenderer implements fyne.Widget.
func (in *Indicator) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(in.box) }

// Status is the status shown.
func (in *Indicator) Status() syncagent.Status { return in.status }

// Text is the indicator's text for the status shown.
func (in *Indicator) Text() string { return in.Button.Text }

// Set shows st. Call it on the UI goroutine.
func (in *Indicator) Set(st syncagent.Status) {
	in.status = st
	if st.State == syncagent.StateNotEnrolled && st.Finding == nil {
		in.busy.Stop()
		in.Hide()
		return
	}
	text, icon, imp := in.look(st)
	in.Button.SetText(shorten(text, maxIndicatorRunes))
	in.Button.SetIcon(icon)
	in.Button.Importance = imp
	in.Button.Refresh()
	if st.State == syncagent.StateSyncing && st.Finding == nil {
		in.slot.Show()
		if st.Total > 0 {
			in.busy.Stop()
			in.busy.Hide()
			in.bar.SetValue(min(float64(st.Done)/float64(st.Total), 1))
			in.bar.Show()
		} else {
			in.bar.Hide()
			in.busy.Show()
			in.busy.Start()
		}
	} else {
		in.busy.Stop()
		in.busy.Hide()
		in.bar.Hide()
		in.slot.Hide()
	}
	in.Show()
}

// maxIndicatorRunes is how much of an error's sentence the top bar shows;
// the menu shows it whole.
const maxIndicatorRunes = 34

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// look is the text, icon and importance of st.
func (in *Indicator) look(st syncagent.Status) (string, fyne.Resource, widget.Importance) {
	if st.Finding != nil && in.opt.Findings {
		return tr("エラー: サーバーの不正を検出"), theme.ErrorIcon(), widget.DangerImportance
	}
	switch st.State {
	case syncagent.StateSynced:
		if st.LastSync.IsZero() {
			return tr("同期済み"), theme.ConfirmIcon(), widget.LowImportance
		}
		return tr("同期済み（最終 %s）", st.LastSync.In(record.JST()).Format("15:04")), theme.ConfirmIcon(), widget.LowImportance
	case syncagent.StatePending:
		return tr("未送信 %d 件", st.Pending), theme.UploadIcon(), widget.MediumImportance
	case syncagent.StateOffline:
		return tr("オフライン"), theme.CancelIcon(), widget.MediumImportance
	case syncagent.StateSyncing:
		return tr("同期中（%s）", tr(stepLabel(st.Step))), theme.ViewRefreshIcon(), widget.MediumImportance
	case syncagent.StateConflicts:
		return tr("競合 %d 件", st.Conflicts), theme.WarningIcon(), widget.WarningImportance
	case syncagent.StateError:
		return tr("エラー: %s", in.message(st.Err)), theme.ErrorIcon(), widget.DangerImportance
	}
	return tr("同期"), theme.ViewRefreshIcon(), widget.MediumImportance
}

// stepLabel names a running sync's step.
func stepLabel(s syncagent.Step) string {
	switch s {
	case syncagent.StepConnect:
		return "接続"
	case syncagent.StepTable:
		return "利用者表"
	case syncagent.StepPush:
		return "送信"
	case syncagent.StepPull:
		return "受信"
	}
	return "接続"
}

func (in *Indicator) message(err error) string {
	if err == nil {
		return ""
	}
	if in.opt.Message != nil {
		return in.opt.Message(err)
	}
	return widgets.ErrText(err)
}

// Detail is the full sentence of the status shown: the error's or the
// finding's message, or "" when there is none.
func (in *Indicator) Detail() string {
	st := in.status
	if st.Finding != nil && in.opt.Findings {
		return tr("サーバーの不正を検出しました: %s", in.message(st.Finding))
	}
	if st.Err != nil {
		return in.message(st.Err)
	}
	return ""
}

// Menu is the indicator's menu: 今すぐ同期, 競合を開く while records are in
// 競合, 持ち出し前に同期 when offered, and 詳細を表示 when there is an error
// to read.
func (in *Indicator) Menu() *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem(tr("今すぐ同期"), in.syncNow)}
	if in.opt.OpenConflicts != nil && in.status.Conflicts > 0 {
		items = append(items, fyne.NewMenuItem(tr("競合を開く"), in.opt.OpenConflicts))
	}
	if in.opt.BeforeTakeout != nil {
		items = append(items, fyne.NewMenuItem(tr("持ち出し前に同期"), in.opt.BeforeTakeout))
	}
	if in.Detail() != "" {
		items = append(items, fyne.NewMenuItem(tr("詳細を表示"), in.ShowDetail))
	}
	return fyne.NewMenu("", items...)
}

func (in *Indicator) syncNow() {
	if in.opt.SyncNow != nil {
		in.opt.SyncNow()
	}
}

// ShowMenu opens the menu under the indicator.
func (in *Indicator) ShowMenu() {
	c := in.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(in.Button).Add(fyne.NewPos(0, in.Button.Size().Height))
	widget.ShowPopUpMenuAtPosition(in.Menu(), c, pos)
}

// ShowDetail shows the full sentence of the error in a dialog.
func (in *Indicator) ShowDetail() {
	title := tr("同期のエラー")
	if in.status.Finding != nil && in.opt.Findings {
		title = tr("サーバーの不正を検出")
	}
	l := widget.NewLabel(in.Detail())
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	d := dialog.NewCustom(title, tr("閉じる"), widgets.Sized(l, 480), in.win)
	d.Show()
}
