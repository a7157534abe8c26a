package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// EnrollmentInput is an enrollment code issued for a new PC, as the 端末
// screen shows it: the office's name on the central server, the code, the
// server's pin as the screen groups it (lines separated by "\n") and when
// the code stops working.
type EnrollmentInput struct {
	Office  string
	Code    string
	Pin     string
	Expires time.Time
}

// Layout of the enrollment sheet, in millimetres and points.
const (
	codeSize     = 15.0 // type size of the code
	codeCellW    = 4.9  // every character of the code gets a cell this wide
	codeLineH    = 8.0
	codePerLine  = 32 // characters per line of the code, in groups of codeGroup
	codeGroup    = 4
	codeGroupW   = 2.0  // extra space between groups
	qrSide       = 70.0 // the QR code with its quiet zone
	qrQuiet      = 4    // modules of white around the QR code
	enrollLabelW = 38.0 // the labels of the office and the expiry
)

// enrollmentInstructions is what the person at the new PC does with the
// sheet.
const enrollmentInstructions = "新しいパソコンで「既存の窓口に参加」を選び、このコードを入力するか、このQRコードの画像を読み込みます。" +
	"コードは一度だけ使えます。有効期限を過ぎると使えません。この用紙は登録が済んだら破棄してください。"

// EnrollmentSheet renders 端末の登録コード: one page with the office, the
// expiry, the code in large type in fixed-width cells (so it can be typed
// from paper), the code as a QR code, the server's fingerprint and what to
// do with the sheet.
func (r *Renderer) EnrollmentSheet(in EnrollmentInput, f Footer) ([]byte, error) {
	if in.Code == "" {
		return nil, fmt.Errorf("enrollment sheet: the code is missing")
	}
	qr, err := encoder.Encoder_encode(in.Code, decoder.ErrorCorrectionLevel_M, nil)
	if err != nil {
		return nil, fmt.Errorf("enrollment sheet: QR code: %w", err)
	}
	m := qr.GetMatrix()
	return r.render("端末の登録コード", "enrollment sheet", f, func(d *doc) {
		d.title("端末の登録コード", "")
		expires := ""
		if !in.Expires.IsZero() {
			expires = in.Expires.In(jst()).Format("2006-01-02 15:04") + "（JST）"
		}
		d.row(lbl(enrollLabelW, "窓口（サーバー）"), val(contentW-enrollLabelW, in.Office))
		d.row(lbl(enrollLabelW, "有効期限"), val(contentW-enrollLabelW, expires))
		d.gap(4)
		d.heading("登録コード")
		d.gap(2)
		d.code(in.Code)
		d.gap(4)
		d.qr(m.GetWidth(), func(x, y int) bool { return m.Get(x, y) == 1 })
		d.gap(4)
		d.heading("サーバーの指紋")
		d.gap(1)
		d.font(12)
		for _, ln := range strings.Split(in.Pin, "\n") {
			d.line(margin, d.pdf.GetY(), contentW, ln, "C")
			d.gap(6)
		}
		d.font(bodySize)
		d.gap(4)
		d.heading("使い方")
		d.gap(1)
		d.paragraph(0, enrollmentInstructions)
	})
}

// code draws an enrollment code centred in large type, every character in
// a cell of the same width, codePerLine characters a line in groups of
// codeGroup. Nothing is inserted between the characters, so the text read
// back from the PDF is the code.
func (d *doc) code(s string) {
	d.font(codeSize)
	lineW := codePerLine*codeCellW + (codePerLine/codeGroup-1)*codeGroupW
	left := margin + (contentW-lineW)/2
	for len(s) > 0 {
		n := min(len(s), codePerLine)
		y := d.pdf.GetY()
		for i, c := range s[:n] {
			x := left + float64(i)*codeCellW + float64(i/codeGroup)*codeGroupW
			d.pdf.SetXY(x, y)
			d.text(codeCellW, codeLineH, string(c), 0, "C")
		}
		s = s[n:]
		d.pdf.SetY(y + codeLineH)
	}
	d.font(bodySize)
}

// qr draws a QR code of n×n modules (dark(x, y) tells which are dark)
// centred, qrSide wide with its quiet zone, each row's runs of dark modules
// as one rectangle.
func (d *doc) qr(n int, dark func(x, y int) bool) {
	mod := qrSide / float64(n+2*qrQuiet)
	left := margin + (contentW-qrSide)/2 + qrQuiet*mod
	top := d.pdf.GetY() + qrQuiet*mod
	d.pdf.SetFillColor(0, 0, 0)
	for y := 0; y < n; y++ {
		for x := 0; x < n; {
			if !dark(x, y) {
				x++
				continue
			}
			end := x
			for end < n && dark(end, y) {
				end++
			}
			d.pdf.Rect(left+float64(x)*mod, top+float64(y)*mod, float64(end-x)*mod, mod, "F")
			x = end
		}
	}
	d.pdf.SetY(d.pdf.GetY() + qrSide)
}
