package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// eraseVault is newVault with a business, its consultation and a venue,
// saved as the admin (who is also a supervisor).
func eraseVault(t *testing.T) (dir, adminPw, biz, cons, venue string) {
	t.Helper()
	dir, adminPw = newVault(t)
	o, err := office.Open(dir, office.Options{KDF: vault.TestKDF()})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ctx := context.Background()
	s, err := o.Login(ctx, "kanri", []byte("admin-password-1"))
	if err != nil {
		t.Fatal(err)
	}
	v := &record.Venue{Name: "消去確認室", Capacity: 1, Active: true}
	b := &record.Business{Name: "消去確認商店", Kana: "ショウキョカクニン", Phone: "03-5555-4001", Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区"}
	st := &record.Staff{Name: "消去 相談員", Kana: "ショウキョ ソウダンイン", Role: "相談員", Active: true}
	if err := o.SaveVenue(ctx, s, v); err != nil {
		t.Fatal(err)
	}
	if err := o.SaveStaff(ctx, s, st); err != nil {
		t.Fatal(err)
	}
	if err := o.SaveBusiness(ctx, s, b, office.SaveBusinessOptions{}); err != nil {
		t.Fatal(err)
	}
	c := &record.Consultation{BusinessID: b.ID, ConsultantID: st.ID, Date: "2026-09-30", Start: "10:00", End: "10:30", Mode: "窓口",
		Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "消去確認の相談内容"}}
	if err := o.SaveConsultation(ctx, s, c); err != nil {
		t.Fatal(err)
	}
	return dir, adminPw, b.ID, c.ID, v.ID
}

// TestEraseCommandErrors: every mistake has its own message and status, and
// none of them erases anything.
func TestEraseCommandErrors(t *testing.T) {
	dir, adminPw, biz, _, venue := eraseVault(t)
	tmp := t.TempDir()
	exists := filepath.Join(tmp, "exists.pdf")
	if err := os.WriteFile(exists, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	recPw := writePw(t, tmp, "r.pw", "reception-pw-1")
	base := []string{"erase", "--vault", dir, "--as", "kanri", "--password-file", adminPw}
	report := filepath.Join(tmp, "report.pdf")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"neither --id nor --expired", base, ExitUsage, "--id で記録の番号を指定するか、--expired"},
		{"both --id and --expired", append(base, "--id", biz, "--expired"), ExitUsage, "一緒に使えません"},
		{"--yes without --report", append(base, "--id", biz, "--yes"), ExitUsage, "--report で消去報告書"},
		{"report file exists", append(base, "--id", biz, "--yes", "--report", exists), office.ExitStatus(office.ErrFileExists), "上書き"},
		{"reception may not erase", []string{"erase", "--vault", dir, "--as", "uketsuke", "--password-file", recPw, "--id", biz},
			ExitForbidden, "権限がありません"},
		{"unknown record", append(base, "--id", "B-0000000000"), ExitNotFound, ""},
		{"a master is never erased", append(base, "--id", venue, "--yes", "--report", report), ExitInvalidInput, ""},
		{"missing --vault", []string{"erase", "--id", biz}, ExitUsage, "--vault"},
		{"bad flag", append(base, "--nope"), ExitUsage, "オプションが正しくありません"},
		{"--list with --order", append(base, "--list", "--order", "0123456789"), ExitUsage, "--list と --order"},
		{"--list with --id", append(base, "--list", "--id", biz), ExitUsage, "一緒に使えません"},
		{"--order without --report", append(base, "--order", "0123456789"), ExitUsage, "--report で消去報告書"},
		{"--order too short", append(base, "--order", "0123", "--report", report), ExitUsage, "8文字以上"},
		{"--order unknown", append(base, "--order", "0123456789", "--report", report), ExitNotFound, ""},
		{"--order report exists", append(base, "--order", "0123456789", "--report", exists), office.ExitStatus(office.ErrFileExists), "上書き"},
		{"--resend with --list", append(base, "--resend", "--list"), ExitUsage, "--resend はほかのオプション"},
		{"reception may not resend", []string{"erase", "--vault", dir, "--as", "uketsuke", "--password-file", recPw, "--resend"},
			ExitForbidden, "権限がありません"},
		{"reception may not list", []string{"erase", "--vault", dir, "--as", "uketsuke", "--password-file", recPw, "--list"},
			ExitForbidden, "権限がありません"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, e := run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(e, tc.msg) || !strings.HasPrefix(e, "エラー: ") {
				t.Fatalf("got %d %q %q, want %d with %q", code, e, out, tc.code, tc.msg)
			}
		})
	}
	if _, err := os.Stat(report); err == nil {
		t.Error("a report was written by a refused erasure")
	}
	code, out, e := run(t, "", "show", "--vault", dir, "--as", "kanri", "--password-file", adminPw, biz)
	if code != 0 || !strings.Contains(out, "消去確認商店") {
		t.Fatalf("the business after the refused erasures: %d %q %q", code, out, e)
	}
}

// TestEraseCommand: without --yes the command lists and erases nothing;
// with it, it erases the business and its consultation and writes the
// report, which holds their ids and none of their words.
func TestEraseCommand(t *testing.T) {
	dir, adminPw, biz, cons, _ := eraseVault(t)
	base := []string{"erase", "--vault", dir, "--as", "kanri", "--password-file", adminPw}
	code, out, e := run(t, "", append(base, "--expired")...)
	if code != 0 || !strings.Contains(out, "保存期間を過ぎた記録はありません") {
		t.Fatalf("--expired: %d %q %q", code, out, e)
	}
	code, out, e = run(t, "", append(base, "--id", strings.ToLower(biz))...)
	if code != 0 || !strings.Contains(out, biz+"\t事業者\t") || !strings.Contains(out, cons+"\t相談記録\t") ||
		!strings.Contains(out, "消去する記録: 2件") || !strings.Contains(out, "まだ何も消去していません") {
		t.Fatalf("dry run: %d %q %q", code, out, e)
	}
	if strings.Contains(out, "消去確認商店") {
		t.Errorf("the list shows a name: %q", out)
	}
	report := filepath.Join(t.TempDir(), "消去報告書.pdf")
	code, out, e = run(t, "", append(base, "--id", biz, "--yes", "--report", report)...)
	if code != 0 || !strings.Contains(out, "2件の記録") || !strings.Contains(out, "消去報告書を "+report) {
		t.Fatalf("erase: %d %q %q", code, out, e)
	}
	fi, err := os.Stat(report)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("report: %v %v", fi, err)
	}
	code, _, e = run(t, "", "show", "--vault", dir, "--as", "kanri", "--password-file", adminPw, biz)
	if code != ExitNotFound {
		t.Errorf("show after erasure: %d %q", code, e)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	pdf, _ := os.ReadFile(report)
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	text, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"消去報告書", biz, cons, "事業者", "相談記録", "管理 花子（kanri）", "個別の消去"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, w := range []string{"消去確認商店", "0355554001", "消去確認の相談内容"} {
		if strings.Contains(string(text), w) {
			t.Errorf("report holds %q", w)
		}
	}

	// The erasures are listed (no server yet: 未受領), and the report is
	// printed again by its order.
	code, out, e = run(t, "", append(base, "--list")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(lines[1], "\tkanri\t2\t") || !strings.Contains(lines[1], "未受領") {
		t.Fatalf("--list: %d %q %q", code, out, e)
	}
	order := strings.Split(lines[1], "\t")[0]
	again := filepath.Join(t.TempDir(), "再出力.pdf")
	code, out, e = run(t, "", append(base, "--order", order[:10], "--report", again)...)
	if code != 0 || !strings.Contains(out, "消去報告書を "+again) {
		t.Fatalf("--order: %d %q %q", code, out, e)
	}
	if b, err := os.ReadFile(again); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("the report printed again: %v", err)
	}
	code, out, e = run(t, "", append(base, "--resend")...)
	if code != 0 || !strings.Contains(out, "1件の消去指示を、次の同期でサーバーへもう一度送ります") {
		t.Fatalf("--resend: %d %q %q", code, out, e)
	}
}
