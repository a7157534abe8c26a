package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncagent/synctest"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// The generated staff of the office that syncs.
var (
	serverAdmin      = synctest.Person{Login: "kanri", Name: "管理 花子", Password: "admin-password-dummy-1", Role: office.RoleAdmin}
	serverConsultant = synctest.Person{Login: "soudan", Name: "相談 一郎", Password: "staff-password-dummy-1", Role: office.RoleConsultant}
)

// syncedWindow is a window on a PC whose vault syncs with a real server,
// with the real agent; states records every state its agent reported.
type syncedWindow struct {
	*App
	t      *testing.T
	mu     sync.Mutex
	states []syncagent.State
}

// newSyncedWindow opens a window on dir (which need not exist yet) whose
// agent talks to the server of the vault's credentials.
func newSyncedWindow(t *testing.T, dir string) *syncedWindow {
	t.Helper()
	w := &syncedWindow{t: t}
	to := &uitest.Office{Dir: dir, Opt: office.Options{KDF: vault.TestKDF()}}
	u := newTestAppOn(t, test.NewTempApp(t), to)
	u.opt.NewSyncAgent = func(o *office.Office) SyncAgent {
		a := syncagent.New(o, syncagent.Options{Interval: time.Hour, KDF: vault.TestKDF(), CountEvery: 50 * time.Millisecond})
		// The states are recorded as the window receives them (through
		// its runner, in order with the window's own copy): a state the
		// agent reported but the window has not shown yet is not seen.
		run := w.run
		a.Subscribe(func(st syncagent.Status) {
			run.Post(func() {
				w.mu.Lock()
				defer w.mu.Unlock()
				if n := len(w.states); n == 0 || w.states[n-1] != st.State {
					w.states = append(w.states, st.State)
				}
			})
		})
		return a
	}
	u.opt.Message = syncagent.Message
	u.opt.Preview = syncagent.Preview
	u.opt.Join = syncagent.Join
	w.App = u
	return w
}

// status is the status the window shows.
func (w *syncedWindow) status() syncagent.Status {
	var st syncagent.Status
	fyne.DoAndWait(func() { st = w.syncStatus })
	return st
}

// waitFor waits until the window shows a status for which cond holds.
func (w *syncedWindow) waitFor(what string, cond func(syncagent.Status) bool) {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.wait()
		st := w.status()
		if cond(st) {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %s; the window shows %+v", what, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncNow syncs through the indicator's menu item 今すぐ同期 and waits for
// the sync to end in a state for which cond holds.
func (w *syncedWindow) syncNow(what string, cond func(syncagent.Status) bool) {
	w.t.Helper()
	w.mu.Lock()
	w.states = nil
	w.mu.Unlock()
	menu := w.shell.indicator.Menu()
	i := slices.IndexFunc(menu.Items, func(it *fyne.MenuItem) bool { return it.Label == "今すぐ同期" })
	if i < 0 {
		w.t.Fatal("the indicator offers no 今すぐ同期")
	}
	menu.Items[i].Action()
	w.waitFor(what, func(st syncagent.Status) bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return slices.Contains(w.states, syncagent.StateSyncing) && st.State != syncagent.StateSyncing && cond(st)
	})
}

// hasButton reports whether o shows an enabled button labelled text.
func hasButton(o fyne.CanvasObject, text string) bool {
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() && !b.Disabled() {
			return true
		}
	}
	return false
}

func synced(st syncagent.Status) bool { return st.State == syncagent.StateSynced }

// reopen builds the screen of key anew (as a click in the navigation
// does after another screen) and waits for what it loads.
func (w *syncedWindow) reopen(key string) {
	w.t.Helper()
	for i, sc := range w.shell.screens {
		if sc.Key == key {
			w.shell.open(i)
			w.wait()
			return
		}
	}
	w.t.Fatalf("no screen %s for this session", key)
}

// overlayButton taps the button labelled text on the window's top dialog.
func (w *syncedWindow) overlayButton(text string) {
	w.t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		w.t.Fatalf("no dialog open to tap %s", text)
	}
	test.Tap(uitest.Button(w.t, top, text))
	w.wait()
}

// screenList is the list of the rows of the screen shown.
func (w *syncedWindow) screenList() *widget.List {
	w.t.Helper()
	var l *widget.List
	uitest.Walk(w.shell.current, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.List); ok && l == nil {
			l = x
		}
	})
	if l == nil {
		w.t.Fatal("no list on the screen")
	}
	return l
}

func (w *syncedWindow) business(name string) *record.Business {
	w.t.Helper()
	bs, err := w.office.Businesses(context.Background(), w.sess)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, s := range bs {
		if s.Name == name {
			b, err := w.office.Business(context.Background(), w.sess, s.ID)
			if err != nil {
				w.t.Fatal(err)
			}
			return b
		}
	}
	return nil
}

// TestSyncWindowsWithServer is the office of two PCs in the window, on a
// real server on 127.0.0.1: the administrator issues an enrollment code
// on the 端末 screen, a new PC joins with it through the first-start
// dialog and receives the records; both edit and converge; a PC offline
// says so and catches up; a field edited on both is resolved on the 競合
// screen; and the revoked PC is wiped at its next contact and starts
// over.
func TestSyncWindowsWithServer(t *testing.T) {
	c := synctest.Start(t, "テスト区 経営相談窓口")
	dirA, dirB := filepath.Join(t.TempDir(), "A"), filepath.Join(t.TempDir(), "B")
	synctest.Founder(t, c, dirA, "管理者PC", office.Options{KDF: vault.TestKDF()}, serverAdmin, serverConsultant)

	// PC A: the administrator logs in; the first sync is quiet.
	a := newSyncedWindow(t, dirA)
	a.Start()
	logIn(t, a.App, serverAdmin.Login, serverAdmin.Password)
	a.waitFor("A synced", synced)
	if !strings.HasPrefix(a.shell.indicator.Text(), "同期済み") {
		t.Fatalf("A's indicator: %q", a.shell.indicator.Text())
	}
	ctx := context.Background()
	b0 := &record.Business{Name: "稲穂若葉商店", Kana: "イナホワカバショウテン", Phone: "03-5550-0101", Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区", Email: "info@example.jp"}
	must(t, a.office.SaveBusiness(ctx, a.sess, b0, office.SaveBusinessOptions{}))
	a.syncNow("A sent its business", synced)

	// The 端末 screen issues a code.
	a.reopen("devices")
	test.Tap(uitest.Button(t, a.shell.current, "登録コードを発行"))
	a.overlayButton("発行する")
	var code string
	uitest.Walk(a.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && code == "" {
			code = e.Text
		}
	})
	if _, err := syncagent.Preview(code); err != nil {
		t.Fatalf("the code the 端末 screen shows (%q): %v", code, err)
	}
	a.overlayButton("閉じる")

	// PC B joins with it through the first start, and the consultant logs
	// in: the first download brings A's business.
	b := newSyncedWindow(t, dirB)
	b.Start()
	if b.first == nil {
		t.Fatal("no first start on the new PC")
	}
	test.Tap(b.first.join)
	j := b.first.joining
	test.Type(j.code, code)
	j.name.SetText("相談室PC")
	test.Tap(j.check)
	b.wait()
	if j.addr.Text != c.ID.Addr {
		t.Fatalf("the join dialog shows server %q, want %q", j.addr.Text, c.ID.Addr)
	}
	test.Tap(j.join)
	b.wait()
	if b.login == nil || !strings.Contains(b.login.notice.Text, "テスト区 経営相談窓口") {
		t.Fatal("no login after joining")
	}
	logIn(t, b.App, serverConsultant.Login, serverConsultant.Password)
	b.waitFor("B's first download", synced)
	if got := b.business("稲穂若葉商店"); got == nil || got.Phone != b0.Phone {
		t.Fatalf("B after its first download: %+v", got)
	}

	// Both edit; each sync brings the other's.
	b1 := &record.Business{Name: "港北ベーカリー", Kana: "コウホクベーカリー", Phone: "045-555-0102", Form: "個人事業主", Category: "小規模事業者",
		Industry: "E 製造業", Prefecture: "神奈川県", City: "よこはま市", Email: "pan@example.jp"}
	must(t, b.office.SaveBusiness(ctx, b.sess, b1, office.SaveBusinessOptions{}))
	b.waitFor("B's indicator counts the business to send", func(st syncagent.Status) bool {
		return st.State == syncagent.StatePending && st.Pending > 0
	})
	if got := b.shell.indicator.Text(); !strings.HasPrefix(got, "未送信") {
		t.Fatalf("B's indicator with a record to send: %q", got)
	}
	b.syncNow("B sent its business", synced)
	a.syncNow("A received it", synced)
	if a.business("港北ベーカリー") == nil {
		t.Fatal("A does not have B's business")
	}

	// The server goes away: B says so and keeps working, then catches up.
	c.Stop()
	b1 = b.business("港北ベーカリー")
	b1.Employees = 4
	must(t, b.office.SaveBusiness(ctx, b.sess, b1, office.SaveBusinessOptions{}))
	b.syncNow("B offline", func(st syncagent.Status) bool { return st.State == syncagent.StateOffline })
	if got := b.shell.indicator.Text(); got != "オフライン" {
		t.Fatalf("B's indicator while the server is away: %q", got)
	}
	c.Restart()
	b.syncNow("B back", synced)
	a.syncNow("A has B's offline edit", synced)
	if got := a.business("港北ベーカリー"); got == nil || got.Employees != 4 {
		t.Fatalf("A after B's offline edit: %+v", got)
	}

	// One field edited on both PCs: 競合 on the PC that syncs second,
	// resolved on its 競合 screen.
	ba, bb := a.business("稲穂若葉商店"), b.business("稲穂若葉商店")
	ba.City, bb.City = "きた区", "みなみ区"
	must(t, a.office.SaveBusiness(ctx, a.sess, ba, office.SaveBusinessOptions{}))
	must(t, b.office.SaveBusiness(ctx, b.sess, bb, office.SaveBusinessOptions{}))
	a.syncNow("A sent its edit", synced)
	b.syncNow("B in conflict", func(st syncagent.Status) bool { return st.State == syncagent.StateConflicts && st.Conflicts == 1 })
	if got := b.shell.indicator.Text(); got != "競合 1 件" {
		t.Fatalf("B's indicator with a conflict: %q", got)
	}
	b.reopen("conflicts")
	b.screenList().Select(0)
	b.wait()
	var radio *widget.RadioGroup
	uitest.Walk(b.shell.current, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && radio == nil {
			radio = r
		}
	})
	if radio == nil {
		t.Fatal("the conflict view offers no choice")
	}
	var pick string
	for _, o := range radio.Options {
		if strings.HasPrefix(o, "A") || strings.HasPrefix(o, "B") {
			pick = o // the first side's value
			break
		}
	}
	radio.SetSelected(pick)
	test.Tap(uitest.Button(t, b.shell.current, "解決して保存"))
	b.wait()
	b.syncNow("B resolved", synced)
	a.syncNow("A has the resolution", synced)
	ca, cb := a.business("稲穂若葉商店").City, b.business("稲穂若葉商店").City
	if ca != cb || (ca != "きた区" && ca != "みなみ区") {
		t.Fatalf("after the resolution A has %q, B %q", ca, cb)
	}

	// The administrator revokes PC B on the 端末 screen; at its next
	// contact B wipes its vault and starts over.
	a.reopen("devices")
	l := a.screenList()
	for i := range l.Length() {
		l.Select(i)
		a.wait()
		if hasButton(a.shell.current, "この端末を無効化: 相談室PC") {
			test.Tap(uitest.FindButton(t, a.shell.current, "この端末を無効化: 相談室PC"))
			break
		}
	}
	a.overlayButton("無効化する")
	b.syncNow("B revoked", func(syncagent.Status) bool { return true })
	deadline := time.Now().Add(30 * time.Second)
	for b.first == nil {
		if time.Now().After(deadline) {
			t.Fatalf("B did not start over after its revocation; status %+v", b.status())
		}
		time.Sleep(20 * time.Millisecond)
		b.wait()
	}
	if office.Exists(dirB) {
		t.Fatal("B's vault is still there after its revocation")
	}
	// A goes on.
	a.syncNow("A after the revocation", synced)
}
