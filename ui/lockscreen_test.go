package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

const (
	typedSummary = "資金繰りについて相談。来月の支払いが不安とのこと"
	restored     = "ロック前の入力を復元しました。まだ保存されていません。"
)

// openConsultForm logs the consultant in, opens 相談記録 and the record of
// the visited reservation (相談記録を作成), and types typedSummary into
// 相談の概要.
func openConsultForm(t *testing.T, u *App) {
	t.Helper()
	u.Start()
	logIn(t, u, "soudan", uitest.Password)
	u.shell.openKey("consultations")
	u.wait()
	test.Tap(uitest.Button(t, u.shell.current, "相談記録を作成"))
	u.wait()
	test.Type(summaryEntry(t, u.shell.current), typedSummary)
	if f := u.shell.openForm(); f == nil || !f.Unsaved() {
		t.Fatal("the typed form does not report unsaved changes")
	}
}

// summaryEntry is the first multi-line entry of the consultation form
// (相談の概要).
func summaryEntry(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if e, ok := x.(*widget.Entry); ok && e.MultiLine && found == nil && e.Visible() {
			found = e
		}
	})
	if found == nil {
		t.Fatal("no 相談の概要 entry")
	}
	return found
}

// idleOut makes the idle lock's next tick find the window idle past its
// limit, and ticks it (as the runner's timer would).
func idleOut(t *testing.T, u *App) {
	t.Helper()
	if u.idle == nil {
		t.Fatal("no idle lock running")
	}
	l := u.idle
	l.last = time.Now().Add(-2 * l.limit)
	if !l.tick(l.seen) {
		t.Fatal("the idle lock did not lock")
	}
}

// savedSummaries are the 相談の概要 of the records in the vault, read
// with the window's session.
func savedSummaries(t *testing.T, u *App) []string {
	t.Helper()
	var out []string
	rows, err := u.office.Consultations(context.Background(), u.sess, office.ConsultationFilter{})
	must(t, err)
	for _, r := range rows {
		c, err := u.office.Consultation(context.Background(), u.sess, r.ID)
		must(t, err)
		out = append(out, c.Case.Summary)
	}
	return out
}

// TestIdleLockKeepsConsultationDraft: a half-written 相談記録 survives the
// idle lock: the lock screen does not show it, the unlock brings back the
// same screen with the same text and the notice, and it saves with the
// new session.
func TestIdleLockKeepsConsultationDraft(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	summary := summaryEntry(t, u.shell.current)
	u.win.Canvas().Focus(summary)
	idleOut(t, u)
	if u.lockView == nil || u.locked == nil || u.locked.draft == nil || u.sess != nil {
		t.Fatal("idle lock did not show the lock screen with a kept draft")
	}
	if hasText(u.win.Content(), typedSummary) || len(u.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("the lock screen shows the draft")
	}
	if !hasText(u.win.Content(), "相談 一郎") || !hasText(u.win.Content(), "soudan") {
		t.Fatal("the lock screen does not name the person")
	}
	unlock(t, u, uitest.Password)
	if u.sess == nil || u.shell == nil || u.shell.key != "consultations" {
		t.Fatal("not back on 相談記録 after unlock")
	}
	if got := summaryEntry(t, u.shell.current).Text; got != typedSummary {
		t.Fatalf("相談の概要 after unlock: %q", got)
	}
	if u.win.Canvas().Focused() != summary {
		t.Fatal("相談の概要 lost the focus")
	}
	if u.shell.notice.Hidden || u.shell.notice.Text != restored {
		t.Fatalf("notice after unlock: %q (hidden %v)", u.shell.notice.Text, u.shell.notice.Hidden)
	}
	if !u.shell.shortcut(widgets.ShortcutSave) {
		t.Fatal("Ctrl+S not handled after unlock")
	}
	u.wait()
	if got := savedSummaries(t, u); len(got) != 1 || got[0] != typedSummary {
		t.Fatalf("saved after unlock: %q", got)
	}
	if u.shell.openForm().Unsaved() {
		t.Fatal("still unsaved after saving")
	}
}

// TestIdleLockKeepsBusinessDialog: the 事業者 dialog with typing in it comes
// back open after the idle lock and unlock.
func TestIdleLockKeepsBusinessDialog(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	u.shell.openKey("business")
	u.wait()
	test.Tap(uitest.Button(t, u.shell.current, "新規登録"))
	name, ok := u.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatal("事業所名 not focused")
	}
	test.Type(name, "ひまわり工房")
	idleOut(t, u)
	if len(u.win.Canvas().Overlays().List()) != 0 || hasText(u.win.Content(), "ひまわり工房") {
		t.Fatal("the draft shows on the lock screen")
	}
	unlock(t, u, uitest.Password)
	top := u.win.Canvas().Overlays().Top()
	if top == nil || !hasText(top, "ひまわり工房") || u.shell.key != "business" {
		t.Fatal("the business dialog did not come back with the name")
	}
	if u.shell.notice.Text != restored {
		t.Fatalf("notice: %q", u.shell.notice.Text)
	}
}

// TestIdleLockWithoutChanges: nothing typed, nothing kept: the unlock
// rebuilds the screen the person was on, without the notice.
func TestIdleLockWithoutChanges(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "soudan", uitest.Password)
	u.shell.openKey("dispatches")
	u.wait()
	idleOut(t, u)
	if u.locked == nil || u.locked.draft != nil {
		t.Fatal("a draft was kept without changes")
	}
	unlock(t, u, uitest.Password)
	if u.shell == nil || u.shell.key != "dispatches" || !u.shell.notice.Hidden {
		t.Fatal("not back on the same screen after unlock")
	}
}

// TestUnlockWrongPassword stays on the lock screen with the reason.
func TestUnlockWrongPassword(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	idleOut(t, u)
	unlock(t, u, "wrong-password")
	if u.sess != nil || u.lockView == nil || u.locked.draft == nil {
		t.Fatal("a wrong password unlocked or dropped the draft")
	}
	if got := u.lockView.message.Text; got != office.Message(office.ErrWrongPassword) {
		t.Fatalf("message = %q", got)
	}
	unlock(t, u, uitest.Password)
	if got := summaryEntry(t, u.shell.current).Text; got != typedSummary {
		t.Fatalf("相談の概要 after the second try: %q", got)
	}
}

// TestOtherStaffNeverSeesDraft: 別の職員でログイン drops the draft: the
// ordinary login screen shows, and neither another staff member nor the
// same person logging in again finds the typed text.
func TestOtherStaffNeverSeesDraft(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	idleOut(t, u)
	test.Tap(u.lockView.other)
	if u.login == nil || u.locked != nil || u.lockView != nil || u.login.id.Text != "" {
		t.Fatal("別の職員でログイン did not show the empty login screen and drop the draft")
	}
	for _, login := range []string{"kantoku", "soudan"} {
		logIn(t, u, login, uitest.Password)
		u.shell.openKey("consultations")
		u.wait()
		if hasText(u.win.Content(), typedSummary) || !u.shell.notice.Hidden {
			t.Fatalf("%s sees the draft", login)
		}
		if len(savedSummaries(t, u)) != 0 {
			t.Fatal("the dropped draft was saved")
		}
		u.logout()
	}
}

// TestShutdownWhileLockedDropsDraft: closing the window (it logs out)
// while locked drops the kept draft from memory.
func TestShutdownWhileLockedDropsDraft(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	idleOut(t, u)
	u.Shutdown()
	if u.locked != nil || u.lockView != nil {
		t.Fatal("draft kept after the window's logout")
	}
}

// TestNavSwitchAsks: another screen in the navigation with unsaved changes
// asks; 戻る (Enter on the focused button, Esc) keeps the form and its text,
// a failed 保存 keeps it with the reason, 保存 saves and moves on, 破棄
// drops the text and moves on.
func TestNavSwitchAsks(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	sh := u.shell
	consult := sh.index
	ask := func() *widgets.UnsavedQuestion {
		t.Helper()
		sh.nav.Select(0) // 今日の予定
		q := sh.question
		if q == nil || sh.key != "consultations" {
			t.Fatal("switching with unsaved changes did not ask")
		}
		return q
	}
	stayed := func(how string) {
		t.Helper()
		if sh.question != nil || sh.key != "consultations" || sh.index != consult || summaryEntry(t, sh.current).Text != typedSummary {
			t.Fatalf("%s did not keep the form", how)
		}
	}

	q := ask()
	if u.win.Canvas().Focused() != q.Back {
		t.Fatal("戻る is not the focused default")
	}
	q.Back.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	stayed("Enter")
	ask().Save.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	stayed("Esc")
	ask()
	sh.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // nothing focused
	stayed("Esc on the window")

	setAmount(t, sh.current, "三百万円")
	test.Tap(ask().Save)
	stayed("a failed 保存")
	if len(savedSummaries(t, u)) != 0 {
		t.Fatal("saved with a malformed amount")
	}
	setAmount(t, sh.current, "")

	test.Tap(ask().Save)
	u.wait()
	if sh.key != "today" || sh.question != nil {
		t.Fatalf("保存 did not move on: %s", sh.key)
	}
	if got := savedSummaries(t, u); len(got) != 1 || got[0] != typedSummary {
		t.Fatalf("保存 saved %q", got)
	}

	sh.openKey("consultations")
	u.wait()
	test.Tap(uitest.Button(t, sh.current, "新規作成"))
	test.Type(summaryEntry(t, sh.current), "破棄する内容")
	test.Tap(ask().Discard)
	u.wait()
	if sh.key != "today" {
		t.Fatalf("破棄 did not move on: %s", sh.key)
	}
	sh.openKey("consultations")
	u.wait()
	if hasText(sh.current, "破棄する内容") || len(savedSummaries(t, u)) != 1 {
		t.Fatal("破棄 kept or saved the text")
	}
}

// setAmount types text into the form's 金額（円） entry.
func setAmount(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var found *widget.Entry
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if e, ok := x.(*widget.Entry); ok && e.PlaceHolder == "金額（円）" && e.Visible() {
			found = e
		}
	})
	if found == nil {
		t.Fatal("no amount entry")
	}
	found.SetText(text)
}

// TestNavSwitchDiscardsReservationDialog: 破棄 closes the 予約 dialog
// with its typing and opens the chosen screen.
func TestNavSwitchDiscardsReservationDialog(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	sh := u.shell
	sh.openKey("booking")
	u.wait()
	test.Tap(uitest.FindButton(t, sh.current, "空き"))
	u.wait()
	top := u.win.Canvas().Overlays().Top()
	if top == nil || findDirty(top, 0) == nil {
		t.Fatal("no reservation dialog")
	}
	if sh.openForm().Unsaved() {
		t.Fatal("a form just opened reports changes")
	}
	test.Type(summaryEntry(t, top), "電話で予約、駐車場の有無を確認") // 備考
	sh.logout()
	if sh.question == nil || u.sess == nil {
		t.Fatal("logout with unsaved changes did not ask")
	}
	test.Tap(sh.question.Back)
	if u.sess == nil || u.win.Canvas().Overlays().Top() != top {
		t.Fatal("戻る did not keep the dialog")
	}
	sh.nav.Select(0)
	test.Tap(sh.question.Discard)
	u.wait()
	if sh.key != "today" || len(u.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("破棄 did not close the dialog and move on")
	}
}

// TestLogoutAndLockAsk: ログアウト and the ロック button with unsaved
// changes ask; 戻る stays logged in, 破棄 logs out; after 破棄 at the lock
// the unlock opens the same screen without the dropped text.
func TestLogoutAndLockAsk(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	sh := u.shell
	sh.logout()
	if sh.question == nil {
		t.Fatal("logout did not ask")
	}
	test.Tap(sh.question.Back)
	if u.sess == nil || summaryEntry(t, sh.current).Text != typedSummary {
		t.Fatal("戻る at logout did not keep the form")
	}
	sh.lock()
	if sh.question == nil || u.sess == nil {
		t.Fatal("ロック did not ask")
	}
	test.Tap(sh.question.Discard)
	if u.lockView == nil || u.locked.draft != nil {
		t.Fatal("破棄 at ロック did not lock without a draft")
	}
	unlock(t, u, uitest.Password)
	if u.shell.key != "consultations" || hasText(u.win.Content(), typedSummary) {
		t.Fatal("after 破棄 and unlock: wrong screen or the text is back")
	}
	test.Tap(uitest.Button(t, u.shell.current, "新規作成"))
	test.Type(summaryEntry(t, u.shell.current), typedSummary)
	u.shell.logout()
	test.Tap(u.shell.question.Discard)
	if u.sess != nil || u.login == nil || !strings.Contains(u.login.notice.Text, "ログアウト") {
		t.Fatal("破棄 at logout did not log out")
	}
}

// TestGoldenLock captures the lock screen in Japanese and English.
func TestGoldenLock(t *testing.T) {
	for _, l := range []string{LangJapanese, LangEnglish} {
		t.Run(l, func(t *testing.T) {
			t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefLanguage, l)
			to := uitest.NewOffice(t, "", uitest.Casework)
			u := newTestAppOn(t, a, to)
			u.Start()
			logIn(t, u, "soudan", uitest.Password)
			u.lockNow()
			u.win.Resize(fyne.NewSize(1100, 720)) // the shell before may have widened the window
			u.win.Canvas().Unfocus()
			test.AssertImageMatches(t, "lock_"+l+".png", u.win.Canvas().Capture())
		})
	}
}

// TestNavSwitchAsksForUserForm: the administrator's new account form with
// a typed login id asks before another screen opens.
func TestNavSwitchAsksForUserForm(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "admin", uitest.Password)
	sh := u.shell
	sh.openKey("users")
	u.wait()
	if f := sh.openForm(); f != nil {
		t.Fatal("the list of users reports a form")
	}
	test.Tap(uitest.Button(t, sh.current, "利用者を追加"))
	login, ok := u.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatal("ログインID not focused")
	}
	if sh.openForm().Unsaved() {
		t.Fatal("an empty account form reports changes")
	}
	test.Type(login, "suzuki")
	sh.nav.Select(0)
	if sh.question == nil || sh.key != "users" {
		t.Fatal("switching away from a typed account form did not ask")
	}
	test.Tap(sh.question.Back)
	if sh.key != "users" || login.Text != "suzuki" {
		t.Fatal("戻る did not keep the account form")
	}
}

// TestLanguageChangeAsks: a new language rebuilds the shell, so with
// unsaved changes it asks first; 戻る keeps the form and its text.
func TestLanguageChangeAsks(t *testing.T) {
	t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	sh := u.shell
	s := u.settings
	s.Language = LangEnglish
	u.applySettings(s)
	if sh.question == nil {
		t.Fatal("a new language with unsaved changes did not ask")
	}
	test.Tap(sh.question.Back)
	if u.shell != sh || summaryEntry(t, sh.current).Text != typedSummary {
		t.Fatal("戻る did not keep the form")
	}
}

// TestIdleLockWhileAsking: the idle lock never asks and never waits for an
// open question: it answers 戻る, keeps the draft, and the unlock brings
// back the form on its screen, with the navigation on that screen.
func TestIdleLockWhileAsking(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	sh := u.shell
	consult := sh.index
	sh.nav.Select(0)
	if sh.question == nil {
		t.Fatal("no question")
	}
	idleOut(t, u)
	if sh.question != nil || u.locked == nil || u.locked.draft == nil || len(u.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("the idle lock left the question open or kept no draft")
	}
	unlock(t, u, uitest.Password)
	if u.shell != sh || sh.index != consult || summaryEntry(t, sh.current).Text != typedSummary || len(u.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("the draft did not come back on its screen")
	}
}

// TestFormCloseAsks: the 相談記録 form's own 戻る and the 事業者 dialog's
// 閉じる ask about unsaved changes too; 戻る in the question keeps the form.
func TestFormCloseAsks(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	openConsultForm(t, u)
	c := u.win.Canvas()
	test.Tap(uitest.FindButton(t, u.shell.current, "戻る"))
	q := c.Overlays().Top()
	if q == nil || !hasText(q, "入力した内容はまだ保存されていません。保存してから移りますか。") {
		t.Fatal("the form's 戻る did not ask")
	}
	test.Tap(answerButton(t, q, "戻る"))
	if summaryEntry(t, u.shell.current).Text != typedSummary || c.Overlays().Top() != nil {
		t.Fatal("戻る in the question did not keep the form")
	}
	test.Tap(uitest.FindButton(t, u.shell.current, "戻る"))
	test.Tap(answerButton(t, c.Overlays().Top(), "破棄"))
	if hasText(u.shell.current, typedSummary) {
		t.Fatal("破棄 kept the form")
	}

	u.shell.openKey("business")
	u.wait()
	test.Tap(uitest.Button(t, u.shell.current, "新規登録"))
	dlg := c.Overlays().Top()
	test.Type(c.Focused().(*widget.Entry), "ひまわり工房")
	test.Tap(uitest.Button(t, dlg, "閉じる"))
	q = c.Overlays().Top()
	if q == dlg || !hasText(q, "入力した内容はまだ保存されていません。保存してから移りますか。") {
		t.Fatal("閉じる did not ask")
	}
	test.Tap(answerButton(t, q, "戻る"))
	if c.Overlays().Top() != dlg {
		t.Fatal("戻る did not keep the dialog")
	}
	test.Tap(uitest.Button(t, dlg, "閉じる"))
	test.Tap(answerButton(t, c.Overlays().Top(), "破棄"))
	if len(c.Overlays().List()) != 0 {
		t.Fatal("破棄 did not close the dialog")
	}
}

// answerButton is the button labelled text of the unsaved-changes question
// in o.
func answerButton(t *testing.T, o fyne.CanvasObject, text string) *widgets.KeyButton {
	t.Helper()
	var found *widgets.KeyButton
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if b, ok := x.(*widgets.KeyButton); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no answer %q", text)
	}
	return found
}

// TestEscOnFormDialogAsks: Esc with no field focused closes a form dialog
// only after asking when it holds unsaved changes; without changes it
// closes at once.
func TestEscOnFormDialogAsks(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	sh := u.shell
	sh.openKey("business")
	u.wait()
	c := u.win.Canvas()
	esc := &fyne.KeyEvent{Name: fyne.KeyEscape}
	test.Tap(uitest.Button(t, sh.current, "新規登録"))
	c.Unfocus()
	sh.typedKey(esc)
	if len(c.Overlays().List()) != 0 {
		t.Fatal("Esc did not close the unchanged dialog")
	}
	test.Tap(uitest.Button(t, sh.current, "新規登録"))
	dlg := c.Overlays().Top()
	test.Type(c.Focused().(*widget.Entry), "ひまわり工房")
	c.Unfocus()
	sh.typedKey(esc)
	q := c.Overlays().Top()
	if q == dlg || !hasText(q, "入力した内容はまだ保存されていません。保存してから移りますか。") {
		t.Fatal("Esc closed a dialog with unsaved changes without asking")
	}
	answerButton(t, q, "戻る").TypedKey(esc)
	if c.Overlays().Top() != dlg || !hasText(dlg, "ひまわり工房") {
		t.Fatal("Esc in the question did not keep the dialog")
	}
}
