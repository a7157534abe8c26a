package reports

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
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

// Renderer renders the office's documents. It is safe for concurrent use:
// the font and what is parsed from it once (face) are only read, and each
// call builds its own gofpdf document with its own small copy of the font.
//
// Each document is laid out twice. The first pass only finds which
// characters it draws (with a built-in font, nothing parsed); the second
// draws it with a TrueType font cut to those characters (face.subset), which
// gofpdf parses and subsets in a fraction of the time the whole 6 MB font
// takes. Widths come from face in both passes, so the layout, and so the
// characters drawn, do not depend on which font gofpdf holds (see README.md).
type Renderer struct {
	font []byte
	face func() (*face, error)
	// fullFont gives gofpdf the whole font instead of a subset and
	// uncompressed leaves the page contents uncompressed: both for tests
	// that compare the two ways.
	fullFont, uncompressed bool
}

// bundledFace is IPAex Gothic parsed, once per process.
var bundledFace = sync.OnceValues(func() (*face, error) { return parseFace(assets.FontIPAexGothic) })

// New returns a Renderer that sets text in the bundled IPAex Gothic.
func New() *Renderer {
	return &Renderer{font: assets.FontIPAexGothic, face: bundledFace}
}

// newRenderer returns a Renderer for another TrueType font.
func newRenderer(font []byte) *Renderer {
	return &Renderer{font: font, face: sync.OnceValues(func() (*face, error) { return parseFace(font) })}
}

// jst is Japan Standard Time, the zone every printed time is shown in.
func jst() *time.Location { return record.JST() }

// doc is one document being built: the gofpdf value plus the running
// header drawn at the top of every page after the first.
type doc struct {
	pdf    *gofpdf.Fpdf
	face   *face
	family string  // the gofpdf font family text is set in
	used   runeSet // every character drawn so far
	footer func()
	cont   func()
	top    float64 // where content starts below the running header
}

// render lays out a document with draw, twice: once to find its
// characters, then with a font of just those characters (see Renderer).
// draw must draw the same thing each time it is called. Should the second
// pass draw a character the first did not (it cannot while every width
// comes from doc.width), the document is drawn a third time with the whole
// font, which is always correct.
func (r *Renderer) render(title, what string, f Footer, draw func(*doc)) ([]byte, error) {
	fc, err := r.face()
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", what, err)
	}
	var font []byte
	var used runeSet
	if !r.fullFont {
		dry := r.newDoc(title, f, fc, nil)
		draw(dry)
		dry.footer() // gofpdf draws the last page's footer in Output
		used = dry.used
		font = fc.subset(&used)
	}
	if font != nil {
		d := r.newDoc(title, f, fc, font)
		draw(d)
		out, err := d.finish(what)
		if err != nil || d.used.within(&used) {
			return out, err
		}
	}
	// gofpdf writes into the bytes it is given (it pads table slices in
	// place when it subsets the font), so it gets a copy of the whole font:
	// the Renderer's, which the UI uses too, is never written to.
	d := r.newDoc(title, f, fc, bytes.Clone(r.font))
	draw(d)
	return d.finish(what)
}

// newDoc starts an A4 document with the margins, footer and deterministic
// metadata, and adds its first page. Text is set in font, a TrueType font
// with the glyphs of every character the document draws; with font nil it
// is set in a built-in font, for a pass that only finds the characters.
func (r *Renderer) newDoc(title string, f Footer, fc *face, font []byte) *doc {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AliasNbPages("{nb}")
	d := &doc{pdf: pdf, face: fc, family: "Helvetica", top: contentTop}
	if font != nil {
		pdf.AddUTF8FontFromBytes(fontFamily, "", font)
		d.family = fontFamily
	}
	pdf.SetCompression(!r.uncompressed)
	pdf.SetMargins(margin, contentTop, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCreationDate(f.PrintedAt.In(jst()))
	pdf.SetModificationDate(f.PrintedAt.In(jst()))
	pdf.SetCatalogSort(true)
	pdf.SetProducer(producer, false)
	pdf.SetCreator(producer, false)
	pdf.SetTitle(title, true)
	d.footer = func() { d.drawFooter(f) }
	pdf.SetFooterFunc(d.footer)
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

// text writes s in a cell of width w and height h, as CellFormat with no
// border or fill; all text is drawn through it, so that used holds every
// character of the document. A character beyond the BMP (𠮷, 𩸽, an emoji)
// is drawn as 〓: gofpdf reads only the BMP cmap of a font, and panics
// writing a document that has such a character.
func (d *doc) text(w, h float64, s string, ln int, align string) {
	s = bmpOnly(s)
	d.used.addString(s)
	d.pdf.CellFormat(w, h, s, "", ln, align, false, 0, "")
}

// geta (〓) is drawn in place of a character gofpdf cannot draw.
const geta = '〓'

// bmpOnly replaces the characters of s beyond the BMP with geta.
func bmpOnly(s string) string {
	for _, r := range s {
		if r > 0xFFFF {
			return strings.Map(func(r rune) rune {
				if r > 0xFFFF {
					return geta
				}
				return r
			}, s)
		}
	}
	return s
}

// width is the width of s at the current font size, exactly as gofpdf's
// GetStringWidth gives it with the whole font loaded, whatever font the
// document holds; a character beyond the BMP measures as the geta drawn for
// it.
func (d *doc) width(s string) float64 {
	_, size := d.pdf.GetFontSize()
	return float64(d.face.symbolWidth(s)) * size / 1000
}

// drawFooter draws the page footer: a rule, 取扱注意 and the page number on
// the first line, who printed the document, when, and its number on the
// second.
func (d *doc) drawFooter(f Footer) {
	p := d.pdf
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.2)
	p.Line(margin, footerY, pageW-margin, footerY)
	d.font(footerSize)
	p.SetXY(margin, footerY+0.8)
	d.text(contentW/2, 4.2, "取扱注意（個人情報）", 0, "L")
	d.text(contentW/2, 4.2, fmt.Sprintf("%d / {nb}", p.PageNo()), 0, "R")
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
func (d *doc) font(pt float64) { d.pdf.SetFont(d.family, "", pt) }

// fitCell writes s on one line of width w, shrinking the type from pt down to
// 6 pt when it is too wide; the font size is restored afterwards.
func (d *doc) fitCell(w, h float64, s string, pt float64) {
	size := pt
	for size > 6 && d.width(s)+2*d.pdf.GetCellMargin() > w {
		size -= 0.5
		d.font(size)
	}
	d.text(w, h, s, 1, "L")
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
