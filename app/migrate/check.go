package migrate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// requiredFields are the fields a business cannot be saved without
// (record.Business.Validate): a mapping must fill them.
var requiredFields = []string{"name", "kana", "phone"}

// Rejected is a row that will not be imported and why, in plain Japanese.
type Rejected struct {
	Line      int
	Name      string // the 事業所名 the row gives, to find it in the file
	Reason    string
	Duplicate bool // it looks like a stored business or an earlier row
}

// Rehearsal is the result of checking a whole file (仮移行): the records
// that would be imported and the rows that would not. It writes nothing.
type Rehearsal struct {
	Source   string // the file's name, for the report and the 管理簿
	Table    *Table
	Mapping  Mapping
	Records  []*record.Business
	Lines    []int // the row number of each record
	Rejected []Rejected
}

// Total is the number of data rows read.
func (r *Rehearsal) Total() int { return len(r.Records) + len(r.Rejected) }

// CheckRows turns every row into a business and checks it against the item
// definitions (required fields, dates in 西暦 or 和暦, phone numbers, postal
// codes, choices) and against the rows before it (same name or phone
// number). It does not look at the vault; Rehearse does.
func CheckRows(source string, t *Table, m Mapping) (*Rehearsal, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	cols := m.columnsOf(t.Headers)
	for _, k := range requiredFields {
		if !filled(cols, k) {
			f, _ := FieldByKey(k)
			return nil, errMapping(fmt.Sprintf("必須の項目「%s」に対応する列がありません。対応表で列を選んでください。", f.Label))
		}
	}
	r := &Rehearsal{Source: source, Table: t, Mapping: m}
	seen := map[string]int{} // normalised name or phone → line
	for _, row := range t.Rows {
		b, err := convert(row, cols)
		if err != nil {
			r.Rejected = append(r.Rejected, Rejected{Line: row.Line, Name: b.Name, Reason: reason(err)})
			continue
		}
		if line, dup := firstSeen(seen, b, row.Line); dup {
			r.Rejected = append(r.Rejected, Rejected{Line: row.Line, Name: b.Name, Duplicate: true,
				Reason: fmt.Sprintf("ファイルの%d行目と同じ事業者のようです（事業所名か電話番号が同じです）", line)})
			continue
		}
		r.Records = append(r.Records, b)
		r.Lines = append(r.Lines, row.Line)
	}
	return r, nil
}

func filled(cols []*Field, key string) bool {
	for _, f := range cols {
		if f != nil && f.Key == key {
			return true
		}
	}
	return false
}

// convert fills a business from the row's mapped cells and validates it.
func convert(row Row, cols []*Field) (*record.Business, error) {
	b := &record.Business{}
	var probs record.Problems
	for i, f := range cols {
		if f == nil {
			continue
		}
		if err := f.set(b, row.Cell(i)); err != nil {
			probs = append(probs, err)
		}
	}
	if err := b.Validate(); err != nil {
		var ps record.Problems
		if !errors.As(err, &ps) {
			return b, err
		}
		for _, p := range ps {
			if !sameField(probs, p) {
				probs = append(probs, p)
			}
		}
	}
	if len(probs) > 0 {
		return b, probs
	}
	return b, nil
}

// sameField reports whether probs already has an error about p's field
// (a postal code that did not parse is not also "not in the right form").
func sameField(probs record.Problems, p error) bool {
	var fe *record.FieldError
	if !errors.As(p, &fe) {
		return false
	}
	for _, q := range probs {
		var qe *record.FieldError
		if errors.As(q, &qe) && qe.Field == fe.Field {
			return true
		}
	}
	return false
}

// reason words a row's problems as one line.
func reason(err error) string {
	var ps record.Problems
	if errors.As(err, &ps) {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = strings.TrimSuffix(p.Error(), "。")
		}
		return strings.Join(msgs, "／")
	}
	return office.Message(err)
}

// firstSeen records the business's name and phone number and returns the
// line of an earlier row with the same one.
func firstSeen(seen map[string]int, b *record.Business, line int) (int, bool) {
	keys := []string{"n:" + record.NormalizeName(b.Name), "p:" + record.NormalizePhone(b.Phone)}
	for _, k := range keys {
		if len(k) > 2 {
			if l, ok := seen[k]; ok {
				return l, true
			}
		}
	}
	for _, k := range keys {
		if len(k) > 2 {
			seen[k] = line
		}
	}
	return 0, false
}

// Rehearse checks every row (CheckRows) and then every accepted row
// against the businesses already in the vault (the duplicate check of the
// registration form). It writes nothing. Only a system administrator or a
// supervisor may rehearse (office.ImportDuplicates).
func Rehearse(ctx context.Context, o *office.Office, s *office.Session, source string, t *Table, m Mapping) (*Rehearsal, error) {
	r, err := CheckRows(source, t, m)
	if err != nil {
		return nil, err
	}
	matches, err := o.ImportDuplicates(ctx, s, r.Records)
	if err != nil {
		return nil, fmt.Errorf("rehearse: %w", err)
	}
	var recs []*record.Business
	var lines []int
	for i, b := range r.Records {
		if len(matches[i]) == 0 {
			recs, lines = append(recs, b), append(lines, r.Lines[i])
			continue
		}
		m := matches[i][0]
		r.Rejected = append(r.Rejected, Rejected{Line: r.Lines[i], Name: b.Name, Duplicate: true,
			Reason: fmt.Sprintf("登録済みの事業者「%s」（%s）と同じ事業者のようです（事業所名か電話番号が同じです）", m.Name, m.ID)})
	}
	r.Records, r.Lines = recs, lines
	sortRejected(r.Rejected)
	return r, nil
}

func sortRejected(rs []Rejected) {
	slices.SortStableFunc(rs, func(a, b Rejected) int { return cmp.Compare(a.Line, b.Line) })
}

// Report is the rehearsal as the report's input.
func (r *Rehearsal) Report() reports.ImportReport {
	rep := reports.ImportReport{Source: r.Source, Kind: record.Describe(r.Mapping.Kind), Encoding: r.Table.Encoding,
		HeaderLine: r.Table.HeaderLine, Total: r.Total(), Accepted: len(r.Records)}
	for _, c := range r.Columns() {
		rep.Columns = append(rep.Columns, reports.ImportColumn{Header: c.Header, Field: c.Label})
	}
	for _, x := range r.Rejected {
		if x.Duplicate {
			rep.Duplicates++
		}
		rep.Rejected = append(rep.Rejected, reports.ImportRejected{Line: x.Line, Name: x.Name, Reason: x.Reason})
	}
	return rep
}

// Column is a column of the file and the field it fills.
type Column struct {
	Header string
	Key    string // "" when it is not imported
	Label  string
}

// Columns lists the file's columns in order with their fields.
func (r *Rehearsal) Columns() []Column {
	cols := r.Mapping.columnsOf(r.Table.Headers)
	out := make([]Column, len(cols))
	for i, f := range cols {
		out[i].Header = r.Table.Headers[i]
		if f != nil {
			out[i].Key, out[i].Label = f.Key, f.Label
		}
	}
	return out
}

// Import writes the rehearsal's accepted records as one batch that lands
// whole or not at all (office.ImportWhole), in the 管理簿 and the access
// log under the file's name. progress gets (done, total) writes.
func Import(ctx context.Context, o *office.Office, s *office.Session, r *Rehearsal, progress func(done, total int)) error {
	recs := make([]any, len(r.Records))
	for i, b := range r.Records {
		recs[i] = b
	}
	return o.ImportWhole(ctx, s, recs, office.ImportWholeOptions{Source: r.Source, Progress: progress})
}
