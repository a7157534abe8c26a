package reports

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDeterministic(t *testing.T) {
	for _, doc := range documents(t) {
		t.Run(doc.name, func(t *testing.T) {
			a, b := doc.render(t), doc.render(t)
			if !bytes.Equal(a, b) {
				t.Errorf("two renders differ (%d and %d bytes)", len(a), len(b))
			}
			if !bytes.HasPrefix(a, []byte("%PDF-")) {
				t.Errorf("not a PDF: %q", a[:min(len(a), 8)])
			}
		})
	}
}

func TestPrintedAtChangesOutput(t *testing.T) {
	r := New()
	f := testFooter()
	a, err := r.BlankSheet(SheetInput{}, f)
	if err != nil {
		t.Fatal(err)
	}
	f.PrintedAt = f.PrintedAt.Add(time.Minute)
	b, err := r.BlankSheet(SheetInput{}, f)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("a different PrintedAt gave the same bytes")
	}
}

func TestContinuationPages(t *testing.T) {
	in := testSheetInput(longJapanese(2500))
	pdf, err := New().ConsultationSheet(in, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(pdfText(t, pdf, false), "\f")
	if len(pages) < 3 { // at least two pages and the empty piece after the last \f
		t.Fatalf("want at least 2 pages, got %d", len(pages)-1)
	}
	if !strings.Contains(pages[0], "相談票") || strings.Contains(pages[0], "相談票（続き）") {
		t.Errorf("page 1 is not headed 相談票:\n%s", pages[0])
	}
	n := len(pages) - 1
	for i, p := range pages[1:n] {
		if !strings.Contains(p, "相談票（続き）") {
			t.Errorf("page %d is not headed 相談票（続き）", i+2)
		}
	}
	if want := fmt.Sprintf("1/%d", n); !strings.Contains(squeeze(pages[0]), want) {
		t.Errorf("page 1 lacks %q", want)
	}
	if !strings.Contains(pages[n-1], "次回対応") {
		t.Error("the last page lacks 次回対応")
	}
}

// TestLongParagraphRoundTrip renders a long mixed paragraph across pages
// and checks pdftotext gives back every character in order.
func TestLongParagraphRoundTrip(t *testing.T) {
	text := longJapanese(2500)
	if n := len([]rune(text)); n < 2000 {
		t.Fatalf("paragraph has %d characters, want > 2000", n)
	}
	in := testSheetInput(text)
	in.Consultation.Case.Guidance, in.Consultation.Case.Impression, in.Consultation.Case.Note = "", "", ""
	pdf, err := New().ConsultationSheet(in, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	got := squeeze(pdfText(t, pdf, false))
	start := strings.Index(got, "【相談の概要】")
	end := strings.Index(got, "【案内した制度】")
	if start < 0 || end < start {
		t.Fatal("section headings not found")
	}
	body := got[start+len("【相談の概要】") : end]
	// Page furniture between pages (footer, continuation header), in the
	// order pdftotext happens to give it; none of it occurs in the text.
	furniture := regexp.MustCompile(`取扱注意（個人情報）|出力者受付太郎出力日時2026年10月1日17:30（JST）|\d+/\d+|` +
		`文書番号DOC-2026-0001|相談票（続き）|記録番号C-TEST000001|状態確定|相談日|2026年10月1日（木）|令和8年10月1日|事業所名|テスト商店`)
	body = furniture.ReplaceAllString(body, "")
	if want := squeeze(text); body != want {
		i := 0
		for i < len(body) && i < len(want) && body[i] == want[i] {
			i++
		}
		t.Errorf("text differs at byte %d:\n got …%s\nwant …%s", i, body[i:min(len(body), i+60)], want[i:min(len(want), i+60)])
	}
}

func TestRenderErrors(t *testing.T) {
	r := New()
	f := testFooter()
	bad := testSheetInput("x")
	bad.Consultation.Date = "2026-13-45"
	res := testReservationInput()
	res.Reservation.ReceivedOn = "昨日"
	att := testAttendanceInput()
	att.Applications[0].AppliedOn = "9月1日"
	tests := []struct {
		name string
		run  func() ([]byte, error)
		want string
	}{
		{"consultation date", func() ([]byte, error) { return r.ConsultationSheet(bad, f) }, "consultation sheet: 相談日"},
		{"reservation received", func() ([]byte, error) { return r.ReservationSheet(res, f) }, "reservation sheet: 受付日"},
		{"application date", func() ([]byte, error) { return r.Attendance(att, f) }, "attendance list: 申込日"},
		{"deletion time", func() ([]byte, error) { return r.DeletionReport(DeletionInput{}, f) }, "deletion report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.run()
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want prefix %q", err, tt.want)
			}
			if b != nil {
				t.Error("bytes returned with an error")
			}
		})
	}
}

func TestWithheldContent(t *testing.T) {
	in := testSheetInput("秘密の相談内容")
	in.Consultation.Case = nil
	pdf, err := New().ConsultationSheet(in, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	text := squeeze(pdfText(t, pdf, false))
	if strings.Contains(text, "秘密の相談内容") || strings.Contains(text, "テスト信用金庫") {
		t.Error("case content printed without a case")
	}
	if !strings.Contains(text, "閲覧権限がないため印刷していません") {
		t.Error("no note that the content is withheld")
	}
}

func TestEmptyLists(t *testing.T) {
	r := New()
	f := testFooter()
	tests := []struct {
		name string
		run  func() ([]byte, error)
		want string
	}{
		{"schedule", func() ([]byte, error) { return r.DaySchedule(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), nil, f) }, "予定はありません"},
		{"ledger", func() ([]byte, error) { return r.Ledger("管理簿", nil, f) }, "記録はありません"},
		{"attendance", func() ([]byte, error) { return r.Attendance(AttendanceInput{}, f) }, "申込はありません"},
		{"statistics", func() ([]byte, error) { return r.Statistics(StatsInput{Title: "統計報告"}, f) }, "相談件数0件"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			if text := squeeze(pdfText(t, pdf, false)); !strings.Contains(text, tt.want) {
				t.Errorf("missing %q in %s", tt.want, text)
			}
		})
	}
}

func TestConsultationSheets(t *testing.T) {
	r := New()
	if _, err := r.ConsultationSheets(nil, testFooter()); err == nil {
		t.Error("no error for no sheets")
	}
	a, b := testSheetInput("一枚目の概要"), testSheetInput("")
	b.Consultation = nil
	b.Business.Name = "サンプル食堂"
	pdf, err := r.ConsultationSheets([]SheetInput{a, b}, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(pdfText(t, pdf, false), "\f")
	if len(pages) != 3 {
		t.Fatalf("want 2 pages, got %d", len(pages)-1)
	}
	if p := squeeze(pages[0]); !strings.Contains(p, "一枚目の概要") || !strings.Contains(p, "1/2") {
		t.Errorf("page 1 is not the first sheet:\n%s", p)
	}
	if p := squeeze(pages[1]); !strings.Contains(p, "サンプル食堂") || strings.Contains(p, "続き") || !strings.Contains(p, "2/2") {
		t.Errorf("page 2 is not the second sheet:\n%s", p)
	}
	bad := testSheetInput("")
	bad.Consultation.Case.NextDue = "来週"
	if _, err := r.ConsultationSheets([]SheetInput{a, bad}, testFooter()); err == nil || !strings.Contains(err.Error(), "sheet 2") {
		t.Errorf("err = %v, want one naming sheet 2", err)
	}
}

func TestConsultationSheetsContext(t *testing.T) {
	r := New()
	ins := []SheetInput{testSheetInput("一枚目"), testSheetInput("二枚目"), testSheetInput("三枚目")}
	var got []int
	pdf, err := r.ConsultationSheetsContext(context.Background(), ins, testFooter(), func(done, total int) {
		if total != len(ins) {
			t.Errorf("total %d, want %d", total, len(ins))
		}
		got = append(got, done)
	})
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("render: %v", err)
	}
	if !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("progress %v, want 1 2 3", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = r.ConsultationSheetsContext(ctx, ins, testFooter(), func(done, _ int) {
		if done == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New()
	in, f := testSheetInput(longJapanese(300)), testFooter()
	want, err := r.ConsultationSheet(in, f)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := r.ConsultationSheet(in, f)
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a concurrent render differs")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestFontNotWritten guards against gofpdf padding font tables in place:
// the padding after each table of a copy of the font is set to 0xFF, which
// any write shows.
func TestFontNotWritten(t *testing.T) {
	font := markPadding(bytes.Clone(New().font))
	r := newRenderer(font)
	before := bytes.Clone(font)
	if _, err := r.ConsultationSheet(testSheetInput("概要"), testFooter()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, font) {
		t.Error("rendering wrote into the font bytes the Renderer holds")
	}
}

// markPadding sets the padding bytes after every TrueType table whose length
// is not a multiple of 4 to 0xFF.
func markPadding(font []byte) []byte {
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := range n {
		rec := font[12+16*i:]
		off, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		for j := off + length; j%4 != 0 && j < len(font); j++ {
			font[j] = 0xFF
		}
	}
	return font
}

func TestSameInstantAnyZone(t *testing.T) {
	r := New()
	f := testFooter()
	a, err := r.BlankSheet(SheetInput{}, f)
	if err != nil {
		t.Fatal(err)
	}
	f.PrintedAt = f.PrintedAt.In(time.FixedZone("EST", -5*60*60))
	b, err := r.BlankSheet(SheetInput{}, f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same instant in another zone gave other bytes")
	}
}
