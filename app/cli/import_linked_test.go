package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportConsultations: past consultations come in with --kind 相談記録,
// linked to the businesses and consultants of the vault; a row naming an
// unknown business is rejected; --kind must be one of the three and is
// not given with --map.
func TestImportConsultations(t *testing.T) {
	dir, adminPw, _, _, _ := eraseVault(t) // 消去確認商店 and 消去 相談員
	tmp := filepath.Dir(dir)
	list := filepath.Join(tmp, "相談記録.csv")
	csv := "事業所名,相談日,開始時刻,終了時刻,相談員,相談方法,相談内容\n" +
		"消去確認商店,令和6年5月1日,10:00,11:00,消去 相談員,窓口,過去の相談（ダミー）\n" +
		"架空商店,2024/5/2,10:00,11:00,消去 相談員,窓口,登録のない事業者\n"
	if err := os.WriteFile(list, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"import", "--vault", dir, "--as", "kanri", "--password-file", adminPw}
	code, out, e := run(t, "", append(base, "--kind", "相談記録", "--dry-run", list)...)
	if code != 0 || !strings.Contains(out, "記録の種類: 相談記録") || !strings.Contains(out, "取り込める行 1 件、取り込めない行 1 件") ||
		!strings.Contains(out, "3 行目: 事業者「架空商店」が登録されていません") {
		t.Fatalf("dry run: %d %q %q", code, out, e)
	}
	code, out, e = run(t, "", append(base, "--kind", "consultation", "--yes", list)...)
	if code != 0 || !strings.Contains(out, "相談記録 1 件を取り込みました") {
		t.Fatalf("import: %d %q %q", code, out, e)
	}
	mapping := filepath.Join(tmp, "map.json")
	if err := os.WriteFile(mapping, []byte(`{"format":"madoguchi-import-mapping","version":1,"kind":"consultation","columns":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown kind", append(base, "--kind", "セミナー", "--dry-run", list), "--kind は 事業者、予約、相談記録"},
		{"kind with map", append(base, "--kind", "予約", "--map", mapping, "--dry-run", list), "--kind は --map と一緒に使えません"},
	} {
		code, _, e := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(e, tc.msg) {
			t.Errorf("%s: %d %q", tc.name, code, e)
		}
	}
}
