package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// withOffice logs in to the vault dir as login and runs fn; the vault is
// closed again before the next command opens it.
func withOffice(t *testing.T, dir, login, pw string, fn func(o *office.Office, s *office.Session)) {
	t.Helper()
	o, err := office.Open(dir, office.Options{KDF: vault.TestKDF()})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	s, err := o.Login(context.Background(), login, []byte(pw))
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	fn(o, s)
}

func newBusiness(t *testing.T, o *office.Office, s *office.Session, name, kana, phone string) string {
	t.Helper()
	b := &record.Business{Name: name, Kana: kana, Phone: phone, Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区", Email: "info@example.jp"}
	if err := o.SaveBusiness(context.Background(), s, b, office.SaveBusinessOptions{}); err != nil {
		t.Fatalf("SaveBusiness: %v", err)
	}
	return b.ID
}

func setCity(t *testing.T, o *office.Office, s *office.Session, id, city string) {
	t.Helper()
	b, err := o.Business(context.Background(), s, id)
	if err != nil {
		t.Fatal(err)
	}
	b.City = city
	if err := o.SaveBusiness(context.Background(), s, b, office.SaveBusinessOptions{}); err != nil {
		t.Fatalf("SaveBusiness: %v", err)
	}
}

// TestSyncJoinConflicts: an admin's PC enrolls and syncs (the user table
// goes to the server), a consultant's PC joins with a code and its first
// sync registers the consultant's server login; records go both ways; a
// field edited on both PCs is in 競合 on both, shown with both values, and
// resolved on one, which the other takes at its next sync.
//
// The server allows five logins a minute per login: the syncs are spread
// over kanri (admin), uketsuke (reception) and soudan (consultant).
func TestSyncJoinConflicts(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "", "server", "init", "--data", data, "--name", "テスト区 経営相談窓口", "--addr", "127.0.0.1:8443"); code != ExitOK {
		t.Fatalf("server init: %d %s", code, errs)
	}
	addr, _ := startCLIServer(t, "--data", data)

	// The admin's PC: enrolled with a first-admin code; a consultant is
	// added, and reception registers a business.
	_, out, _ := run(t, "", "server", "enroll", "--data", data, "--addr", addr, "--first-admin")
	va, pwa := newVault(t)
	tmp := filepath.Dir(va)
	if code, out, errs := run(t, "", "enroll", "--vault", va, "--as", "kanri", "--password-file", pwa, "--name", "管理者PC", lastLine(out)); code != ExitOK {
		t.Fatalf("enroll: %d %s %s", code, out, errs)
	}
	pwc := writePw(t, tmp, "soudan.pw", "consultant-pw-1")
	pwr := writePw(t, tmp, "rec.pw", "reception-pw-1")
	if code, out, errs := run(t, "", "user", "add", "--vault", va, "--as", "kanri", "--password-file", pwa,
		"--login", "soudan", "--name", "相談 次郎", "--role", "consultant", "--new-password-file", pwc); code != ExitOK {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	var x, z string
	withOffice(t, va, "uketsuke", "reception-pw-1", func(o *office.Office, s *office.Session) {
		x = newBusiness(t, o, s, "青空商店", "アオゾラショウテン", "03-5555-0101")
		z = newBusiness(t, o, s, "三日月製作所", "ミカヅキセイサクショ", "03-5555-0303")
	})
	syncA := func(login, pw string) string {
		t.Helper()
		code, out, errs := run(t, "", "sync", "--vault", va, "--as", login, "--password-file", pw, "--quiet")
		if code != ExitOK || !strings.Contains(out, "同期しました") {
			t.Fatalf("sync A as %s: %d %s %s", login, code, out, errs)
		}
		return out
	}
	// A PC that joins before the admin's first sync: enrolled, but no user
	// table to make its vault from yet; it goes on later in the same folder.
	_, out, _ = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	code := lastLine(out)
	vb := filepath.Join(t.TempDir(), "office")
	if c, out, errs := run(t, "", "join", "--vault", vb, "--as", "soudan", "--password-file", pwc, "--name", "相談PC", code); c != ExitNotFound ||
		!strings.Contains(errs, "サーバーに利用者一覧がまだありません。管理者が先に madoguchi sync を実行してください。") {
		t.Fatalf("join before the admin's first sync: %d %s %s", c, out, errs)
	}
	if out := syncA("kanri", pwa); !strings.Contains(out, "送信 2 件") || !strings.Contains(out, "利用者一覧をサーバーに送りました") {
		t.Fatalf("the admin's first sync: %s", out)
	}

	// The consultant's PC joins: its first sync registers soudan's
	// server login and brings the business.
	c, out, errs := run(t, "", "join", "--vault", vb, "--as", "soudan", "--password-file", pwc, "--name", "相談PC", "--quiet", code)
	if c != ExitOK || !strings.Contains(out, "前回の続き") || !strings.Contains(out, "参加させました") || !strings.Contains(out, "同期しました") {
		t.Fatalf("join: %d %s %s", c, out, errs)
	}
	asB := []string{"--vault", vb, "--as", "soudan", "--password-file", pwc}
	asA := []string{"--vault", va, "--as", "uketsuke", "--password-file", pwr}
	search := func(as []string, q string) []office.Hit {
		t.Helper()
		c, out, errs := run(t, "", append([]string{"search", "--json", q}, as...)...)
		var hits []office.Hit
		if c != ExitOK || json.Unmarshal([]byte(out), &hits) != nil {
			t.Fatalf("search %s: %d %s %s", q, c, out, errs)
		}
		return hits
	}
	if hits := search(asB, "青空商店"); len(hits) != 1 || hits[0].ID != x {
		t.Fatalf("the business on the joined PC: %+v", hits)
	}
	syncB := func() string {
		t.Helper()
		c, out, errs := run(t, "", append([]string{"sync", "--quiet"}, asB...)...)
		if c != ExitOK || !strings.Contains(out, "同期しました") {
			t.Fatalf("sync B: %d %s %s", c, out, errs)
		}
		return out
	}

	// The same field edited on both PCs; the consultant also registers a
	// business, which reaches the admin's PC.
	withOffice(t, va, "uketsuke", "reception-pw-1", func(o *office.Office, s *office.Session) {
		setCity(t, o, s, x, "しながわ区")
		setCity(t, o, s, z, "おおた区")
	})
	var y string
	withOffice(t, vb, "soudan", "consultant-pw-1", func(o *office.Office, s *office.Session) {
		setCity(t, o, s, x, "めぐろ区")
		setCity(t, o, s, z, "せたがや区")
		y = newBusiness(t, o, s, "若葉工業", "ワカバコウギョウ", "03-5555-0202")
	})
	syncA("kanri", pwa) // sends A's edit
	if out := syncB(); !strings.Contains(out, "競合") {
		t.Fatalf("sync B does not report the 競合: %s", out)
	}
	if out := syncA("uketsuke", pwr); !strings.Contains(out, "競合") {
		t.Fatalf("sync A does not report the 競合: %s", out)
	}
	if hits := search(asA, "若葉工業"); len(hits) != 1 || hits[0].ID != y {
		t.Fatalf("the joined PC's business on the admin's PC: %+v", hits)
	}
	for _, as := range [][]string{asA, asB} {
		c, out, errs := run(t, "", append([]string{"conflicts", "list"}, as...)...)
		if c != ExitOK || !strings.Contains(out, x) || !strings.Contains(out, "事業者") || !strings.Contains(out, z) || !strings.Contains(out, "市区町村") || !strings.Contains(out, "2 件") {
			t.Fatalf("conflicts list: %d %s %s", c, out, errs)
		}
		c, out, errs = run(t, "", append([]string{"conflicts", "list", "--json"}, as...)...)
		var rows []conflictRow
		if c != ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 2 || len(rows[0].Fields) != 1 || rows[0].Fields[0] != "city" ||
			!(rows[0].ID == x && rows[1].ID == z || rows[0].ID == z && rows[1].ID == x) {
			t.Fatalf("conflicts list --json: %d %s %s", c, out, errs)
		}
		c, out, errs = run(t, "", append([]string{"conflicts", "show", x}, as...)...)
		if c != ExitOK || !strings.Contains(out, "しながわ区") || !strings.Contains(out, "めぐろ区") || !strings.Contains(out, "みなと区") ||
			!strings.Contains(out, "いま表示している値") || !strings.Contains(out, "uketsuke") || !strings.Contains(out, "soudan") {
			t.Fatalf("conflicts show: %d %s %s", c, out, errs)
		}
	}
	// The JSON gives the revs to pick from: the admin's PC's value wins.
	c, out, errs = run(t, "", append([]string{"conflicts", "show", "--json", strings.ToLower(x)}, asB...)...)
	var d conflictDetailJSON
	if c != ExitOK || json.Unmarshal([]byte(out), &d) != nil || len(d.Fields) != 1 || d.Fields[0].Field != "city" || d.Fields[0].Label != "市区町村" || len(d.Fields[0].Values) != 3 {
		t.Fatalf("conflicts show --json: %d %s %s", c, out, errs)
	}
	rev, current := "", 0
	for _, v := range d.Fields[0].Values {
		if string(v.Value) == `"しながわ区"` {
			rev = v.Rev
		}
		if v.Current {
			current++
		}
	}
	if rev == "" || current != 1 || !d.Fields[0].Values[0].Base || string(d.Fields[0].Values[0].Value) != `"みなと区"` {
		t.Fatalf("values %+v", d.Fields[0].Values)
	}
	// Mistakes in the picks are said, and change nothing.
	for _, tc := range []struct {
		args []string
		exit int
		msg  string
	}{
		{[]string{x}, ExitUsage, "--keep-current"},
		{[]string{x, "--pick", "city"}, ExitUsage, "項目=版"},
		{[]string{x, "--pick", "city=" + rev, "--keep-current"}, ExitUsage, "一緒に"},
		{[]string{x, "--pick", "phone=" + rev}, ExitInvalidInput, "競合していません"},
		{[]string{x, "--pick", "city=nosuch"}, ExitInvalidInput, "選べる版"},
		{[]string{y, "--keep-current"}, ExitInvalidInput, "競合はありません"},
	} {
		c, out, errs := run(t, "", append(append([]string{"conflicts", "resolve"}, tc.args...), asB...)...)
		if c != tc.exit || !strings.Contains(errs, tc.msg) {
			t.Errorf("resolve %v: %d %s %s", tc.args, c, out, errs)
		}
	}
	c, out, errs = run(t, "", append([]string{"conflicts", "resolve", x, "--pick", "city=" + rev}, asB...)...)
	if c != ExitOK || !strings.Contains(out, "競合を解決しました") || !strings.Contains(out, "しながわ区") {
		t.Fatalf("conflicts resolve: %d %s %s", c, out, errs)
	}
	// The other record on the admin's PC, keeping the value shown now.
	c, out, errs = run(t, "", append([]string{"conflicts", "show", "--json", z}, asA...)...)
	var dz conflictDetailJSON
	if c != ExitOK || json.Unmarshal([]byte(out), &dz) != nil || len(dz.Fields) != 1 || len(dz.Fields[0].Values) != 3 {
		t.Fatalf("conflicts show --json %s: %d %s %s", z, c, out, errs)
	}
	keptCity := string(dz.Fields[0].Values[2].Value)
	if keptCity != `"おおた区"` && keptCity != `"せたがや区"` || !dz.Fields[0].Values[2].Current {
		t.Fatalf("the value shown now: %+v", dz.Fields[0].Values)
	}
	c, out, errs = run(t, "", append([]string{"conflicts", "resolve", z, "--keep-current"}, asA...)...)
	if c != ExitOK || !strings.Contains(out, "競合を解決しました") || !strings.Contains(out, "のままにしました") {
		t.Fatalf("conflicts resolve --keep-current: %d %s %s", c, out, errs)
	}
	syncA("kanri", pwa) // sends the resolution of z
	syncB()             // sends x's, takes z's
	syncA("uketsuke", pwr)
	for _, as := range [][]string{asA, asB} {
		c, out, errs = run(t, "", append([]string{"show", "--json", z}, as...)...)
		var mz map[string]any
		if c != ExitOK || json.Unmarshal([]byte(out), &mz) != nil || `"`+fmt.Sprint(mz["city"])+`"` != keptCity {
			t.Fatalf("show %s after resolving: %d %s %s (kept %s)", z, c, out, errs, keptCity)
		}
		c, out, errs = run(t, "", append([]string{"conflicts", "list"}, as...)...)
		if c != ExitOK || strings.TrimSpace(out) != "競合はありません。" {
			t.Fatalf("conflicts list after resolving: %d %s %s", c, out, errs)
		}
		c, out, errs = run(t, "", append([]string{"show", "--json", x}, as...)...)
		var m map[string]any
		if c != ExitOK || json.Unmarshal([]byte(out), &m) != nil || m["city"] != "しながわ区" {
			t.Fatalf("show after resolving: %d %s %s", c, out, errs)
		}
	}

	// A wrong password stops at this PC (exit 3); a folder that exists
	// cannot be joined into (exit 11, the code is not used); a vault that
	// never enrolled is said so.
	bad := writePw(t, tmp, "bad.pw", "wrong-password-1")
	if c, _, errs := run(t, "", "sync", "--vault", va, "--as", "uketsuke", "--password-file", bad); c != ExitWrongPass {
		t.Errorf("sync with a wrong password: %d %s", c, errs)
	}
	_, out, _ = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	if c, _, errs := run(t, "", "join", "--vault", va, "--as", "soudan", "--password-file", pwc, lastLine(out)); c != ExitInvalidInput || !strings.Contains(errs, "すでに窓口のデータ") {
		t.Errorf("join into a vault: %d %s", c, errs)
	}
	// A wrong password in join: the PC has joined, and it is told how to
	// go on.
	_, out, _ = run(t, "", "server", "enroll", "--data", data, "--addr", addr)
	vd := filepath.Join(t.TempDir(), "office")
	if c, out, errs := run(t, "", "join", "--vault", vd, "--as", "soudan", "--password-file", bad, lastLine(out)); c != ExitWrongPass ||
		!strings.Contains(out, "参加は済んでいます。記録は madoguchi sync --vault "+vd+" --as soudan で") {
		t.Errorf("join with a wrong password: %d %s %s", c, out, errs)
	}
	vc, pwv := newVault(t)
	if c, _, errs := run(t, "", "sync", "--vault", vc, "--as", "kanri", "--password-file", pwv); c != ExitNoVault || !strings.Contains(errs, "まだサーバーに登録されていません") {
		t.Errorf("sync of a vault not enrolled: %d %s", c, errs)
	}
	if c, _, errs := run(t, "", "sync", "--vault", filepath.Join(tmp, "nowhere"), "--as", "kanri", "--password-file", pwa); c != ExitNoVault || strings.Contains(errs, "サーバーに登録") {
		t.Errorf("sync of a folder without a vault: %d %s", c, errs)
	}
}
