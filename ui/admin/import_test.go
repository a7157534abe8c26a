package admin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/migrate"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// writeImportList writes a small generated list in Shift_JIS-free UTF-8:
// a title row, headers of which one is not a field, 6 dummy businesses of
// which one has no phone number.
func writeImportList(t *testing.T) string {
	lines := []string{"事業者一覧（ダミー）", "会社名,フリガナ,TEL,社内コード"}
	for i := range 5 {
		lines = append(lines, fmt.Sprintf("取込見本商店%d,トリコミミホンショウテン,03-5556-010%d,X%d", i, i, i))
	}
	lines = append(lines, "電話なし見本商店,デンワナシ,,X9")
	p := filepath.Join(t.TempDir(), "list.csv")
	uitest.Must(t, os.WriteFile(p, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o600))
	return p
}

// TestImportWizard walks the whole wizard: read (encoding and header
// shown), the mapping (a select per column, saved), the rehearsal (the
// rejected row with its reason, nothing written, the report as PDF), the
// confirmation naming the count, the import and its notice.
func TestImportWizard(t *testing.T) {
	f := newFixture(t)
	list := writeImportList(t)
	f.As("admin", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1100, 800))
		sc := newImportScreen(ctx)
		ctx.Window().SetContent(sc.object())
		if !sc.rehearseB.Disabled() || !sc.importB.Disabled() {
			t.Fatal("steps enabled before a file is read")
		}
		sc.path.SetText(list)
		test.Tap(sc.readB)
		ctx.Wait()
		if !strings.Contains(sc.info.Text, "文字コード: UTF-8") || !strings.Contains(sc.info.Text, "見出しの行: 2 行目") ||
			!strings.Contains(sc.info.Text, "データの行: 6 件") {
			t.Fatalf("info %q", sc.info.Text)
		}
		want := []string{"事業所名", "フリガナ", "電話番号", notImported}
		for i, sel := range sc.selects {
			if sel.Selected != want[i] {
				t.Errorf("column %d maps to %q, want %q", i, sel.Selected, want[i])
			}
		}
		mapPath := filepath.Join(t.TempDir(), "map.json")
		sc.saveMapping(mapPath)
		m, err := migrate.LoadMapping(mapPath)
		if err != nil || m.Columns["TEL"] != "phone" || m.Columns["社内コード"] != "" {
			t.Fatalf("saved mapping %+v %v", m, err)
		}
		test.Tap(uitest.FindButton(t, ctx.Window().Content(), "仮移行（確認だけ）"))
		ctx.Wait()
		if !strings.Contains(sc.result.Text, "取り込める行 5 件、取り込めない行 1 件") || sc.rows.Length() != 1 {
			t.Fatalf("result %q, %d rows", sc.result.Text, sc.rows.Length())
		}
		if r := sc.rehearsal.Rejected[0]; r.Line != 8 || !strings.Contains(r.Reason, "電話番号を入力してください") {
			t.Errorf("rejected %+v", r)
		}
		if n := countImported(t, ctx.Office(), s); n != 0 {
			t.Fatalf("the rehearsal wrote %d", n)
		}
		name, _ := uitest.TapForPDF(t, ctx, uitest.FindButton(t, ctx.Window().Content(), "報告書をPDFで保存"))
		if name != "仮移行の報告書.pdf" {
			t.Errorf("report name %q", name)
		}
		test.Tap(uitest.FindButton(t, ctx.Window().Content(), "取り込む"))
		top := ctx.Window().Canvas().Overlays().Top()
		if top == nil || !uitest.HasLabel(top, "事業者 5 件を取り込みます。取り込めない 1 件は取り込みません。よろしいですか。") {
			t.Fatal("no confirmation naming the count")
		}
		test.Tap(uitest.FindButton(t, top, "取り込む"))
		ctx.Wait()
		if n := countImported(t, ctx.Office(), s); n != 5 {
			t.Fatalf("imported %d", n)
		}
		top = ctx.Window().Canvas().Overlays().Top()
		if top == nil || !uitest.HasLabel(top, "事業者 5 件を取り込みました。管理簿とアクセスログに記録しました。") {
			t.Fatal("no notice when done")
		}
		if !sc.importB.Disabled() || sc.busy.Visible() {
			t.Error("import still possible, or the progress bar still shown")
		}
	})
}

func countImported(t *testing.T, o *office.Office, s *office.Session) int {
	t.Helper()
	hits, err := o.Search(context.Background(), s, "取込見本商店", 100)
	uitest.Must(t, err)
	return len(hits)
}

// TestImportWizardConsultations: with 相談記録 chosen, the columns map to a
// consultation's fields, the rows are linked to the stored business and
// consultant, and the import names the kind.
func TestImportWizardConsultations(t *testing.T) {
	f := newFixture(t)
	p := filepath.Join(t.TempDir(), "相談記録.csv")
	csv := "事業所名,相談日,開始時刻,終了時刻,相談員,相談方法,相談内容\r\n" +
		"テスト商店,令和6年5月1日,10:00,11:00,相談 一郎,窓口,移行した相談（ダミー）\r\n" +
		"架空商店,2024/5/2,10:00,11:00,相談 一郎,窓口,登録のない事業者\r\n"
	uitest.Must(t, os.WriteFile(p, []byte(csv), 0o600))
	f.As("kantoku", func(s *office.Session) {
		sc, ctx := readConsultations(f, s, p)
		want := []string{"事業所名", "相談日", "開始時刻", "終了時刻", "相談員", "相談形態", "相談の概要"}
		for i, sel := range sc.selects {
			if sel.Selected != want[i] {
				t.Errorf("column %d maps to %q, want %q", i, sel.Selected, want[i])
			}
		}
		test.Tap(sc.rehearseB)
		ctx.Wait()
		if !strings.Contains(sc.result.Text, "取り込める行 1 件、取り込めない行 1 件") ||
			!strings.Contains(sc.rehearsal.Rejected[0].Reason, "事業者「架空商店」が登録されていません") {
			t.Fatalf("result %q %+v", sc.result.Text, sc.rehearsal.Rejected)
		}
		test.Tap(sc.importB)
		top := ctx.Window().Canvas().Overlays().Top()
		if top == nil || !uitest.HasLabel(top, "相談記録 1 件を取り込みます。取り込めない 1 件は取り込みません。よろしいですか。") {
			t.Fatal("no confirmation naming the kind and count")
		}
		test.Tap(uitest.FindButton(t, top, "取り込む"))
		ctx.Wait()
		list, err := ctx.Office().Consultations(context.Background(), s, office.ConsultationFilter{From: "2024-05-01", To: "2024-05-01"})
		if err != nil || len(list) != 1 {
			t.Fatalf("consultations: %+v %v", list, err)
		}
	})
}

// TestImportWizardEnglish: in the English window, the reasons a rehearsal
// gives for the rows it refuses are English too.
func TestImportWizardEnglish(t *testing.T) {
	uitest.SetLanguage(t, "en")
	f := newFixture(t)
	p := filepath.Join(t.TempDir(), "consultations.csv")
	csv := "事業所名,相談日,開始時刻,終了時刻,相談員,相談方法,相談内容\r\n" +
		"テスト商店,2024/5/1,10:00,11:00,相談 一郎,窓口,移行した相談（ダミー）\r\n" +
		"架空商店,2024/5/2,10:00,11:00,相談 一郎,窓口,登録のない事業者\r\n" +
		"テスト商店,2024/5/3,10:00,11:00,山田 花子,窓口,登録のない相談員\r\n"
	uitest.Must(t, os.WriteFile(p, []byte(csv), 0o600))
	f.As("kantoku", func(s *office.Session) {
		sc, ctx := readConsultations(f, s, p)
		test.Tap(sc.rehearseB)
		ctx.Wait()
		if sc.rows.Length() != 2 {
			t.Fatalf("%d rows refused, want 2", sc.rows.Length())
		}
		want := []string{`Business "架空商店" is not registered`, `Consultant "山田 花子" is not in the list`}
		for i, w := range want {
			l := widget.NewLabel("")
			sc.showRejected(i, l)
			if !strings.Contains(l.Text, w) {
				t.Errorf("row %d reads %q, want %q", i, l.Text, w)
			}
		}
	})
}

// readConsultations opens the 取込 wizard as s with 相談記録 chosen and
// reads the file at p.
func readConsultations(f *uitest.Office, s *office.Session, p string) (*importScreen, *uitest.Host) {
	ctx := f.Host(s, fyne.NewSize(1100, 800))
	sc := newImportScreen(ctx)
	ctx.Window().SetContent(sc.object())
	sc.kind.SetSelected(tr("相談記録"))
	sc.path.SetText(p)
	test.Tap(sc.readB)
	ctx.Wait()
	return sc, ctx
}
