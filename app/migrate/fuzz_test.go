package migrate

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadCSV: any bytes read as a table or as an error, never a panic,
// and every row's line number lies below the header.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(genCSV(2)))
	f.Add(append([]byte("\xef\xbb\xbf"), genCSV(1)...))
	f.Add(sjis(f, genCSV(2)))
	f.Add([]byte("\"a,b\n\"\"\n,,,"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range tb.Rows {
			if r.Line <= tb.HeaderLine {
				t.Fatalf("row %d above header %d", r.Line, tb.HeaderLine)
			}
		}
		_, _ = CheckRows("fuzz", tb, AutoMapping(tb.Headers))
	})
}

// FuzzReadXLSX: any bytes given as a workbook read as a table or as an
// error, never a panic.
func FuzzReadXLSX(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed.xlsx")
	genXLSX(f, path, 3)
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ReadXLSX(bytes.NewReader(data))
		if err == nil && tb == nil {
			t.Fatal("no table and no error")
		}
	})
}

// FuzzParseMapping: any bytes are a checked mapping or an error, and a
// mapping that parses encodes and parses back to the same columns.
func FuzzParseMapping(f *testing.F) {
	m := AutoMapping(testHeaders)
	b, _ := m.Marshal()
	f.Add(b)
	f.Add([]byte(`{"format":"madoguchi-import-mapping","version":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping(data)
		if err != nil {
			return
		}
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ParseMapping(b)
		if err != nil || len(m2.Columns) != len(m.Columns) {
			t.Fatalf("round trip: %v %d %d", err, len(m2.Columns), len(m.Columns))
		}
	})
}
