package migrate

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// The encodings a table can have been read in, as shown to people.
const (
	EncUTF8    = "UTF-8"
	EncUTF8BOM = "UTF-8（BOM付き）"
	EncSJIS    = "Shift_JIS（CP932）"
	EncXLSX    = "Excelブック（xlsx）"
)

// maxFileSize bounds what is read: far more than an office's lists.
const maxFileSize = 256 << 20

// headerScan is how many rows from the top may hold titles before the
// header row.
const headerScan = 30

// Row is one data row of a table with its row number in the file (1-based,
// as a spreadsheet shows it).
type Row struct {
	Line  int
	Cells []string
}

// Table is a file read for import: its encoding, the header row that was
// found and the rows below it. Empty rows are dropped.
type Table struct {
	Encoding   string
	HeaderLine int // 0 when no row looked like a header (the first row is used)
	Headers    []string
	Rows       []Row
}

// errFile is the error people see for a file that cannot be read as a
// table.
func errFile(msg, en string) error {
	return &record.FieldError{Field: "ファイル", Msg: msg, En: "File: " + en}
}

// ReadFile reads a .csv or .xlsx file by its extension.
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errFile("ファイル "+filepath.Base(path)+" を開けません。場所と名前を確かめてください。",
			filepath.Base(path)+" cannot be opened. Check its folder and name.")
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		return ReadCSV(f)
	case ".xlsx", ".xlsm":
		return ReadXLSX(f)
	}
	return nil, errFile("取り込めるのは CSV（.csv）と Excel ブック（.xlsx）です。", "only CSV (.csv) and Excel workbooks (.xlsx) can be imported.")
}

// ReadCSV reads comma-separated text in UTF-8 (with or without a byte
// order mark) or Shift_JIS/CP932 (Japanese Excel's "CSV"), the encoding
// told apart by whether the bytes are valid UTF-8.
func ReadCSV(r io.Reader) (*Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(b) > maxFileSize {
		return nil, errFile("ファイルが大きすぎます（256MBまで）。", "the file is too large (256 MB at most).")
	}
	text, enc, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var rows [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, errFile(fmt.Sprintf("CSV の %d 行目が読めません（引用符「\"」の対応を確かめてください）。", pe.StartLine),
					fmt.Sprintf("line %d of the CSV cannot be read (check that its quotes \" pair up).", pe.StartLine))
			}
			return nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, line)
	}
	return makeTable(enc, rows, lines), nil
}

// decodeText returns b as UTF-8 text and the encoding it was in.
func decodeText(b []byte) (string, string, error) {
	if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
		if !utf8.Valid(rest) {
			return "", "", errFile("文字コードが読み取れません。UTF-8 か Shift_JIS で保存し直してください。", "its character encoding cannot be read. Save it again as UTF-8 or Shift_JIS.")
		}
		return string(rest), EncUTF8BOM, nil
	}
	if utf8.Valid(b) {
		return string(b), EncUTF8, nil
	}
	s, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), b)
	if err != nil || bytes.ContainsRune(s, utf8.RuneError) {
		return "", "", errFile("文字コードが読み取れません。UTF-8 か Shift_JIS で保存し直してください。", "its character encoding cannot be read. Save it again as UTF-8 or Shift_JIS.")
	}
	return string(s), EncSJIS, nil
}

// ReadXLSX reads the first worksheet of an Excel workbook, as the cells'
// shown text.
func ReadXLSX(r io.Reader) (t *Table, err error) {
	defer func() {
		if p := recover(); p != nil { // a damaged workbook must not end the program
			t, err = nil, errFile("Excel ブックが壊れているため読めません。Excel で開いて保存し直してください。", "the workbook is damaged. Open it in Excel and save it again.")
		}
	}()
	// Parts larger than excelize's default UnzipXMLSizeLimit (16 MB) go
	// to a temporary file, so a large sheet is not held unzipped.
	f, err := excelize.OpenReader(io.LimitReader(r, maxFileSize), excelize.Options{UnzipSizeLimit: 4 * maxFileSize})
	if err != nil {
		return nil, errFile("Excel ブック（.xlsx）として読めません。Excel で開いて .xlsx で保存し直してください。", "it cannot be read as an Excel workbook (.xlsx). Open it in Excel and save it as .xlsx.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errFile("Excel ブックにシートがありません。", "the workbook has no sheet.")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, errFile("Excel ブックの最初のシートが読めません。", "the first sheet of the workbook cannot be read.")
	}
	defer it.Close()
	var rows [][]string
	var lines []int
	for it.Next() {
		cols, err := it.Columns()
		if err != nil {
			return nil, errFile(fmt.Sprintf("Excel ブックの %d 行目が読めません。", len(rows)+1), fmt.Sprintf("row %d of the workbook cannot be read.", len(rows)+1))
		}
		rows, lines = append(rows, cols), append(lines, len(rows)+1)
	}
	if err := it.Error(); err != nil {
		return nil, errFile("Excel ブックの最初のシートが読めません。", "the first sheet of the workbook cannot be read.")
	}
	return makeTable(EncXLSX, rows, lines), nil
}

// makeTable finds the header row and keeps the non-empty rows below it;
// lines[i] is the row number of rows[i] in the file.
func makeTable(enc string, rows [][]string, lines []int) *Table {
	t := &Table{Encoding: enc}
	h := headerRow(rows)
	if h >= 0 {
		t.HeaderLine = lines[h]
		t.Headers = trimCells(rows[h])
	} else {
		h = firstNonEmpty(rows)
		if h < 0 {
			return t
		}
		t.Headers = trimCells(rows[h])
	}
	for i := h + 1; i < len(rows); i++ {
		cells := trimCells(rows[i])
		if !empty(cells) {
			t.Rows = append(t.Rows, Row{Line: lines[i], Cells: cells})
		}
	}
	return t
}

// headerRow returns the index of the first row (among the first
// headerScan) in which at least two cells are known field names, or -1.
func headerRow(rows [][]string) int {
	for i := 0; i < len(rows) && i < headerScan; i++ {
		n := 0
		for _, c := range rows[i] {
			if knownHeader(c) {
				n++
			}
		}
		if n >= 2 {
			return i
		}
	}
	return -1
}

func firstNonEmpty(rows [][]string) int {
	for i, r := range rows {
		if !empty(r) {
			return i
		}
	}
	return -1
}

func trimCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

func empty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Cell returns the row's cell in column i, "" past its end.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}
