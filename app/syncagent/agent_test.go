package syncagent_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

const fast = 150 * time.Millisecond

// TestTwoPCs follows an office with two PCs whose windows run agents: a
// PC joins and its first sync is a first download with progress; edits on
// both converge through the background loop; the server stops and the
// agents go offline and come back; edits of the same field become a
// conflict; Stop sends the last edits; the administrator's operations
// refuse a receptionist (on the PC and on the server); an administrator
// lists the devices, issues a code that a third PC joins with, and
// revokes the second PC, which wipes itself at its next sync.
func TestTwoPCs(t *testing.T) {
	c := startCentral(t)
	ctx := context.Background()
	dirA := founder(t, c)
	founderSalt := loginSaltOf(t, dirA, "kanri")
	a := openPC(t, dirA, "uketsuke", syncagent.Options{Interval: fast})
	x := a.newBusiness("青空商店", "アオゾラショウテン", "03-5555-0101")
	a.newBusiness("三日月製作所", "ミカヅキセイサクショ", "03-5555-0303")
	a.newBusiness("若葉食堂", "ワカバショクドウ", "03-5555-0404")
	a.a.SyncNow()
	waitFor(t, "A synced", func() bool {
		st := a.a.Status()
		return st.State == syncagent.StateSynced && st.Pending == 0 || st.State == syncagent.StateSynced && !st.LastSync.IsZero()
	})

	// B joins with a code (Preview first) and its person's first login
	// downloads the office's records.
	code := c.Code(false)
	info, err := syncagent.Preview(code)
	if err != nil || info.Addr != c.ID.Addr || info.Pin != c.ID.PinText() {
		t.Fatalf("preview: %+v %v", info, err)
	}
	dirB := filepath.Join(t.TempDir(), "B")
	name, err := syncagent.Join(ctx, dirB, code, "相談PC")
	if err != nil || name != "テスト区 経営相談窓口" {
		t.Fatalf("join: %q %v", name, err)
	}
	if _, err := syncagent.Join(ctx, dirB, code, "相談PC"); !errors.Is(err, office.ErrVaultExists) {
		t.Fatalf("join again: %v", err)
	}
	revokedCalls := 0
	var b *pc
	b = openPC(t, dirB, "soudan", syncagent.Options{Interval: fast, OnRevoked: func() {
		revokedCalls++
		// The window ends the session: Stop returns at once here.
		if err := b.a.Stop(ctx); err != nil {
			t.Errorf("stop in OnRevoked: %v", err)
		}
		if err := b.o.Logout(); err != nil {
			t.Errorf("logout in OnRevoked: %v", err)
		}
	}})
	waitFor(t, "B's first download", func() bool { return b.city(x) == "みなと区" })
	if !b.rec.seen(func(s syncagent.Status) bool {
		return s.First && s.State == syncagent.StateSyncing && s.Step == syncagent.StepPull && s.Total > 0
	}) {
		t.Fatalf("no first download with progress: %+v", b.rec.all)
	}
	waitFor(t, "B synced", func() bool { return b.a.Status().State == syncagent.StateSynced })
	if st := b.a.Status(); st.First || st.LastSync.IsZero() || st.Err != nil {
		t.Fatalf("B after the first download: %+v", st)
	}

	t.Run("converge", func(t *testing.T) {
		y := b.newBusiness("北風商会", "キタカゼショウカイ", "03-5555-0505")
		a.setCity(x, "さくら市")
		waitFor(t, "A's edit on B", func() bool { return b.city(x) == "さくら市" })
		waitFor(t, "B's business on A", func() bool { return a.city(y) == "みなと区" })
		if !a.rec.seen(func(s syncagent.Status) bool { return s.State == syncagent.StateSyncing }) ||
			!a.rec.seen(func(s syncagent.Status) bool { return s.State == syncagent.StateSynced }) {
			t.Fatal("A's status never went Syncing → Synced")
		}
	})

	t.Run("offline", func(t *testing.T) {
		c.Stop()
		a.setCity(x, "もみじ町")
		a.a.SyncNow()
		waitFor(t, "A offline", func() bool {
			st := a.a.Status()
			return st.State == syncagent.StateOffline && st.Pending > 0
		})
		st := a.a.Status()
		if !errors.Is(st.Err, syncclient.ErrUnreachable) || !strings.Contains(syncagent.Message(st.Err), "サーバーに接続できません") {
			t.Fatalf("offline status: %+v %q", st, syncagent.Message(st.Err))
		}
		// A logout and a login while the server cannot be reached: the
		// keys are derived without it.
		a.logout()
		a.rec.mu.Lock()
		a.rec.all = nil
		a.rec.mu.Unlock()
		a.start("uketsuke")
		waitFor(t, "A offline after a login", func() bool {
			return a.rec.seen(func(s syncagent.Status) bool { return s.State == syncagent.StateOffline })
		})
		c.Restart()
		waitFor(t, "A back", func() bool { return a.a.Status().State == syncagent.StateSynced })
		waitFor(t, "the edit on B", func() bool { return b.city(x) == "もみじ町" })
	})

	t.Run("conflicts", func(t *testing.T) {
		c.Stop()
		a.setCity(x, "あおば市")
		b.setCity(x, "ひまわり市")
		c.Restart()
		a.a.SyncNow()
		b.a.SyncNow()
		waitFor(t, "conflicts on both", func() bool {
			sa, sb := a.a.Status(), b.a.Status()
			return sa.State == syncagent.StateConflicts && sa.Conflicts == 1 && sb.State == syncagent.StateConflicts && sb.Conflicts == 1
		})
		for _, p := range []*pc{a, b} {
			if cs, err := p.o.Conflicts(ctx, p.s); err != nil || len(cs) != 1 || cs[0].ID != x {
				t.Fatalf("the 競合 list: %+v %v", cs, err)
			}
		}
	})

	t.Run("stop sends the last edits", func(t *testing.T) {
		z := a.newBusiness("小春工房", "コハルコウボウ", "03-5555-0606")
		a.logout()
		waitFor(t, "the last edit on B", func() bool { return b.city(z) == "みなと区" })
		if err := a.a.Stop(ctx); err != nil {
			t.Fatalf("second stop: %v", err)
		}
	})

	t.Run("administrator's operations refused to a receptionist", func(t *testing.T) {
		t0 := time.Now()
		a.start("uketsuke")
		defer a.logout()
		waitFor(t, "A synced", func() bool { return a.a.Status().LastSync.After(t0) })
		if _, err := a.a.IssueCode(ctx, 0); !errors.Is(err, office.ErrForbidden) {
			t.Errorf("IssueCode: %v", err)
		}
		if err := a.a.Revoke(ctx, "d-whatever"); !errors.Is(err, office.ErrForbidden) {
			t.Errorf("Revoke: %v", err)
		}
		if _, err := a.a.Devices(ctx); !errors.Is(err, office.ErrForbidden) {
			t.Errorf("Devices: %v", err)
		}
		// The insider: a receptionist's own server session calling the
		// server's routes directly.
		creds, err := syncclient.Load(dirA)
		if err != nil {
			t.Fatal(err)
		}
		cl := syncclient.New(creds)
		defer cl.Close()
		se, err := cl.Login(ctx, "uketsuke", staffPW)
		if err != nil {
			t.Fatal(err)
		}
		bCreds, _ := syncclient.Load(dirB)
		for _, tc := range []struct {
			name string
			call func() error
		}{
			{"issue a code", func() error { _, err := cl.IssueCode(ctx, se, 0); return err }},
			{"revoke", func() error { return cl.RevokeDevice(ctx, se, bCreds.Device) }},
			{"devices", func() error { _, err := cl.Devices(ctx, se); return err }},
		} {
			if err := tc.call(); !errors.Is(err, syncclient.ErrForbidden) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	})

	t.Run("administrator", func(t *testing.T) {
		t0 := time.Now()
		a.start("kanri")
		waitFor(t, "A synced as kanri", func() bool { return a.a.Status().LastSync.After(t0) })
		// The admin's server login, registered with the first-admin code,
		// was used with the key derived from the salt kept on this PC: not
		// registered again.
		if salt := loginSaltOf(t, dirA, "kanri"); string(salt) != string(founderSalt) {
			t.Fatal("the admin's server login was registered again")
		}
		ds, err := a.a.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bCreds, _ := syncclient.Load(dirB)
		var this, other bool
		for _, d := range ds {
			if d.This {
				this = !d.LastContact.IsZero() && d.Name == "管理者PC"
			}
			if d.ID == bCreds.Device {
				other = !d.LastContact.IsZero() && !d.Revoked && d.Name == "相談PC"
			}
		}
		if !this || !other {
			t.Fatalf("devices: %+v", ds)
		}
		if _, err := a.a.IssueCode(ctx, 5*time.Minute); !errors.Is(err, syncclient.ErrBadCodeLife) {
			t.Fatalf("a code of 5 minutes: %v", err)
		}
		ic, err := a.a.IssueCode(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(ic.Expires); d < 23*time.Hour || d > 25*time.Hour || ic.Server != "テスト区 経営相談窓口" || ic.Pin != c.ID.PinText() {
			t.Fatalf("issued code: %+v", ic)
		}
		dirC := filepath.Join(t.TempDir(), "C")
		if _, err := syncagent.Join(ctx, dirC, ic.Code, "第三PC"); err != nil {
			t.Fatalf("join with the issued code: %v", err)
		}
		if err := a.a.Revoke(ctx, "d-unknown"); !errors.Is(err, syncclient.ErrUnknownDevice) {
			t.Fatalf("revoke an unknown device: %v", err)
		}
	})

	t.Run("revoke", func(t *testing.T) {
		bCreds, _ := syncclient.Load(dirB)
		if err := a.a.Revoke(ctx, bCreds.Device); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "B revoked", func() bool { return b.a.Status().Revoked })
		st := b.a.Status()
		if revokedCalls != 1 || st.State != syncagent.StateError || !errors.Is(st.Err, syncclient.ErrRevoked) ||
			!strings.Contains(syncagent.Message(st.Err), "消去しました") {
			t.Fatalf("B after the revocation: calls %d, %+v, %q", revokedCalls, st, syncagent.Message(st.Err))
		}
		if office.Exists(dirB) {
			t.Fatal("B's vault still there")
		}
		if _, err := syncclient.Load(dirB); !errors.Is(err, syncclient.ErrNotEnrolled) {
			t.Fatalf("B's credentials: %v", err)
		}
		if err := b.a.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := a.a.Revoke(ctx, mustDevice(t, dirA)); !errors.Is(err, syncclient.ErrOwnDevice) {
			t.Fatalf("revoke this PC: %v", err)
		}
	})

	t.Run("logout without Stop", func(t *testing.T) {
		if err := a.o.Logout(); err != nil {
			t.Fatal(err)
		}
		a.a.SyncNow()
		waitFor(t, "the loop's end", func() bool { return errors.Is(a.a.Status().Err, office.ErrNotLoggedIn) })
		if err := a.a.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if st := a.a.Status(); st.State != syncagent.StateError || syncagent.Message(st.Err) != office.Message(st.Err) {
			t.Fatalf("status: %+v", st)
		}
	})
}

// loginSaltOf returns login's salt on the server.
func loginSaltOf(t *testing.T, dir, login string) []byte {
	t.Helper()
	creds, err := syncclient.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cl := syncclient.New(creds)
	defer cl.Close()
	salt, _, err := cl.LoginSalt(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return salt
}

func mustDevice(t *testing.T, dir string) string {
	t.Helper()
	creds, err := syncclient.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return creds.Device
}

// TestNotEnrolled: a single-PC vault's agent shows StateNotEnrolled and
// does nothing.
func TestNotEnrolled(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "V")
	if err := office.Init(dir, "kanri", "管理 花子", []byte(adminPW), officeOptions()); err != nil {
		t.Fatal(err)
	}
	o, err := office.Open(dir, officeOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	s, err := o.Login(context.Background(), "kanri", []byte(adminPW))
	if err != nil {
		t.Fatal(err)
	}
	ag := syncagent.New(o, syncagent.Options{KDF: vault.TestKDF()})
	ag.Start(s, "kanri", []byte(adminPW))
	ag.SyncNow()
	if err := ag.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := ag.Status(); st.State != syncagent.StateNotEnrolled {
		t.Fatalf("status: %+v", st)
	}
	if _, err := ag.Devices(context.Background()); !errors.Is(err, syncclient.ErrNotEnrolled) {
		t.Fatalf("devices: %v", err)
	}
}

// TestPreview: a mistyped code is refused without the network, with the
// sentence that says so.
func TestPreview(t *testing.T) {
	good := server.Code{Addr: "madoguchi.example.jp:8443", Token: [32]byte{1}}.String()
	for _, tc := range []struct{ name, code string }{
		{"empty", ""},
		{"garbage", "こんにちは"},
		{"no prefix", strings.TrimPrefix(good, "MDG1.")},
		{"cut", good[:len(good)-5]},
		{"typo", strings.Replace(good, ".", ",", 1)},
		{"extra part", good + ".AAAA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := syncagent.Preview(tc.code)
			if !errors.Is(err, server.ErrBadCode) || !strings.Contains(syncagent.Message(err), "登録コードが正しくありません") {
				t.Fatalf("%q: %v %q", tc.code, err, syncagent.Message(err))
			}
		})
	}
	info, err := syncagent.Preview("  " + good + "\n")
	if err != nil || info.Addr != "madoguchi.example.jp:8443" || len(info.Pin) != 43 {
		t.Fatalf("good code: %+v %v", info, err)
	}
}

// TestMessage: every error of a sync has its own sentence; a wrapped one
// keeps it; the vault's errors keep office's.
func TestMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{syncclient.ErrUnreachable, "サーバーに接続できません"},
		{context.DeadlineExceeded, "時間内にありませんでした"},
		{syncclient.ErrRefused, "接続を拒否しました"},
		{&syncclient.RevokedError{}, "管理者によって取り消されました"},
		{syncagent.ErrWiped, "消去しました"},
		{syncclient.ErrLoginFailed, "ログインに失敗しました"},
		{syncagent.ErrPasswordChanged, "もう一度ログインしてください"},
		{syncclient.ErrRegisterRefused, "登録を受け付けませんでした"},
		{syncclient.ErrForbidden, "管理者として登録された人だけ"},
		{syncclient.ErrOwnDevice, "この端末の登録は取り消せません"},
		{syncclient.ErrBadCodeLife, "10分から7日"},
		{syncproto.ErrWithheld, "保留・隠蔽の疑い"},
		{syncproto.ErrDropped, "削除の疑い"},
		{syncproto.ErrReordered, "順序が入れ替わっています"},
		{syncproto.ErrReplayed, "再送・なりすましの疑い"},
		{syncproto.ErrRolledBack, "巻き戻しの疑い"},
		{syncproto.ErrForked, "分岐・すり替えの疑い"},
		{syncproto.ErrTampered, "署名または内容が一致しません"},
		{syncclient.ErrChainBroken, "変更履歴と、このパソコンの記録が一致しません"},
		{errors.New("anything else"), "同期できませんでした"},
	} {
		got := syncagent.Message(tc.err)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q", tc.err, got)
		}
		if tc.err != nil {
			if wrapped := syncagent.Message(errors.Join(errors.New("sync"), tc.err)); wrapped != got {
				t.Errorf("wrapped %v: %q", tc.err, wrapped)
			}
		}
	}
	if got := syncagent.Message(office.ErrForbidden); got != office.Message(office.ErrForbidden) {
		t.Errorf("office's error: %q", got)
	}
}

// TestFinding: a server brought back to an older state (a backup
// restored) is caught at the next push: StateError with Status.Finding
// and the sentence of the detection.
func TestFinding(t *testing.T) {
	c := startCentral(t)
	dirA := founder(t, c)
	a := openPC(t, dirA, "uketsuke", syncagent.Options{Interval: time.Hour})
	waitFor(t, "A synced", func() bool { return a.a.Status().State == syncagent.StateSynced })
	c.Stop()
	backup := filepath.Join(t.TempDir(), "store")
	if err := os.CopyFS(backup, os.DirFS(filepath.Join(c.Data, "store"))); err != nil {
		t.Fatal(err)
	}
	c.Restart()
	a.newBusiness("青空商店", "アオゾラショウテン", "03-5555-0101")
	t0 := time.Now()
	a.a.SyncNow()
	waitFor(t, "the business sent", func() bool {
		st := a.a.Status()
		return st.State == syncagent.StateSynced && st.LastSync.After(t0)
	})
	c.Stop()
	if err := os.RemoveAll(filepath.Join(c.Data, "store")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(backup, filepath.Join(c.Data, "store")); err != nil {
		t.Fatal(err)
	}
	c.Restart()
	// The next edit's push does not continue this PC's chain as the
	// restored server has it.
	a.newBusiness("三日月製作所", "ミカヅキセイサクショ", "03-5555-0303")
	a.a.SyncNow()
	waitFor(t, "the finding", func() bool {
		st := a.a.Status()
		if st.Finding == nil && st.State != syncagent.StateSyncing && st.Err != nil {
			t.Logf("status: %+v", st)
		}
		return st.Finding != nil
	})
	st := a.a.Status()
	if st.State != syncagent.StateError || !strings.Contains(syncagent.Message(st.Err), "同期を止めました") {
		t.Fatalf("status: %+v %q", st, syncagent.Message(st.Err))
	}
	t.Logf("finding: %v: %s", st.Finding, syncagent.Message(st.Finding))
}

// TestStopBounded: a server that accepts connections and never answers
// holds the last sync only until Stop's deadline.
func TestStopBounded(t *testing.T) {
	c := startCentral(t)
	dirA := founder(t, c)
	a := openPC(t, dirA, "uketsuke", syncagent.Options{Interval: time.Hour})
	waitFor(t, "A synced", func() bool { return a.a.Status().State == syncagent.StateSynced })
	c.Stop()
	ln, err := net.Listen("tcp", c.ID.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn) // silent
		}
	}()
	a.newBusiness("青空商店", "アオゾラショウテン", "03-5555-0101")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = a.a.Stop(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("stop: %v after %v", err, time.Since(start))
	}
	ln.Close()
	<-done
	for _, conn := range conns {
		conn.Close()
	}
	if st := a.a.Status(); st.State == syncagent.StateSyncing {
		t.Fatalf("status after the cut sync: %+v", st)
	}
}
