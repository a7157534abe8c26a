package reports

import (
	"strings"
	"testing"
	"time"
)

// testEnrollmentCode is an enrollment code in the form the server writes
// (MDG1.<address>.<pin>.<token>) for madoguchi.example.lg.jp:8443.
const testEnrollmentCode = "MDG1.bWFkb2d1Y2hpLmV4YW1wbGUubGcuanA6ODQ0Mw.AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw.yMO-ubSvqqWgm5aRjIeCfXhzbmlkX1pVUEtGQTw3Mi0"

// testEnrollmentInput is the code above as the 端末 screen shows it.
func testEnrollmentInput() EnrollmentInput {
	return EnrollmentInput{
		Office:  "港区中小企業相談窓口",
		Code:    testEnrollmentCode,
		Pin:     "AwoR GB8m LTQ7 QklQ V15l bHN6 gYiP lp2k\nq7K5 wMfO 1dw",
		Expires: time.Date(2026, 10, 2, 8, 30, 0, 0, time.UTC),
	}
}

func TestEnrollmentSheetText(t *testing.T) {
	pdf, err := New().EnrollmentSheet(testEnrollmentInput(), testFooter())
	if err != nil {
		t.Fatal(err)
	}
	flat := squeeze(pdfText(t, pdf, false))
	for _, s := range []string{"端末の登録コード", testEnrollmentCode, "港区中小企業相談窓口", "2026-10-0217:30",
		squeeze(enrollmentInstructions), "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw", "1/1"} {
		if !strings.Contains(flat, s) {
			t.Errorf("the enrollment sheet lacks %q:\n%s", s, flat)
		}
	}
}

func TestEnrollmentSheetNoCode(t *testing.T) {
	in := testEnrollmentInput()
	in.Code = ""
	if _, err := New().EnrollmentSheet(in, testFooter()); err == nil {
		t.Error("an enrollment sheet without a code rendered")
	}
}
