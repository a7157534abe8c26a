package ui

import (
	"context"
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/syncview"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// How long the last sync may take: at logout (the window shows 送信中
// meanwhile) and when the window closes.
const (
	defaultStopTimeout  = 10 * time.Second
	shutdownStopTimeout = 3 * time.Second
)

// syncDialogs are the dialogs that follow the agent's status: the first
// download of a PC that just joined, and 持ち出し前に同期.
type syncDialogs struct {
	first    dialog.Dialog
	firstBar *widget.ProgressBar
	takeout  *takeout
}

// takeout is a running 持ち出し前に同期: its dialog waits for the sync that
// SyncNow started to end.
type takeout struct {
	dialog dialog.Dialog
	label  *widget.Label
	bar    *widget.ProgressBarInfinite
	seen   bool // the sync was seen running
}

// syncs reports whether the open vault syncs with a server.
func (u *App) syncs() bool {
	return u.agent != nil && u.agent.Status().State != syncagent.StateNotEnrolled
}

// syncMessage is the sentence for a sync error.
func (u *App) syncMessage(err error) string {
	if u.opt.Message != nil {
		return u.opt.Message(err)
	}
	return widgets.ErrText(err)
}

// seesFindings reports whether s is shown the server's detected
// tampering as such (administrators and supervisors).
func seesFindings(s *office.Session) bool {
	return s.HasRole(office.RoleAdmin) || s.HasRole(office.RoleSupervisor)
}

// newIndicator is the shell's sync indicator for the session.
func (u *App) newIndicator() *syncview.Indicator {
	opt := syncview.IndicatorOptions{
		Message:  u.syncMessage,
		Findings: seesFindings(u.sess),
		SyncNow:  u.syncNow,
	}
	if u.sess.HasRole(office.RoleSupervisor) {
		opt.BeforeTakeout = u.beforeTakeout
	}
	if u.syncs() && u.sess.May(office.PermSync) {
		opt.OpenConflicts = func() {
			if u.shell != nil {
				u.shell.openKey("conflicts")
			}
		}
	}
	return syncview.NewIndicator(u.win, u.syncStatus, opt)
}

// subscribeSync follows the status of the agent of the opened vault, for
// as long as the window has that agent (on the login screen too, so that a
// revocation reported while the window is locked closes it). The agent
// calls from its own goroutine; the window's runner brings each status to
// the UI goroutine (fyne.Do; in tests, the goroutine that waits).
func (u *App) subscribeSync() {
	u.unsubscribeSync()
	if u.agent == nil {
		return
	}
	agent, run := u.agent, u.run
	u.unsubscribe = agent.Subscribe(func(st syncagent.Status) {
		run.Post(func() {
			if u.agent == agent {
				u.onSyncStatus(st)
			}
		})
	})
	u.onSyncStatus(agent.Status())
}

// unsubscribeSync stops following the agent.
func (u *App) unsubscribeSync() {
	if u.unsubscribe != nil {
		u.unsubscribe()
		u.unsubscribe = nil
	}
	u.closeSyncDialogs()
}

// closeSyncDialogs closes the first download's dialog and a running
// 持ち出し前に同期 (the session they belong to ends).
func (u *App) closeSyncDialogs() {
	u.closeFirstSync()
	if t := u.sync.takeout; t != nil {
		u.sync.takeout = nil
		t.dialog.Hide()
	}
}

// onSyncStatus shows st: the indicator, the first download's dialog, the
// end of 持ち出し前に同期, and a revoked PC's closing. It runs on the UI
// goroutine.
func (u *App) onSyncStatus(st syncagent.Status) {
	webBefore := u.syncStatus.WebRequests
	u.syncStatus = st
	if st.Revoked {
		u.revoked()
		return
	}
	if u.sess == nil {
		return // the login screen: only a revocation matters
	}
	if u.shell != nil && u.shell.indicator != nil {
		u.shell.indicator.Set(st)
	}
	if u.shell != nil && u.shell.nav != nil && st.WebRequests != webBefore {
		u.shell.nav.Refresh()
	}
	u.showFirstSync(st)
	if t := u.sync.takeout; t != nil {
		switch {
		case st.State == syncagent.StateSyncing:
			t.seen = true
		case t.seen || st.Err != nil:
			u.sync.takeout = nil
			u.takeoutDone(t, st)
		}
	}
}

// syncNow asks the agent for a sync at once (今すぐ同期).
func (u *App) syncNow() {
	u.touch()
	if u.agent != nil {
		u.agent.SyncNow()
	}
}

// showFirstSync shows the first download of a PC that just joined in a
// dialog with a progress bar, while Status.First.
func (u *App) showFirstSync(st syncagent.Status) {
	if !st.First {
		u.closeFirstSync()
		return
	}
	if u.sync.first == nil {
		u.sync.firstBar = widget.NewProgressBar()
		label := widget.NewLabel(tr("この窓口のデータをサーバーから受け取っています。終わるまでお待ちください。"))
		label.Wrapping = fyne.TextWrapWord
		u.sync.first = dialog.NewCustomWithoutButtons(tr("最初の同期"), widgets.Sized(container.NewVBox(label, u.sync.firstBar), 460), u.win)
		u.sync.first.Show()
	}
	if st.Total > 0 {
		u.sync.firstBar.SetValue(min(float64(st.Done)/float64(st.Total), 1))
	}
}

func (u *App) closeFirstSync() {
	if u.sync.first != nil {
		u.sync.first.Hide()
		u.sync.first, u.sync.firstBar = nil, nil
	}
}

// beforeTakeout is 持ち出し前に同期: it syncs now and, once the sync ended,
// shows what the PC holds and when it last synced.
func (u *App) beforeTakeout() {
	if u.agent == nil || u.sync.takeout != nil {
		return
	}
	t := &takeout{label: widget.NewLabel(tr("同期しています。終わるまでお待ちください…")), bar: widget.NewProgressBarInfinite()}
	t.label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(tr("持ち出し前に同期"), tr("閉じる"), widgets.Sized(container.NewVBox(t.label, t.bar), 460), u.win)
	d.SetOnClosed(func() {
		if u.sync.takeout == t {
			u.sync.takeout = nil
		}
	})
	t.dialog = d
	u.sync.takeout = t
	d.Show()
	u.syncNow()
}

// takeoutCounts is what the PC holds for 持ち出し前に同期.
type takeoutCounts struct{ businesses, consultations int }

// takeoutDone counts the PC's records through the runner and shows them
// with the sync's outcome.
func (u *App) takeoutDone(t *takeout, st syncagent.Status) {
	o, s := u.office, u.sess
	lines := []string{tr("同期が終わりました。")}
	if st.Err != nil {
		lines = []string{tr("同期できませんでした: %s", u.syncMessage(st.Err))}
	}
	if st.LastSync.IsZero() {
		lines = append(lines, tr("最終同期: まだありません"))
	} else {
		lines = append(lines, tr("最終同期: %s", st.LastSync.In(record.JST()).Format("2006-01-02 15:04")))
	}
	if st.Pending > 0 {
		lines = append(lines, tr("未送信 %d 件", st.Pending))
	}
	widgets.Run(u.sessRun, func(ctx context.Context) (takeoutCounts, error) {
		var c takeoutCounts
		bs, err := o.Businesses(ctx, s)
		if err != nil {
			return c, err
		}
		cs, err := o.Consultations(ctx, s, office.ConsultationFilter{})
		c.businesses, c.consultations = len(bs), len(cs)
		return c, err
	}, func(c takeoutCounts, err error) {
		if err != nil {
			log.Printf("ui: takeout counts: %v", err)
		} else {
			lines = append(lines, tr("このパソコンにある記録: 事業者 %d 件、相談記録 %d 件", c.businesses, c.consultations))
		}
		t.bar.Stop()
		t.bar.Hide()
		t.label.SetText(strings.Join(lines, "\n"))
	})
}

// revoked closes the session of a PC an administrator revoked (the agent
// wiped its vault), returns to the first start and says why.
func (u *App) revoked() {
	u.unsubscribeSync()
	u.first = nil
	u.endSession()
	u.office = nil
	u.agent = nil
	u.syncStatus = syncagent.Status{}
	if u.firstStart() {
		u.showFirstStart()
	} else {
		u.showLogin("", "")
	}
	dialog.ShowInformation(tr("登録の取り消し"), tr("このパソコンは管理者によって登録を取り消されました。窓口データを消去しました。"), u.win)
}

// stopSync ends the agent's background sync with one last sync bounded by
// timeout, waiting for it (the window is closing).
func (u *App) stopSync(timeout time.Duration) {
	u.unsubscribeSync()
	if u.agent == nil || u.sess == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := u.agent.Stop(ctx); err != nil {
		log.Printf("ui: last sync: %v", err)
	}
}

// logoutSyncing logs out of a PC that syncs: the window says 送信中 while
// the agent's last sync runs (bounded by stopTimeout, off the UI
// goroutine), then logs out of the office and shows the login screen.
func (u *App) logoutSyncing() {
	agent, timeout := u.agent, u.stopTimeout
	u.leaveShell()
	bar := widget.NewProgressBarInfinite()
	label := widget.NewLabel(tr("未送信の記録を送信しています…"))
	u.win.SetMainMenu(nil)
	u.win.SetContent(container.NewCenter(widgets.Sized(container.NewVBox(label, bar), 480)))
	widgets.Run(u.run, func(ctx context.Context) (struct{}, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return struct{}{}, agent.Stop(ctx)
	}, func(_ struct{}, err error) {
		bar.Stop()
		if u.agent != agent {
			return // revoked meanwhile: the first start shows
		}
		u.logoutOffice()
		notice := "ログアウトしました。"
		if err != nil {
			log.Printf("ui: last sync: %v", err)
			notice = "ログアウトしました。送信できなかった記録は、次に同期したときに送信されます。"
		}
		u.showLogin("", notice)
	})
}
