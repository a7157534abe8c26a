package reports

import (
	"runtime"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// maxSheetBytes is the size budget of one consultation sheet with the
// subset font.
const maxSheetBytes = 120 << 10

func TestSheetSize(t *testing.T) {
	r := New()
	for _, doc := range documents(t) {
		n := len(doc.render(t))
		t.Logf("%s: %d bytes", doc.name, n)
		if n > maxSheetBytes && doc.name != "ledger" {
			t.Errorf("%s is %d bytes, budget %d", doc.name, n, maxSheetBytes)
		}
	}
	pdf, err := r.ConsultationSheet(testSheetInput(longJapanese(400)), testFooter())
	if err != nil {
		t.Fatal(err)
	}
	if len(pdf) > maxSheetBytes {
		t.Errorf("consultation sheet is %d bytes, budget %d", len(pdf), maxSheetBytes)
	}
}

// BenchmarkFontLoad measures what gofpdf spends on the whole font in a
// document: parsing IPAex Gothic, then subsetting it on output. A Renderer
// gives gofpdf a font cut to the document's characters instead (font.go).
func BenchmarkFontLoad(b *testing.B) {
	r := New()
	for b.Loop() {
		p := gofpdf.New("P", "mm", "A4", "")
		p.AddUTF8FontFromBytes(fontFamily, "", r.font)
		p.SetFont(fontFamily, "", bodySize)
		p.AddPage()
		p.CellFormat(50, 5, "相談票", "", 0, "L", false, 0, "")
		if err := p.Output(discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// discard is an io.Writer that drops everything.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkConsultationSheet(b *testing.B) {
	r := New()
	in, f := testSheetInput(longJapanese(400)), testFooter()
	var size int
	for b.Loop() {
		pdf, err := r.ConsultationSheet(in, f)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size)/1024, "KB/sheet")
}

func BenchmarkBatch200(b *testing.B) {
	r := New()
	in, f := testSheetInput(longJapanese(400)), testFooter()
	for b.Loop() {
		for range 200 {
			if _, err := r.ConsultationSheet(in, f); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkBatch200Parallel renders 200 sheets on all cores, as a batch
// print may: a Renderer is safe for concurrent use.
func BenchmarkBatch200Parallel(b *testing.B) {
	r := New()
	in, f := testSheetInput(longJapanese(400)), testFooter()
	for b.Loop() {
		errs := make(chan error, 200)
		sem := make(chan struct{}, max(1, gomaxprocs()))
		for range 200 {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				_, err := r.ConsultationSheet(in, f)
				errs <- err
			}()
		}
		for range 200 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
}

// gomaxprocs is how many goroutines run at once.
func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkBatch200OneDocument renders 200 sheets into one document with
// ConsultationSheets: the font is parsed and subset once.
func BenchmarkBatch200OneDocument(b *testing.B) {
	r := New()
	ins := make([]SheetInput, 200)
	for i := range ins {
		ins[i] = testSheetInput(longJapanese(400))
	}
	f := testFooter()
	for b.Loop() {
		if _, err := r.ConsultationSheets(ins, f); err != nil {
			b.Fatal(err)
		}
	}
}
