package cli

import (
	"strings"
	"testing"
)

// TestRetentionCommand: the rules are shown, changed by a supervisor, and
// every bad --set or role is refused with its message.
func TestRetentionCommand(t *testing.T) {
	dir, adminPw, _, _, _ := eraseVault(t)
	recPw := writePw(t, t.TempDir(), "r.pw", "reception-pw-1")
	base := []string{"retention", "--vault", dir, "--as", "kanri", "--password-file", adminPw}
	code, out, e := run(t, "", base...)
	if code != 0 || !strings.Contains(out, "相談記録\t5年") || !strings.Contains(out, "事業者\t5年") {
		t.Fatalf("show: %d %q %q", code, out, e)
	}
	code, out, e = run(t, "", append(base, "--set", "相談記録=7, reservation=2年")...)
	if code != 0 || !strings.Contains(out, "保存期間を変えました") || !strings.Contains(out, "相談記録\t7年") || !strings.Contains(out, "予約\t2年") {
		t.Fatalf("set: %d %q %q", code, out, e)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no equals", append(base, "--set", "相談記録7"), ExitUsage, "種類=年数"},
		{"zero years", append(base, "--set", "予約=0"), ExitUsage, "1 から 100 まで"},
		{"unknown kind", append(base, "--set", "セミナー=3"), ExitUsage, "種類「セミナー」がありません"},
		{"reception", []string{"retention", "--vault", dir, "--as", "uketsuke", "--password-file", recPw}, ExitForbidden, "権限がありません"},
	} {
		code, _, e := run(t, "", tc.args...)
		if code != tc.code || !strings.Contains(e, tc.msg) {
			t.Errorf("%s: %d %q", tc.name, code, e)
		}
	}
	code, out, _ = run(t, "", base...)
	if code != 0 || !strings.Contains(out, "相談記録\t7年") {
		t.Fatalf("after the refusals: %q", out)
	}
}
