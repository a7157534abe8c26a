package reports_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// TestEnrollmentSheetQRReads prints the sheet of a code, renders its page
// as an image (pdftoppm, as a scanner or a screenshot would) and reads the
// code back from the QR code on it with syncagent.CodeFromImage.
func TestEnrollmentSheetQRReads(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils): the QR code on the sheet is not read back")
	}
	const code = "MDG1.bWFkb2d1Y2hpLmV4YW1wbGUubGcuanA6ODQ0Mw.AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw.yMO-ubSvqqWgm5aRjIeCfXhzbmlkX1pVUEtGQTw3Mi0"
	pdf, err := reports.New().EnrollmentSheet(reports.EnrollmentInput{Office: "港区中小企業相談窓口", Code: code,
		Pin: "AwoR GB8m LTQ7 QklQ V15l bHN6 gYiP lp2k\nq7K5 wMfO 1dw", Expires: time.Date(2026, 10, 2, 8, 30, 0, 0, time.UTC)},
		reports.Footer{PrintedBy: "管理 花子（kanri）", PrintedAt: time.Date(2026, 10, 1, 8, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "sheet.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dpi := range []string{"60", "100", "200"} {
		out := filepath.Join(dir, "page"+dpi)
		if b, err := exec.Command("pdftoppm", "-png", "-r", dpi, "-singlefile", in, out).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v: %s", err, b)
		}
		png, err := os.ReadFile(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		got, err := syncagent.CodeFromImage(bytes.NewReader(png))
		if err != nil || got != code {
			t.Fatalf("%s dpi: read %q, %v", dpi, got, err)
		}
	}
}
