package admin

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// backupScreen is バックアップ: the scheduled backup's setting, a backup
// now, and when the last one was made.
type backupScreen struct {
	ctx    Host
	prefs  fyne.Preferences
	daily  *widget.Check
	folder *widget.Entry
	keep   *widget.Select
	last   *widget.Label
	result *widget.Label
	run    *backupRun
}

func buildBackup(ctx Host) fyne.CanvasObject {
	return newBackupScreen(ctx, fyne.CurrentApp().Preferences()).object()
}

func newBackupScreen(ctx Host, prefs fyne.Preferences) *backupScreen {
	s := loadSchedule(prefs)
	sc := &backupScreen{ctx: ctx, prefs: prefs, folder: widget.NewEntry(), last: widget.NewLabel(""), result: widget.NewLabel(""),
		run: &backupRun{ctx: ctx, prefs: prefs, bar: widgets.NewProgress()}}
	sc.daily = widget.NewCheck(tr("毎日バックアップする（管理者がログインしている間）"), func(bool) { sc.store() })
	sc.daily.SetChecked(s.Daily)
	sc.folder.SetText(s.Folder)
	sc.folder.OnChanged = func(string) { sc.store() }
	var counts []string
	for _, n := range []int{3, 7, 14, 30} {
		counts = append(counts, strconv.Itoa(n))
	}
	sc.keep = widget.NewSelect(counts, func(string) { sc.store() })
	sc.keep.SetSelected(strconv.Itoa(s.Keep))
	sc.result.Wrapping = fyne.TextWrapWord
	sc.showLast()
	return sc
}

func (sc *backupScreen) object() fyne.CanvasObject {
	choose := widget.NewButtonWithIcon(tr("選ぶ…"), theme.FolderOpenIcon(), sc.chooseFolder)
	now := widget.NewButtonWithIcon(tr("今すぐバックアップ"), theme.DocumentSaveIcon(), sc.backupNow)
	now.Importance = widget.HighImportance
	form := container.NewVBox(
		sc.daily,
		container.NewBorder(nil, nil, widget.NewLabel(tr("保存先フォルダ")), choose, sc.folder),
		container.NewHBox(widget.NewLabel(tr("残す数")), sc.keep),
		sc.last,
	)
	note := widget.NewLabel(tr("バックアップは暗号化され、復元には管理者のパスワードが必要です。"))
	note.Wrapping = fyne.TextWrapWord
	return container.NewVBox(widgets.Heading(tr("バックアップ")), widget.NewCard("", tr("定期バックアップ"), form),
		container.NewHBox(now), sc.run.bar, sc.result, note)
}

// store saves the setting as it is on the screen.
func (sc *backupScreen) store() {
	if sc.keep == nil {
		return // still being built
	}
	s := loadSchedule(sc.prefs)
	s.Daily, s.Folder = sc.daily.Checked, sc.folder.Text
	if n, err := strconv.Atoi(sc.keep.Selected); err == nil {
		s.Keep = n
	}
	s.save(sc.prefs)
}

func (sc *backupScreen) showLast() {
	last := loadSchedule(sc.prefs).Last
	if last.IsZero() {
		sc.last.SetText(tr("前回のバックアップ: まだありません"))
		return
	}
	sc.last.SetText(tr("前回のバックアップ: %s", last.In(record.JST()).Format("2006-01-02 15:04")))
}

func (sc *backupScreen) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			sc.folder.SetText(u.Path())
		}
	}, sc.ctx.Window())
	d.Show()
}

func (sc *backupScreen) backupNow() {
	s := loadSchedule(sc.prefs)
	if s.Folder == "" {
		sc.result.Importance = widget.DangerImportance
		sc.result.SetText(tr("保存先フォルダを指定してください。"))
		return
	}
	sc.result.Importance = widget.MediumImportance
	sc.result.SetText(tr("バックアップしています…"))
	sc.run.start(s, sc.done)
}

func (sc *backupScreen) done(info office.BackupInfo, err error) {
	if err != nil {
		sc.result.Importance = widget.DangerImportance
		sc.result.SetText(widgets.ErrText(err))
		return
	}
	sc.result.Importance = widget.SuccessImportance
	sc.result.SetText(tr("バックアップしました（%s、%.1f MB）", info.Path, float64(info.Bytes)/1e6))
	sc.showLast()
}
