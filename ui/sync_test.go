package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// errNetwork stands for an agent's error; syncSentence is the agent's
// sentence for any error (Options.Message).
var errNetwork = errors.New("dial tcp: connection refused")

func syncSentence(err error) string {
	return "サーバーに接続できません。（" + err.Error() + "）"
}

// testCode and testInfo are the enrollment code of the join tests and what
// Preview reads from it.
const testCode = "MADO1-ABCD-EFGH-IJKL"

var testInfo = syncagent.CodeInfo{Addr: "madoguchi.example.lg.jp:7443", Pin: "3f1a9c0d5e7b2468ace13579bdf02468ace13579bdf02468ace13579bdf02468"}

// syncApp is the window of a PC that syncs, with the fake agent; joined
// records the Join calls, and Join makes the vault as the real one does
// (here with office.Init and the test accounts).
type syncApp struct {
	*App
	agent  *uitest.Agent
	joined []string
}

// newSyncApp opens the window on to's folder with every sync option set.
func newSyncApp(t *testing.T, to *uitest.Office, a fyne.App) *syncApp {
	t.Helper()
	if a == nil {
		a = test.NewTempApp(t)
	}
	sa := &syncApp{App: newTestAppOn(t, a, to)}
	setSyncOptions(sa, to)
	return sa
}

// setSyncOptions gives sa.App the fake agent and every sync option.
func setSyncOptions(sa *syncApp, to *uitest.Office) {
	sa.agent = uitest.NewAgent(syncagent.Status{State: syncagent.StateSynced, LastSync: uitest.Now.Add(-5 * time.Minute)})
	u := sa.App
	u.opt.NewSyncAgent = func(*office.Office) SyncAgent { return sa.agent }
	u.opt.Message = syncSentence
	u.opt.Preview = func(code string) (syncagent.CodeInfo, error) {
		if code != testCode {
			return syncagent.CodeInfo{}, errors.New("bad code")
		}
		return testInfo, nil
	}
	u.opt.Join = func(_ context.Context, dir, code, name string) (string, error) {
		sa.joined = append(sa.joined, dir+"|"+code+"|"+name)
		if err := office.Init(dir, "kanri", "管理 花子", []byte(uitest.Password), to.Opt); err != nil {
			return "", err
		}
		return "港区 経営相談窓口", nil
	}
}

// TestSyncStartLockLogout: Start gets the session, login and password at
// login (and the password is cleared afterwards), the indicator follows
// the agent, Stop (the last sync) runs at lock before the session ends,
// and at logout while 送信中 shows.
func TestSyncStartLockLogout(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	if len(agent.Starts) != 1 || agent.Starts[0].Login != "uketsuke" || agent.Starts[0].Password != uitest.Password || agent.Starts[0].Session != u.sess {
		t.Fatalf("Start calls: %+v", agent.Starts)
	}
	if strings.Trim(string(agent.Passwords[0]), "\x00") != "" {
		t.Fatal("password not cleared after Start")
	}
	in := u.shell.indicator
	if in == nil || !in.Visible() || in.Text() != "同期済み（最終 09:55）" {
		t.Fatalf("indicator after login: %v", in)
	}
	agent.Set(syncagent.Status{State: syncagent.StateConflicts, Conflicts: 1})
	u.wait() // the status reaches the window through its runner
	items := in.Menu().Items
	if in.Text() != "競合 1 件" || len(items) != 2 || items[1].Label != "競合を開く" {
		t.Fatalf("conflicts: %q, menu %v", in.Text(), items)
	}
	items[1].Action()
	if u.shell.key != "conflicts" {
		t.Fatalf("競合を開く opened %q", u.shell.key)
	}
	u.wait()
	agent.Set(syncagent.Status{State: syncagent.StatePending, Pending: 3})
	u.wait() // the status reaches the window through its runner
	if in.Text() != "未送信 3 件" {
		t.Fatalf("indicator after a save: %q", in.Text())
	}
	test.Tap(in.Button)
	if c := u.win.Canvas().Overlays().Top(); c == nil {
		t.Fatal("no menu on tapping the indicator")
	}
	widgets.CloseTopOverlay(u.win.Canvas())
	in.Menu().Items[0].Action()
	if agent.SyncNows != 1 {
		t.Fatalf("今すぐ同期: %d SyncNow calls", agent.SyncNows)
	}
	// The lock shows at once; the session ends after the agent's last
	// sync, and an unlock typed meanwhile waits for it.
	agent.StopWait = make(chan struct{})
	locked := u.sess
	u.lockNow()
	if u.lockView == nil || u.sess != nil {
		t.Fatal("lock screen not shown at once")
	}
	if _, err := u.office.Venues(context.Background(), locked); err != nil {
		t.Fatalf("the session ended before the last sync: %v", err)
	}
	test.Type(u.lockView.password, uitest.Password)
	test.Tap(u.lockView.unlock)
	close(agent.StopWait)
	u.wait()
	if agent.SyncNows != 1 || agent.Stops != 1 || agent.Subscribers() != 1 {
		t.Fatalf("at lock: %d SyncNow, %d Stop, %d subscribers", agent.SyncNows, agent.Stops, agent.Subscribers())
	}
	if _, err := u.office.Venues(context.Background(), locked); !errors.Is(err, office.ErrNotLoggedIn) {
		t.Fatalf("the locked session after its last sync: %v", err)
	}
	if u.sess == nil || len(agent.Starts) != 2 || agent.Subscribers() != 1 {
		t.Fatalf("after unlocking: %d Start, %d subscribers", len(agent.Starts), agent.Subscribers())
	}
	agent.StopWait = make(chan struct{})
	u.logout()
	if !hasText(u.win.Content(), "未送信の記録を送信しています…") || u.sess != nil {
		t.Fatal("送信中 not shown during the last sync")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSyncing}) // no shell to show it: ignored
	close(agent.StopWait)
	u.wait()
	if agent.Stops != 2 || u.login == nil || u.login.notice.Text != "ログアウトしました。" {
		t.Fatalf("after logout: %d Stop, login %v", agent.Stops, u.login)
	}
}

// TestSyncLockThenOtherStaff: 別の職員でログイン on the lock screen while
// the locked session's last sync runs: the other person's login waits for
// it, and the locked session ends before theirs begins.
func TestSyncLockThenOtherStaff(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	agent.StopWait = make(chan struct{})
	locked := u.sess
	u.lockNow()
	test.Tap(u.lockView.other)
	f := u.login
	test.Type(f.id, "kanri")
	test.Type(f.password, uitest.Password)
	test.Tap(f.button)
	if u.sess != nil {
		t.Fatal("logged in before the locked session's last sync ended")
	}
	close(agent.StopWait)
	u.wait()
	if u.sess == nil || u.sess.Login() != "kanri" || agent.Stops != 1 {
		t.Fatalf("after the last sync: session %v, %d Stop", u.sess, agent.Stops)
	}
	if _, err := u.office.Venues(context.Background(), locked); !errors.Is(err, office.ErrNotLoggedIn) {
		t.Fatalf("the locked session: %v", err)
	}
	if _, err := u.office.Venues(context.Background(), u.sess); err != nil {
		t.Fatalf("the new session: %v", err)
	}
}

// TestSyncLogoutTimeout: a last sync that cannot end in time does not
// hold the window: logout ends after the timeout and says so.
func TestSyncLogoutTimeout(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.stopTimeout = 50 * time.Millisecond
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	agent.StopWait = make(chan struct{}) // never closed
	u.logout()
	u.wait()
	if u.login == nil || !strings.Contains(u.login.notice.Text, "次に同期したときに送信されます") {
		t.Fatal("logout did not end after the timeout")
	}
}

// TestSyncRevoked: a revoked PC closes the session, says so and shows the
// first start (its vault is gone).
func TestSyncRevoked(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	must(t, os.Remove(filepath.Join(to.Dir, office.KeyringFile))) // the agent wiped the vault
	agent.Set(syncagent.Status{State: syncagent.StateError, Err: errNetwork, Revoked: true})
	u.wait() // the status reaches the window through its runner
	if u.sess != nil || u.shell != nil || u.first == nil || u.agent != nil {
		t.Fatal("session not closed, or first start not shown")
	}
	if !hasText(u.win.Canvas().Overlays().Top(), "このパソコンは管理者によって登録を取り消されました。窓口データを消去しました。") {
		t.Fatal("revocation not explained")
	}
	if agent.Subscribers() != 0 {
		t.Fatal("still following the revoked PC's agent")
	}
}

// TestSyncRevokedWhileLocked: a revocation reported while the login
// screen shows (the window locked) closes it the same way.
func TestSyncRevokedWhileLocked(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	u.lockNow()
	must(t, os.Remove(filepath.Join(to.Dir, office.KeyringFile)))
	agent.Set(syncagent.Status{State: syncagent.StateError, Err: errNetwork, Revoked: true})
	u.wait() // the status reaches the window through its runner
	if u.login != nil || u.lockView != nil || u.locked != nil || u.first == nil || !hasText(u.win.Canvas().Overlays().Top(), "登録を取り消されました") {
		t.Fatal("revocation while locked not shown")
	}
}

// TestSyncFindingAndTakeout: a supervisor sees a server's tampering as
// such, and 持ち出し前に同期 syncs and then shows what the PC holds and
// the last sync.
func TestSyncFindingAndTakeout(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	logIn(t, u, "kantoku", uitest.Password)
	in := u.shell.indicator
	finding := errors.New("server withheld changes")
	agent.Set(syncagent.Status{State: syncagent.StateError, Err: finding, Finding: finding})
	u.wait() // the status reaches the window through its runner
	if in.Text() != "エラー: サーバーの不正を検出" || !strings.Contains(in.Detail(), "サーバーの不正を検出しました") {
		t.Fatalf("finding: %q / %q", in.Text(), in.Detail())
	}
	agent.Set(syncagent.Status{State: syncagent.StateSynced, LastSync: uitest.Now.Add(-time.Hour)})
	u.wait() // the status reaches the window through its runner
	var takeoutItem *fyne.MenuItem
	for _, it := range in.Menu().Items {
		if it.Label == "持ち出し前に同期" {
			takeoutItem = it
		}
	}
	if takeoutItem == nil {
		t.Fatal("no 持ち出し前に同期 for a supervisor")
	}
	takeoutItem.Action()
	if agent.SyncNows != 1 || u.sync.takeout == nil {
		t.Fatal("持ち出し前に同期 did not sync")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSyncing, Step: syncagent.StepPull, Done: 3, Total: 10})
	u.wait() // the status reaches the window through its runner
	if in.Text() != "同期中（受信）" {
		t.Fatalf("syncing: %q", in.Text())
	}
	agent.Set(syncagent.Status{State: syncagent.StateSynced, LastSync: uitest.Now})
	u.wait() // the status reaches the window through its runner
	u.wait()
	if u.sync.takeout != nil || !hasText(u.win.Canvas().Overlays().Top(), "このパソコンにある記録: 事業者 1 件、相談記録 0 件") ||
		!hasText(u.win.Canvas().Overlays().Top(), "最終同期: 2026-10-01 10:00") {
		t.Fatal("takeout result not shown")
	}
	// A receptionist: the finding is an error like others, no takeout.
	u.endSession()
	u.showLogin("", "")
	logIn(t, u, "uketsuke", uitest.Password)
	agent.Set(syncagent.Status{State: syncagent.StateError, Err: errNetwork, Finding: finding})
	u.wait() // the status reaches the window through its runner
	in = u.shell.indicator
	if strings.Contains(in.Text(), "不正") || !strings.HasPrefix(in.Text(), "エラー: サーバーに接続できません") {
		t.Fatalf("receptionist sees %q", in.Text())
	}
	for _, it := range in.Menu().Items {
		if it.Label == "持ち出し前に同期" {
			t.Fatal("持ち出し前に同期 offered to a receptionist")
		}
	}
}

// TestFirstStartJoin: a PC without a vault joins an office: the code's
// server and pin show before joining, then the login, then the first
// download's dialog while Status.First.
func TestFirstStartJoin(t *testing.T) {
	to := uitest.EmptyOffice(t, filepath.Join(t.TempDir(), "office"))
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	if u.first == nil || u.login != nil {
		t.Fatal("first start not shown on a missing vault")
	}
	test.Tap(u.first.join)
	j := u.first.joining
	test.Type(j.code, "WRONG")
	j.code.OnSubmitted(j.code.Text) // Enter checks the code
	u.wait()
	if j.preview != nil || !strings.Contains(j.message.Text, "bad code") {
		t.Fatalf("wrong code: %q", j.message.Text)
	}
	j.code.SetText(testCode)
	j.name.SetText("窓口PC-3")
	test.Tap(j.check)
	u.wait()
	if j.preview == nil || j.addr.Text != testInfo.Addr || !strings.HasPrefix(j.pin.Text, "3f1a 9c0d 5e7b") || !j.join.Visible() {
		t.Fatalf("preview not shown: %q %q", j.addr.Text, j.pin.Text)
	}
	j.name.OnSubmitted(j.name.Text) // Enter joins once checked
	u.wait()
	if len(sa.joined) != 1 || sa.joined[0] != to.Dir+"|"+testCode+"|窓口PC-3" {
		t.Fatalf("Join calls: %v", sa.joined)
	}
	if u.login == nil || !strings.Contains(u.login.notice.Text, "「港区 経営相談窓口」に参加しました") {
		t.Fatal("login not shown after joining")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSyncing, First: true, Step: syncagent.StepPull, Done: 1, Total: 4})
	u.wait() // the status reaches the window through its runner
	logIn(t, u, "kanri", uitest.Password)
	if u.sync.first == nil || u.sync.firstBar.Value != 0.25 {
		t.Fatal("first sync dialog not shown")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSyncing, First: true, Step: syncagent.StepPull, Done: 2, Total: 4})
	u.wait() // the status reaches the window through its runner
	if u.sync.firstBar.Value != 0.5 {
		t.Fatal("first sync progress not moved")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSynced, LastSync: uitest.Now})
	u.wait() // the status reaches the window through its runner
	if u.sync.first != nil || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("first sync dialog not closed")
	}
}

// qrCode is an enrollment code in the form a server writes, for reading
// from a QR image (CodeFromImage accepts only such a code).
const qrCode = "MDG1.bWFkb2d1Y2hpLmV4YW1wbGUubGcuanA6NzQ0Mw.AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw.yMO-ubSvqqWgm5aRjIeCfXhzbmlkX1pVUEtGQTw3Mi0"

// qrPNG is a PNG of a QR code of text.
func qrPNG(t *testing.T, text string) []byte {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 300, 300, nil)
	must(t, err)
	var b bytes.Buffer
	must(t, png.Encode(&b, m))
	return b.Bytes()
}

// TestFirstStartJoinQR: QR画像から読み取る puts the code read from the
// picked image in the field and checks it as 確認 does; an image without
// a QR code, a QR code of other text and a file that is no image each get
// their sentence, and cancelling the file dialog changes nothing.
func TestFirstStartJoinQR(t *testing.T) {
	to := uitest.EmptyOffice(t, filepath.Join(t.TempDir(), "office"))
	sa := newSyncApp(t, to, nil)
	u := sa.App
	fake := u.opt.Preview
	u.opt.Preview = func(code string) (syncagent.CodeInfo, error) {
		if code == qrCode {
			return testInfo, nil
		}
		return fake(code)
	}
	u.Start()
	test.Tap(u.first.join)
	j := u.first.joining
	if j.qr == nil || j.qr.Text != "QR画像から読み取る" {
		t.Fatal("no QR画像から読み取る in the join dialog")
	}
	var file []byte
	j.pickImage = func(done func(io.ReadCloser, error)) {
		if file == nil {
			done(nil, nil) // cancelled
			return
		}
		done(io.NopCloser(bytes.NewReader(file)), nil)
	}
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	var blankPNG bytes.Buffer
	must(t, png.Encode(&blankPNG, blank))
	for _, tc := range []struct {
		name, want string
		file       []byte
	}{
		{"no QR code", "画像にQRコードが見つかりませんでした。", blankPNG.Bytes()},
		{"other text", "このQRコードは窓口の登録コードではありません。", qrPNG(t, "https://www.city.example.lg.jp/")},
		{"not an image", "画像を読み込めませんでした。PNG または JPEG の画像を選んでください。", []byte("MDG1.not an image")},
	} {
		file = tc.file
		test.Tap(j.qr)
		u.wait()
		if j.preview != nil || j.code.Text != "" || !strings.HasPrefix(j.message.Text, tc.want) {
			t.Errorf("%s: code %q, message %q", tc.name, j.code.Text, j.message.Text)
		}
	}
	file = nil
	test.Tap(j.qr)
	u.wait()
	if j.code.Text != "" || j.preview != nil {
		t.Fatal("a cancelled pick changed the dialog")
	}
	file = qrPNG(t, qrCode)
	test.Tap(j.qr)
	u.wait()
	if j.code.Text != qrCode || j.preview == nil || j.addr.Text != testInfo.Addr || !strings.HasPrefix(j.pin.Text, "3f1a 9c0d 5e7b") ||
		!j.join.Visible() || j.message.Text != "" {
		t.Fatalf("code %q, preview %v, message %q", j.code.Text, j.preview, j.message.Text)
	}
	j.name.SetText("窓口PC-4")
	test.Tap(j.join)
	u.wait()
	if len(sa.joined) != 1 || sa.joined[0] != to.Dir+"|"+qrCode+"|窓口PC-4" {
		t.Fatalf("Join calls: %v", sa.joined)
	}
}

// TestFirstStartCreate: 新しい窓口を作る makes the vault with its first
// administrator, who then logs in.
func TestFirstStartCreate(t *testing.T) {
	to := uitest.EmptyOffice(t, filepath.Join(t.TempDir(), "office"))
	sa := newSyncApp(t, to, nil)
	u := sa.App
	u.Start()
	test.Tap(u.first.create)
	c := u.first.creating
	test.Type(c.login, "tanaka")
	test.Type(c.name, "田中 一")
	test.Type(c.pw1, uitest.Password)
	test.Type(c.pw2, uitest.Password+"x")
	c.pw2.OnSubmitted("")
	if !strings.Contains(c.message.Text, "一致しません") {
		t.Fatalf("mismatch: %q", c.message.Text)
	}
	c.pw2.SetText(uitest.Password)
	test.Tap(c.form.OK)
	u.wait()
	if u.login == nil || u.login.id.Text != "tanaka" {
		t.Fatal("login not shown after creating the vault")
	}
	test.Type(u.login.password, uitest.Password)
	test.Tap(u.login.button)
	u.wait()
	if u.sess == nil || !u.sess.HasRole(office.RoleAdmin) {
		t.Fatal("the first administrator cannot log in")
	}
}

// TestNoSyncStartsAsBefore: without the sync options the window shows no
// indicator and a missing vault is said on the login screen, as before.
func TestNoSyncStartsAsBefore(t *testing.T) {
	to := uitest.EmptyOffice(t, filepath.Join(t.TempDir(), "office"))
	u := newTestApp(t, to)
	u.Start()
	if u.first != nil || u.login == nil || u.login.message.Text != office.Message(office.ErrNoVault) {
		t.Fatal("missing vault not shown on the login screen")
	}
	to2 := uitest.NewOffice(t, "", uitest.Counter)
	u2 := newTestApp(t, to2)
	u2.Start()
	logIn(t, u2, "kanri", uitest.Password)
	if u2.shell.indicator != nil {
		t.Fatal("indicator shown on a PC that does not sync")
	}
	for _, sc := range u2.shell.screens {
		if sc.Key == "conflicts" || sc.Key == "devices" {
			t.Fatalf("sync screen %s on a PC that does not sync", sc.Key)
		}
	}
}

// hasText reports whether o shows text in a label (or holds it in an
// entry), anywhere inside.
func hasText(o fyne.CanvasObject, text string) bool {
	found := false
	uitest.Walk(o, func(x fyne.CanvasObject) {
		switch x := x.(type) {
		case *widget.Label:
			found = found || strings.Contains(x.Text, text)
		case *widget.Entry:
			found = found || strings.Contains(x.Text, text)
		}
	})
	return found
}

// TestGoldenSync captures, in Japanese and English, the first-start
// screen, the join dialog with the checked code's server and pin, and the
// shell's top bar with the indicator (conflicts waiting).
func TestGoldenSync(t *testing.T) {
	for _, l := range []string{LangJapanese, LangEnglish} {
		t.Run(l, func(t *testing.T) {
			t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefLanguage, l)
			to := uitest.EmptyOffice(t, uitest.FixedDir(t, "join"))
			sa := newSyncApp(t, to, a)
			u := sa.App
			u.Start()
			u.win.Canvas().Unfocus()
			test.AssertImageMatches(t, "first_start_"+l+".png", u.win.Canvas().Capture())
			test.Tap(u.first.join)
			j := u.first.joining
			j.code.SetText(testCode)
			j.name.SetText("相談室B ノートPC")
			test.Tap(j.check)
			u.wait()
			u.win.Canvas().Unfocus()
			test.AssertImageMatches(t, "join_"+l+".png", u.win.Canvas().Capture())
			test.Tap(j.join)
			u.wait()
			sa.agent.Set(syncagent.Status{State: syncagent.StateConflicts, Conflicts: 2, LastSync: uitest.Now})
			sa.App.wait() // the status reaches the window through its runner
			logIn(t, u, "kanri", uitest.Password)
			u.shell.openKey("devices")
			u.wait()
			u.win.Canvas().Unfocus()
			test.AssertImageMatches(t, "shell_sync_"+l+".png", u.win.Canvas().Capture())
		})
	}
}

// TestWebRequestsInNavigation: the navigation counts the web booking
// requests that sync brought and nobody has handled yet.
func TestWebRequestsInNavigation(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	sa := newSyncApp(t, to, nil)
	u, agent := sa.App, sa.agent
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	if !uitest.HasLabel(u.shell.nav, "ウェブ予約") {
		t.Fatal("no ウェブ予約 in the navigation")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSynced, WebRequests: 2})
	u.wait()
	if !uitest.HasLabel(u.shell.nav, "ウェブ予約（2件）") {
		t.Fatal("the navigation does not count two new web requests")
	}
	agent.Set(syncagent.Status{State: syncagent.StateSynced})
	u.wait()
	if !uitest.HasLabel(u.shell.nav, "ウェブ予約") || uitest.HasLabel(u.shell.nav, "ウェブ予約（2件）") {
		t.Fatal("the count stays after the requests were handled")
	}
}
