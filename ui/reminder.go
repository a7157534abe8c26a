package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/admin"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// The reminder of the monthly access-log analysis: after a supervisor
// logs in, a line under the top bar says when no supervisor has opened the
// previous month's アクセスログ分析 yet (office.AnalysisDue), with a button
// that opens it. It stays until the analysis is opened.

// newReminder makes the reminder line, hidden.
func (sh *shell) newReminder() *fyne.Container {
	text := widget.NewLabel(tr("先月のアクセスログ分析がまだ確認されていません"))
	text.Importance = widget.WarningImportance
	open := widget.NewButtonWithIcon(tr("分析を開く"), theme.VisibilityIcon(), func() { sh.openKey(admin.AnalysisKey) })
	c := container.NewHBox(text, open, layout.NewSpacer())
	c.Hide()
	return c
}

// remindAnalysis asks the office off the UI goroutine whether the
// reminder is due and shows it if so. A failed check shows nothing (the
// reminder is a courtesy; the analysis itself reports its errors).
func (sh *shell) remindAnalysis() {
	s := sh.ctx.session
	if !s.May(office.PermAudit) || !s.HasRole(office.RoleSupervisor) {
		return
	}
	widgets.Run(sh.ctx.runner, func(c context.Context) (bool, error) {
		_, due, err := sh.ctx.office.AnalysisDue(c, s)
		return due, err
	}, func(due bool, err error) {
		if err == nil && due && sh.key != admin.AnalysisKey {
			sh.setReminder(true)
		}
	})
}

// setReminder shows or hides the reminder line.
func (sh *shell) setReminder(show bool) {
	if sh.reminder == nil || sh.reminder.Visible() == show {
		return
	}
	sh.reminder.Hidden = !show
	sh.frame.Refresh() // the top bar's height changes
}
