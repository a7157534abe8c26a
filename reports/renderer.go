package reports

import (
	"bytes"
	"fmt"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/assets"
)

// Page geometry in millimetres and type sizes in points.
const (
	pageW      = 210.0
	margin     = 15.0
	contentW   = pageW - 2*margin
	contentTop = margin
	bottomY    = 270.0 // content stops here; the footer sits below
	footerY    = 274.0
	lineH      = 5.2 // one line of body text
	titleSize  = 16.0
	bodySize   = 10.0
	smallSize  = 8.5
	footerSize = 8.0
	fontFamily = "ipaexg"
	producer   = "madoguchi reports"
)

// Footer goes on every page: 取扱注意（個人情報）, 出力者 PrintedBy, 出力日時
// PrintedAt (JST, 西暦), 文書番号 DocID, and "n / m" page numbers. PrintedAt
// is also the PDF's creation and modification date, which keeps the output
// deterministic: the same instant gives the same bytes in any time zone. A
// zero PrintedAt leaves the footer's time empty, and gofpdf then dates the
// file with the current time.
type Footer struct {
	PrintedBy string
	PrintedAt time.Time
	DocID     string
}

// Renderer renders the office's documents. It holds the font bytes only and
// is safe for concurrent use: each call builds its own gofpdf document from
// its own copy of the font, and never writes to the font it holds.
//
// gofpdf parses the TrueType font inside every document (AddUTF8FontFromBytes,
// about 10 ms for IPAex Gothic) and parses it again when it writes the font
// subset (about 9 ms); it offers no way to share parsed font data between
// documents, so this cost is paid once per call (see README.md).
type Renderer struct {
	font []byte
}

// New returns a Renderer that sets text in the bundled IPAex Gothic.
func New() *Renderer {
	return &Renderer{font: assets.FontIPAexGothic}
}

// jst is Japan Standard Time, the zone every printed time is shown in.
func jst() *time.Location { return record.JST() }

// doc is one document being built: the gofpdf value plus the running
// header drawn at the top of every page after the first.
type doc struct {
	pdf  *gofpdf.Fpdf
	cont func()
	top  float64 // where content starts below the running header
}

// newDoc starts an A4 document with the font, margins, footer and
// deterministic metadata, and adds its first page.
func (r *Renderer) newDoc(title string, f Footer) *doc {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AliasNbPages("{nb}")
	// gofpdf writes into the bytes it is given (it pads table slices in
	// place when it subsets the font), so each document gets its own copy:
	// the shared font, which the UI uses too, is never written to.
	pdf.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(r.font))
	pdf.SetMargins(margin, contentTop, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCreationDate(f.PrintedAt.In(jst()))
	pdf.SetModificationDate(f.PrintedAt.In(jst()))
	pdf.SetCatalogSort(true)
	pdf.SetProducer(producer, false)
	pdf.SetCreator(producer, false)
	pdf.SetTitle(title, true)
	d := &doc{pdf: pdf, top: contentTop}
	pdf.SetFooterFunc(func() { d.footer(f) })
	pdf.AddPage()
	d.font(bodySize)
	return d
}

// finish closes the document and returns its bytes.
func (d *doc) finish(what string) ([]byte, error) {
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("render %s: %w", what, err)
	}
	return b.Bytes(), nil
}

// footer draws the page footer: a rule, 取扱注意 and the page number on the
// first line, who printed the document, when, and its number on the second.
func (d *doc) footer(f Footer) {
	p := d.pdf
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.2)
	p.Line(margin, footerY, pageW-margin, footerY)
	d.font(footerSize)
	p.SetXY(margin, footerY+0.8)
	p.CellFormat(contentW/2, 4.2, "取扱注意（個人情報）", "", 0, "L", false, 0, "")
	p.CellFormat(contentW/2, 4.2, fmt.Sprintf("%d / {nb}", p.PageNo()), "", 0, "R", false, 0, "")
	info := fmt.Sprintf("出力者 %s　出力日時 %s　文書番号 %s",
		f.PrintedBy, formatStamp(f.PrintedAt), f.DocID)
	p.SetXY(margin, footerY+5)
	d.fitCell(contentW, 4.2, info, footerSize)
}

// formatStamp writes an instant in JST and 西暦: "2026年11月23日 18:55（JST）".
func formatStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(jst())
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d（JST）", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
}

// font selects the document font at size pt.
func (d *doc) font(pt float64) { d.pdf.SetFont(fontFamily, "", pt) }

// fitCell writes s on one line of width w, shrinking the type from pt down to
// 6 pt when it is too wide; the font size is restored afterwards.
func (d *doc) fitCell(w, h float64, s string, pt float64) {
	size := pt
	for size > 6 && d.pdf.GetStringWidth(s)+2*d.pdf.GetCellMargin() > w {
		size -= 0.5
		d.font(size)
	}
	d.pdf.CellFormat(w, h, s, "", 1, "L", false, 0, "")
	d.font(pt)
}

// room reports whether h more millimetres fit on the current page.
func (d *doc) room(h float64) bool { return d.pdf.GetY()+h <= bottomY }

// ensure starts a new page when h more millimetres do not fit.
func (d *doc) ensure(h float64) {
	if !d.room(h) {
		d.newPage()
	}
}

// newPage adds a page and draws the running header on it.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.font(bodySize)
	if d.cont != nil {
		d.cont()
	}
	d.top = d.pdf.GetY()
}
