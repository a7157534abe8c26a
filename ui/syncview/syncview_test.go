package syncview

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

var errFinding = errors.New("syncproto: server withheld changes")

// indicatorStates are the statuses the indicator shows, in order.
func indicatorStates() []syncagent.Status {
	return []syncagent.Status{
		{State: syncagent.StateSynced, LastSync: uitest.Now.Add(-5 * time.Minute)},
		{State: syncagent.StatePending, Pending: 3},
		{State: syncagent.StateOffline, Err: errOffline, Pending: 2},
		{State: syncagent.StateSyncing, Step: syncagent.StepPush, Done: 40, Total: 100},
		{State: syncagent.StateConflicts, Conflicts: 2},
		{State: syncagent.StateError, Err: errFinding},
		{State: syncagent.StateError, Err: errFinding, Finding: errFinding},
	}
}

// TestIndicatorStates: the indicator's text through every state, the
// finding only as such for those who see findings, hidden when the PC is
// not enrolled, and its menu.
func TestIndicatorStates(t *testing.T) {
	uitest.NewApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	syncs := 0
	in := NewIndicator(w, syncagent.Status{}, IndicatorOptions{Message: sentence, Findings: true, SyncNow: func() { syncs++ }})
	w.SetContent(in)
	if in.Visible() {
		t.Fatal("indicator shown on a PC that is not enrolled")
	}
	want := []string{
		"同期済み（最終 09:55）",
		"未送信 3 件",
		"オフライン",
		"同期中（送信）",
		"競合 2 件",
		"エラー: サーバーが変更の一部を渡しませんでした。管理者に連絡して…",
		"エラー: サーバーの不正を検出",
	}
	for i, st := range indicatorStates() {
		in.Set(st)
		if !in.Visible() || in.Text() != want[i] {
			t.Errorf("state %d: %q, want %q", st.State, in.Text(), want[i])
		}
	}
	if d := in.Detail(); !strings.HasPrefix(d, "サーバーの不正を検出しました: サーバーが変更の一部") {
		t.Errorf("finding detail %q", d)
	}
	if !in.bar.Hidden || !in.busy.Hidden {
		t.Error("progress shown while not syncing")
	}
	in.Set(syncagent.Status{State: syncagent.StateSyncing, Step: syncagent.StepConnect})
	if in.Text() != "同期中（接続）" || in.busy.Hidden {
		t.Error("activity bar not shown for a sync of unknown size")
	}
	in.Set(syncagent.Status{State: syncagent.StateSyncing, Step: syncagent.StepPull, Done: 1, Total: 4})
	if in.bar.Hidden || in.bar.Value != 0.25 {
		t.Error("progress bar not shown")
	}
	in.Set(syncagent.Status{State: syncagent.StateSynced})
	if in.Text() != "同期済み" {
		t.Errorf("never synced: %q", in.Text())
	}
	// Without the right to see findings: the agent's error sentence.
	plain := NewIndicator(w, syncagent.Status{State: syncagent.StateError, Err: errOffline, Finding: errFinding}, IndicatorOptions{Message: sentence})
	if strings.Contains(plain.Text(), "不正") || !strings.HasPrefix(plain.Text(), "エラー: サーバーに接続できません") {
		t.Errorf("finding shown to a receptionist: %q", plain.Text())
	}
	// The menu: 今すぐ同期 and, with an error, its full text.
	in.Set(syncagent.Status{State: syncagent.StateError, Err: errOffline})
	items := in.Menu().Items
	if len(items) != 2 || items[0].Label != "今すぐ同期" || items[1].Label != "詳細を表示" {
		t.Fatalf("menu %v", items)
	}
	items[0].Action()
	if syncs != 1 {
		t.Fatal("今すぐ同期 did not sync")
	}
	items[1].Action()
	if !uitest.HasLabel(w.Canvas().Overlays().Top(), sentence(errOffline)) {
		t.Fatal("error not shown in full")
	}
}

// TestIndicatorGolden captures every state of the indicator in Japanese
// and English.
func TestIndicatorGolden(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) {
			uitest.SetLanguage(t, l)
			uitest.NewApp(t)
			w := test.NewWindow(nil)
			defer w.Close()
			box := container.NewVBox()
			for _, st := range indicatorStates() {
				box.Add(container.NewHBox(NewIndicator(w, st, IndicatorOptions{Message: sentence, Findings: true})))
			}
			w.SetContent(container.NewPadded(box))
			w.Resize(fyne.NewSize(560, 380))
			test.AssertImageMatches(t, "indicator_"+l+".png", w.Canvas().Capture())
		})
	}
}

// TestDevicesScreen: the admin's 端末 list, issuing a code (the chosen
// validity, the code, server, pin and expiry shown) and revoking a PC
// after a confirmation that says what follows.
func TestDevicesScreen(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	agent := uitest.NewAgent(syncagent.Status{State: syncagent.StateSynced})
	agent.DeviceList = officeDevices()
	agent.Code = syncagent.IssuedCode{Code: "MADO1-7K3Q-PX2M-9WDA-HT4E", Expires: uitest.Now.Add(24 * time.Hour),
		Server: "港区 経営相談窓口", Pin: "3f1a9c0d5e7b2468ace13579bdf02468ace13579bdf02468ace13579bdf02468"}
	f.As("admin", func(s *office.Session) {
		h := newHost(f, s, fyne.NewSize(1000, 600), agent)
		sc := newDevicesScreen(h)
		h.Window().SetContent(sc.object())
		h.Wait()
		if len(sc.table.Rows) != 4 || sc.table.Rows[0][1] != "この端末" || sc.table.Rows[3][4] != "無効" || sc.table.Rows[2][3] != "－" {
			t.Fatalf("rows %v", sc.table.Rows)
		}
		sc.choose(0)
		if !sc.revoke.Disabled() {
			t.Fatal("this PC offered for revoking")
		}
		sc.choose(1)
		if sc.revoke.Disabled() {
			t.Fatal("revoke not offered")
		}
		test.Tap(sc.revoke)
		top := h.Window().Canvas().Overlays().Top()
		if !uitest.HasLabel(top, "「相談室A ノートPC」を無効にします。\n次に接続したとき、このパソコンの窓口データは消去されます。記録はサーバーとほかのパソコンに残ります。") {
			t.Fatal("confirmation does not say what happens")
		}
		test.Tap(uitest.Button(t, top, "無効化する"))
		h.Wait()
		if len(agent.RevokedIDs) != 1 || agent.RevokedIDs[0] != "dev-b2" || sc.table.Rows[1][4] != "無効" {
			t.Fatalf("revoked %v, rows %v", agent.RevokedIDs, sc.table.Rows)
		}
		sc.askIssue()
		top = h.Window().Canvas().Overlays().Top()
		test.Tap(uitest.Button(t, top, "発行する"))
		h.Wait()
		if len(agent.Issued) != 1 || agent.Issued[0] != 24*time.Hour || sc.code == nil || sc.code.code.Text != agent.Code.Code {
			t.Fatalf("issued %v", agent.Issued)
		}
		test.Type(sc.code.code, "x") // the code stays as issued
		if sc.code.code.Text != agent.Code.Code {
			t.Fatal("code editable")
		}
		test.Tap(sc.code.copy)
		if got := fyne.CurrentApp().Clipboard().Content(); got != agent.Code.Code {
			t.Fatalf("clipboard %q", got)
		}
		sc.code.dialog.Hide()
		// A PC enrolled meanwhile shows after 最新の状態にする.
		agent.DeviceList = append(agent.DeviceList, syncagent.Device{ID: "dev-e5", Name: "2階 受付PC", Created: uitest.Now})
		test.Tap(uitest.Button(t, h.Window().Content(), "最新の状態にする"))
		h.Wait()
		if len(sc.table.Rows) != 5 || sc.table.Rows[4][0] != "2階 受付PC" {
			t.Fatalf("after 最新の状態にする: rows %v", sc.table.Rows)
		}
	})
}

// TestDevicesGolden captures the 端末 screen and an issued code in
// Japanese and English.
func TestDevicesGolden(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) {
			uitest.SetLanguage(t, l)
			uitest.NewApp(t)
			f := uitest.NewOffice(t, "", uitest.Casework)
			agent := uitest.NewAgent(syncagent.Status{State: syncagent.StateSynced})
			agent.DeviceList = officeDevices()
			agent.Code = syncagent.IssuedCode{Code: "MADO1-7K3Q-PX2M-9WDA-HT4E", Expires: uitest.Now.Add(24 * time.Hour),
				Server: "港区 経営相談窓口", Pin: "3f1a9c0d5e7b2468ace13579bdf02468ace13579bdf02468ace13579bdf02468"}
			f.As("admin", func(s *office.Session) {
				h := newHost(f, s, fyne.NewSize(1000, 560), agent)
				sc := newDevicesScreen(h)
				h.Window().SetContent(sc.object())
				h.Wait()
				test.AssertImageMatches(t, "devices_"+l+".png", h.Window().Canvas().Capture())
				sc.doIssue(24 * time.Hour)
				h.Wait()
				h.Window().Canvas().Unfocus()
				test.AssertImageMatches(t, "devices_code_"+l+".png", h.Window().Canvas().Capture())
			})
		})
	}
}

// sampleConflict is a business whose phone and city two PCs changed apart,
// and a consultation note in the case part.
func sampleConflict() office.ConflictDetail {
	js := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	revA := "000001a0f0b3a460-00000000-dev-b2"
	revB := "000001a0f12f3d00-00000000-dev-a1"
	return office.ConflictDetail{ID: "b-123", Kind: "business",
		Fields: []office.FieldConflict{
			{Field: "phone", Values: []office.ConflictValue{
				{Rev: "000001a0e54fb000-00000000-dev-a1", UpdatedBy: "soudan", Value: js("03-5555-0303")},
				{Rev: revA, UpdatedBy: "uketsuke", Value: js("03-5555-1111")},
				{Rev: revB, UpdatedBy: "kantoku", Value: js("03-5555-2222")}}},
			{Field: "employees", Values: []office.ConflictValue{
				{Rev: "", UpdatedBy: "", Value: json.RawMessage("null")},
				{Rev: revA, UpdatedBy: "uketsuke", Value: json.RawMessage("5")},
				{Rev: revB, UpdatedBy: "kantoku", Value: json.RawMessage("6")}}},
		},
		Revs: []string{revA, revB},
	}
}

// TestConflictView: each side's value, who changed it and when side by
// side; the default keeps the merged (later) value; picking the other
// side, or typing a merged value, is what 解決して保存 saves.
func TestConflictView(t *testing.T) {
	uitest.NewApp(t)
	var gotPicks map[string]string
	var gotValues map[string]json.RawMessage
	d := sampleConflict()
	v := newConflictView(d, func(id string, picks map[string]string, values map[string]json.RawMessage) {
		gotPicks, gotValues = picks, values
	}, func() {})
	w := test.NewWindow(v.object())
	defer w.Close()
	w.Resize(fyne.NewSize(1000, 700))
	if !uitest.HasLabel(w.Content(), "03-5555-1111") || !uitest.HasLabel(w.Content(), "uketsuke が 2026-09-30 14:05 に変更") {
		t.Fatal("side A not shown with who and when")
	}
	test.Tap(v.save)
	if gotPicks["phone"] != d.Revs[1] || gotPicks["employees"] != d.Revs[1] || len(gotValues) != 0 {
		t.Fatalf("default picks %v %v", gotPicks, gotValues)
	}
	phone, emp := v.fields[0], v.fields[1]
	if emp.textual() || !phone.textual() {
		t.Fatal("typed value offered for a number, or not for text")
	}
	emp.radio.SetSelected(emp.labels[0])
	phone.radio.SetSelected("値を入力")
	test.Tap(v.save)
	if !v.message.Visible() {
		t.Fatal("empty typed value accepted")
	}
	test.Type(phone.typed, "03-5555-1111（代表）")
	test.Tap(v.save)
	if gotPicks["employees"] != d.Revs[0] || string(gotValues["phone"]) != `"03-5555-1111（代表）"` || gotPicks["phone"] != "" {
		t.Fatalf("picks %v values %s", gotPicks, gotValues["phone"])
	}
}

// TestConflictGolden captures the side-by-side view in Japanese and
// English.
func TestConflictGolden(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) {
			uitest.SetLanguage(t, l)
			uitest.NewApp(t)
			v := newConflictView(sampleConflict(), func(string, map[string]string, map[string]json.RawMessage) {}, func() {})
			w := test.NewWindow(v.object())
			defer w.Close()
			w.Resize(fyne.NewSize(1000, 620))
			test.AssertImageMatches(t, "conflict_"+l+".png", w.Canvas().Capture())
		})
	}
}

// TestConflictsScreenEmpty: the 競合 screen lists nothing on a vault
// without conflicts, through the runner.
func TestConflictsScreenEmpty(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	f.As("soudan", func(s *office.Session) {
		h := newHost(f, s, fyne.NewSize(1000, 600), uitest.NewAgent(syncagent.Status{}))
		sc := newConflictsScreen(h)
		h.Window().SetContent(sc.pager)
		h.Wait()
		if len(sc.table.Rows) != 0 || sc.progress.Running() {
			t.Fatalf("rows %v", sc.table.Rows)
		}
		// A list gone stale (another PC resolved it): 最新の状態にする reads
		// the office again.
		sc.show([]conflictRow{{ConflictSummary: office.ConflictSummary{ID: "b-1", Kind: "business", Fields: []string{"phone"}}}})
		test.Tap(sc.reload)
		h.Wait()
		if len(sc.table.Rows) != 0 {
			t.Fatalf("after 最新の状態にする: rows %v", sc.table.Rows)
		}
	})
}

// TestConflictsListGolden captures the 競合 list (record, business, fields
// in 競合, when) in Japanese and English.
func TestConflictsListGolden(t *testing.T) {
	for _, l := range []string{"ja", "en"} {
		t.Run(l, func(t *testing.T) {
			uitest.SetLanguage(t, l)
			uitest.NewApp(t)
			f := uitest.NewOffice(t, "", uitest.Casework)
			f.As("kantoku", func(s *office.Session) {
				h := newHost(f, s, fyne.NewSize(1000, 420), uitest.NewAgent(syncagent.Status{}))
				sc := newConflictsScreen(h)
				h.Window().SetContent(sc.pager)
				h.Wait()
				at := func(h, m int) time.Time { return time.Date(2026, 9, 30, h, m, 0, 0, time.UTC) }
				sc.show([]conflictRow{
					{ConflictSummary: office.ConflictSummary{ID: "b-1", Kind: "business", Fields: []string{"phone", "city"}, When: at(7, 20)}, Business: "テスト商店"},
					{ConflictSummary: office.ConflictSummary{ID: "c-2", Kind: "consultation", Fields: []string{"summary"}, When: at(5, 5)}, Business: "みどり食堂"},
					{ConflictSummary: office.ConflictSummary{ID: "b-3", Kind: "business.case", Case: true, Fields: []string{"rep_birth"}, When: at(1, 45)}, Business: "株式会社さくら商店"},
				})
				test.AssertImageMatches(t, "conflicts_list_"+l+".png", h.Window().Canvas().Capture())
			})
		})
	}
}

// TestDevicesPrintCode: PDFで印刷 on an issued code's dialog saves its
// sheet through the window's PDF saving: the code, the office, the
// fingerprint as the dialog groups it, the expiry in Japan and what to do
// with the sheet are on it.
func TestDevicesPrintCode(t *testing.T) {
	uitest.NewApp(t)
	f := uitest.NewOffice(t, "", uitest.Casework)
	agent := uitest.NewAgent(syncagent.Status{State: syncagent.StateSynced})
	agent.DeviceList = officeDevices()
	const code = "MDG1.bWFkb2d1Y2hpLmV4YW1wbGUubGcuanA6ODQ0Mw.AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw.yMO-ubSvqqWgm5aRjIeCfXhzbmlkX1pVUEtGQTw3Mi0"
	agent.Code = syncagent.IssuedCode{Code: code, Expires: time.Date(2026, 10, 2, 8, 30, 0, 0, time.UTC),
		Server: "港区 経営相談窓口", Pin: "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw"}
	f.As("admin", func(s *office.Session) {
		h := newHost(f, s, fyne.NewSize(1000, 600), agent)
		sc := newDevicesScreen(h)
		h.Window().SetContent(sc.object())
		h.Wait()
		sc.doIssue(24 * time.Hour)
		h.Wait()
		if sc.code == nil || sc.code.print.Text != "PDFで印刷" {
			t.Fatal("no PDFで印刷 on the code's dialog")
		}
		name, pdf := uitest.TapForPDF(t, h.Host, sc.code.print)
		if name != "登録コード_20261002-1730.pdf" {
			t.Errorf("file name %q", name)
		}
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not installed (poppler-utils): the sheet's text is not checked")
		}
		cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
		cmd.Stdin = bytes.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(string(out)), "")
		for _, want := range []string{"端末の登録コード", code, "港区経営相談窓口", "2026-10-0217:30", "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw",
			"新しいパソコンで「既存の窓口に参加」を選び、このコードを入力するか、このQRコードの画像を読み込みます。",
			"この用紙は登録が済んだら破棄してください。", "出力者"} {
			if !strings.Contains(flat, want) {
				t.Errorf("the sheet lacks %q:\n%s", want, out)
			}
		}
	})
}
