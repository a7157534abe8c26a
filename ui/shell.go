package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/admin"
	"github.com/madoguchi-jp/madoguchi/ui/syncview"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// shell is the window after login: a top bar, the navigation list of the
// screens the session may see, and the current screen.
type shell struct {
	app     *App
	ctx     *host
	screens []Screen
	nav     *widget.List
	body    *fyne.Container
	current fyne.CanvasObject
	key     string
	index   int // the navigation entry of current (-1: none yet)
	// notice is a line under the top bar for what the window did on its
	// own (a draft restored after the lock); frame holds the bar and body.
	notice *widget.Label
	frame  *fyne.Container
	// done says what the person's last action did (host.Notify).
	done *widgets.Notice
	// question is the open 「保存されていない変更があります」, if any.
	question *widgets.UnsavedQuestion
	// indicator shows the sync state (nil when the PC does not sync).
	indicator *syncview.Indicator
	// reminder is the line about the unopened access-log analysis.
	reminder *fyne.Container
}

// loggedIn opens the shell for a new session and starts the idle lock.
func (u *App) loggedIn(s *office.Session) { u.loggedInAt(s, "") }

// loggedInAt opens the shell for a new session on the screen with key (or
// the first) and starts the idle lock.
func (u *App) loggedInAt(s *office.Session, key string) {
	u.beginSession(s)
	u.showShell(key)
	u.shell.remindAnalysis()
	admin.StartBackupSchedule(u.shell.ctx, u.fyne.Preferences()) // stops with the session's runner
	u.startIdle()
	if u.agent != nil {
		u.onSyncStatus(u.agent.Status())
	}
}

// beginSession makes s the window's session, with a new runner.
func (u *App) beginSession(s *office.Session) {
	u.sess = s
	u.login = nil
	u.stopSessionRunner()
	u.sessRun = u.newRunner()
	if u.agent != nil {
		u.syncStatus = u.agent.Status()
	}
}

// showShell (re)builds the shell, opening the screen with key (or the first).
func (u *App) showShell(key string) {
	ctx := &host{office: u.office, session: u.sess, win: u.win, now: u.opt.Office.Now, runner: u.sessRun,
		agent: u.agent, message: u.syncMessage, pdf: widgets.PDFSaver{Open: u.opt.Open, Folder: u.opt.Documents, Runner: u.sessRun}}
	sh := &shell{app: u, ctx: ctx, screens: allowedScreens(u.sess, u.syncs()), index: -1}
	sh.done = widgets.NewNotice(func() {
		if sh.frame != nil {
			sh.frame.Refresh()
		}
	})
	ctx.notice = sh.done
	if u.agent != nil {
		sh.indicator = u.newIndicator()
	}
	u.shell = sh
	u.win.SetContent(newActivityArea(sh.layout(), u.touch))
	u.win.SetMainMenu(sh.menu())
	u.win.Canvas().SetOnTypedKey(sh.typedKey)
	u.win.Canvas().SetOnTypedRune(func(rune) { u.touch() })
	sh.openKey(key)
}

// allowedScreens are the screens s may see; the sync screens (競合, 端末)
// only on a PC that syncs.
func allowedScreens(s *office.Session, syncs bool) []Screen {
	var out []Screen
	all := screens()
	if syncs {
		all = append(all, adapt(syncview.Screens())...)
	}
	for _, sc := range all {
		if sc.Allowed == nil || sc.Allowed(s) {
			out = append(out, sc)
		}
	}
	return out
}

// navTitle is screen i's name in the navigation; ウェブ予約 counts the
// requests still 受付中 that sync brought.
func (sh *shell) navTitle(i int) string {
	sc := sh.screens[i]
	if n := sh.app.syncStatus.WebRequests; sc.Key == "web" && n > 0 {
		return tr("%s（%d件）", tr(sc.Title), n)
	}
	return tr(sc.Title)
}

func (sh *shell) layout() fyne.CanvasObject {
	sh.body = container.NewStack()
	sh.nav = widget.NewList(
		func() int { return len(sh.screens) },
		func() fyne.CanvasObject { return widget.NewLabel("相談記録の一覧") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(sh.navTitle(i)) },
	)
	sh.nav.OnSelected = func(i widget.ListItemID) { sh.navigate(i) }
	split := container.NewHSplit(sh.nav, sh.body)
	split.Offset = 0.16
	sh.frame = container.NewBorder(sh.topBar(), nil, nil, nil, split)
	return sh.frame
}

func (sh *shell) topBar() fyne.CanvasObject {
	s := sh.ctx.session
	roles := make([]string, len(s.Roles()))
	for i, r := range s.Roles() {
		roles[i] = tr(r.Label())
	}
	// The name and roles give way (cut off, whole on hover) to the
	// buttons, so the bar never makes the window wider.
	who := widgets.NewHoverLabel(tr("%s さん（%s）", s.Name(), strings.Join(roles, "・")))
	who.TextStyle.Bold = true
	settings := widget.NewButtonWithIcon(tr("設定"), theme.SettingsIcon(), sh.settings)
	lock := widget.NewButtonWithIcon(tr("ロック"), theme.VisibilityOffIcon(), sh.lock)
	logout := widget.NewButtonWithIcon(tr("ログアウト"), theme.LogoutIcon(), sh.logout)
	sh.notice = widget.NewLabel("")
	sh.notice.Importance = widget.WarningImportance
	sh.notice.Wrapping = fyne.TextWrapWord
	sh.notice.Hide()
	buttons := container.NewHBox(settings, lock, logout)
	if sh.indicator != nil {
		buttons.Objects = append([]fyne.CanvasObject{sh.indicator}, buttons.Objects...)
	}
	bar := container.NewBorder(nil, nil, nil, buttons, who)
	sh.reminder = sh.newReminder()
	return container.NewVBox(bar, sh.notice, sh.done, sh.reminder, widget.NewSeparator())
}

// menu carries the keyboard shortcuts: a main-menu shortcut fires even
// while a text field has the focus.
func (sh *shell) menu() *fyne.MainMenu {
	item := func(label, name string, key fyne.KeyName) *fyne.MenuItem {
		it := fyne.NewMenuItem(tr(label), func() { sh.shortcut(name) })
		it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		return it
	}
	work := fyne.NewMenu(tr("操作"),
		item("検索", widgets.ShortcutSearch, fyne.KeyF), item("新規", widgets.ShortcutNew, fyne.KeyN),
		item("保存", widgets.ShortcutSave, fyne.KeyS), item("印刷", widgets.ShortcutPrint, fyne.KeyP),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(tr("設定"), sh.settings),
		fyne.NewMenuItem(tr("ロック"), sh.lock),
		fyne.NewMenuItem(tr("ログアウト"), sh.logout),
	)
	return fyne.NewMainMenu(work)
}

// openKey opens the screen with key, or the first one.
func (sh *shell) openKey(key string) {
	if len(sh.screens) == 0 {
		sh.body.Objects = []fyne.CanvasObject{container.NewCenter(widget.NewLabel(tr("この役割で使える画面はありません。")))}
		sh.body.Refresh()
		return
	}
	for i, sc := range sh.screens {
		if sc.Key == key {
			sh.nav.Select(i)
			return
		}
	}
	sh.nav.Select(0)
}

// navigate opens entry i of the navigation, asking first when the open
// form has unsaved changes; 戻る selects the current entry again.
func (sh *shell) navigate(i int) {
	if i == sh.index {
		return
	}
	prev := sh.index
	sh.leave(func() { sh.open(i) }, func() {
		if prev >= 0 {
			sh.nav.Select(prev)
		}
	})
}

// lock is the ロック button. Like a change of screen it asks about an open
// form's unsaved changes: the person is there to answer, and 保存 keeps
// their typing in the vault, while the idle lock (nobody there) keeps it
// as a draft instead.
func (sh *shell) lock() { sh.leave(sh.app.lockNow, nil) }

// logout is the ログアウト button; it asks about unsaved changes first.
func (sh *shell) logout() { sh.leave(sh.app.logout, nil) }

// leave runs proceed once the open form (openForm) has no unsaved
// changes, or after the person chose 保存 (and it saved) or 破棄; 戻る,
// or a save that failed (the form shows why), runs cancel (may be nil)
// and keeps the form.
func (sh *shell) leave(proceed, cancel func()) {
	sh.app.touch()
	back := func() {
		if cancel != nil {
			cancel()
		}
	}
	if sh.question != nil {
		back() // one question at a time
		return
	}
	f := sh.openForm()
	if f == nil || !f.Unsaved() {
		proceed()
		return
	}
	sh.question = widgets.AskUnsaved(sh.ctx.win, func(c widgets.Choice) {
		sh.question = nil
		switch c {
		case widgets.ChoiceSave:
			f.Save(func(ok bool) {
				if ok {
					sh.closeFormDialogs()
					proceed()
				} else {
					back()
				}
			})
		case widgets.ChoiceDiscard:
			sh.closeFormDialogs()
			proceed()
		default:
			back()
		}
	})
}

// cancelQuestion answers an open 「保存されていない変更があります」 with 戻る.
func (sh *shell) cancelQuestion() {
	if q := sh.question; q != nil {
		q.Answer(widgets.ChoiceBack)
	}
}

// openForm is the form the person is working in: the one in the topmost
// dialog that holds one, else the current screen's.
func (sh *shell) openForm() widgets.Dirty {
	ov := sh.ctx.win.Canvas().Overlays().List()
	for i := len(ov) - 1; i >= 0; i-- {
		if f := findDirty(ov[i], 0); f != nil {
			return f
		}
	}
	return findDirty(sh.current, 0)
}

// closeFormDialogs closes the dialogs that hold a form (the person chose
// to leave it).
func (sh *shell) closeFormDialogs() {
	c := sh.ctx.win.Canvas()
	for _, o := range slices.Clone(c.Overlays().List()) {
		if findDirty(o, 0) != nil {
			o.Hide()
			c.Overlays().Remove(o)
		}
	}
}

// setNotice shows text in the top bar until the next change of screen.
func (sh *shell) setNotice(text string) {
	hide := text == ""
	if hide && sh.notice.Hidden {
		return
	}
	sh.notice.SetText(text)
	if sh.notice.Hidden != hide {
		sh.notice.Hidden = hide
		sh.frame.Refresh() // the top bar's height changes
	}
}

func (sh *shell) open(i int) {
	sh.app.touch()
	sc := sh.screens[i]
	sh.index = i
	sh.setNotice("")
	sh.key = sc.Key
	if sc.Key == admin.AnalysisKey {
		sh.setReminder(false)
	}
	sh.current = sc.Build(sh.ctx)
	sh.body.Objects = []fyne.CanvasObject{sh.current}
	sh.body.Refresh()
	sh.shortcut(widgets.ShortcutSearch)
}

// shortcut routes a shortcut to the topmost dialog, else the current screen.
func (sh *shell) shortcut(name string) bool {
	sh.app.touch()
	if top := widgets.TopOverlay(sh.ctx.win.Canvas()); top != nil {
		if t := findShortcutTarget(top, 0); t != nil {
			return t.OnShortcut(name)
		}
		return false
	}
	if t := findShortcutTarget(sh.current, 0); t != nil {
		return t.OnShortcut(name)
	}
	return false
}

// typedKey is the canvas key handler (no widget has the focus): it counts
// as activity, and Esc closes the topmost dialog.
func (sh *shell) typedKey(k *fyne.KeyEvent) {
	sh.app.touch()
	if k.Name == fyne.KeyEscape {
		if sh.question != nil {
			sh.cancelQuestion()
			return
		}
		c := sh.ctx.win.Canvas()
		if cl := findCloser(widgets.TopOverlay(c), 0); cl != nil && cl.RequestClose() {
			return // a form dialog: it asks about unsaved changes first
		}
		widgets.CloseTopOverlay(c)
	}
}

func (sh *shell) settings() {
	u := sh.app
	showSettings(u.win, u.settings, func(s Settings) { u.applySettings(s) })
}

// applySettings saves s and applies it: theme, language, idle time.
func (u *App) applySettings(s Settings) {
	old := u.settings
	u.settings = s
	s.save(u.fyne.Preferences())
	u.fyne.Settings().SetTheme(widgets.NewThemeLook(s.FontSize, s.Look))
	if u.idle != nil {
		u.idle.setLimit(s.IdleMinutes)
	}
	if s.Language != old.Language {
		if err := LoadTranslations(s.Language); err == nil && u.shell != nil {
			// The shell is rebuilt in the new language, which closes an
			// open form: ask about its unsaved changes first (戻る keeps
			// the form; the screens opened next are in the new language).
			sh := u.shell
			sh.leave(func() { u.showShell(sh.key) }, nil)
		}
	}
}

// findDirty looks for the form of a widgets.DirtyHolder in o and the
// objects it holds, depth first.
func findDirty(o fyne.CanvasObject, depth int) widgets.Dirty {
	if o == nil || depth > 24 || !o.Visible() {
		return nil
	}
	if h, ok := o.(widgets.DirtyHolder); ok && h.Form() != nil {
		return h.Form()
	}
	for _, c := range children(o) {
		if f := findDirty(c, depth+1); f != nil {
			return f
		}
	}
	return nil
}

// findCloser looks for a widgets.Closer in o and the objects it holds.
func findCloser(o fyne.CanvasObject, depth int) widgets.Closer {
	if o == nil || depth > 24 || !o.Visible() {
		return nil
	}
	if cl, ok := o.(widgets.Closer); ok {
		return cl
	}
	for _, c := range children(o) {
		if cl := findCloser(c, depth+1); cl != nil {
			return cl
		}
	}
	return nil
}

// findShortcutTarget looks for a widgets.ShortcutTarget in o and the objects it
// holds, depth first.
func findShortcutTarget(o fyne.CanvasObject, depth int) widgets.ShortcutTarget {
	if o == nil || depth > 24 || !o.Visible() {
		return nil
	}
	if t, ok := o.(widgets.ShortcutTarget); ok {
		return t
	}
	for _, c := range children(o) {
		if t := findShortcutTarget(c, depth+1); t != nil {
			return t
		}
	}
	return nil
}

// children returns the objects o holds, for the kinds of holder the
// screens use.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch x := o.(type) {
	case *fyne.Container:
		return x.Objects
	case *widget.PopUp:
		return []fyne.CanvasObject{x.Content}
	case *container.Scroll:
		return []fyne.CanvasObject{x.Content}
	case *container.Split:
		return []fyne.CanvasObject{x.Leading, x.Trailing}
	case *widget.Card:
		return []fyne.CanvasObject{x.Content}
	case *container.AppTabs:
		if x.Selected() != nil {
			return []fyne.CanvasObject{x.Selected().Content}
		}
	case *activityArea:
		return []fyne.CanvasObject{x.content}
	case *widgets.Pager:
		return []fyne.CanvasObject{x.Top()}
	case interface{ Content() fyne.CanvasObject }:
		return []fyne.CanvasObject{x.Content()}
	}
	return nil
}
