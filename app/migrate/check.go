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

// Rejected is a row that will not be imported and why, in plain Japanese
// and in English.
type Rejected struct {
	Line      int
	Name      string // the 事業所名 the row gives, to find it in the file
	Reason    string
	ReasonEn  string
	Duplicate bool // it looks like a stored record or an earlier row
}

// In returns the reason in English when english is set, and otherwise in
// Japanese.
func (x Rejected) In(english bool) string {
	if english && x.ReasonEn != "" {
		return x.ReasonEn
	}
	return x.Reason
}

// reason is why a row is refused, in both languages.
type reason struct{ ja, en string }

// rejected is the row at line, of the business name, refused for why.
func rejected(line int, name string, why reason) Rejected {
	return Rejected{Line: line, Name: name, Reason: why.ja, ReasonEn: why.en}
}

// duplicate is rejected, of a row that repeats another or a stored record.
func duplicate(line int, name string, why reason) Rejected {
	x := rejected(line, name, why)
	x.Duplicate = true
	return x
}

// Rehearsal is the result of checking a whole file (仮移行): the records
// that would be imported and the rows that would not. It writes nothing.
type Rehearsal struct {
	Source  string // the file's name, for the report and the 管理簿
	Table   *Table
	Mapping Mapping
	// Records are the businesses that would be imported (a file of
	// businesses), Linked the reservations or consultations (a file of
	// those), each with the row number in Lines.
	Records  []*record.Business
	Linked   []any
	Lines    []int
	Rejected []Rejected
	// drafts are the rows of a reservation or consultation file that
	// CheckRows read and Rehearse has still to link to the vault.
	drafts     []*draft
	draftLines []int
	names      []string // the business name of each of Linked, while linking
}

// Accepted is the number of records that would be imported.
func (r *Rehearsal) Accepted() int { return len(r.Records) + len(r.Linked) }

// Total is the number of data rows read.
func (r *Rehearsal) Total() int { return r.Accepted() + len(r.drafts) + len(r.Rejected) }

// CheckRows turns every row into a record of the mapping's kind and checks
// it against the item definitions (required fields, dates in 西暦 or 和暦,
// phone numbers, postal codes, choices) and against the rows before it
// (the same business by name or phone number; for a reservation or a
// consultation, the same business, day and start). It does not look at
// the vault; Rehearse does, and links reservations and consultations to
// their business, venue and consultant there.
func CheckRows(source string, t *Table, m Mapping) (*Rehearsal, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	cols := m.columnsOf(t.Headers)
	all, anyOf := requiredOf(m.Kind)
	for _, k := range all {
		if !filled(cols, k) {
			f, _ := FieldOf(m.Kind, k)
			return nil, errMapping(fmt.Sprintf("必須の項目「%s」に対応する列がありません。対応表で列を選んでください。", f.Label),
				fmt.Sprintf("no column gives the required field %s. Choose one in the mapping.", record.LabelEnglish(f.Label)))
		}
	}
	if len(anyOf) > 0 && !slices.ContainsFunc(anyOf, func(k string) bool { return filled(cols, k) }) {
		return nil, errMapping("事業者を示す列（事業所名か電話番号）がありません。対応表で列を選んでください。",
			"no column names the business (business name or phone). Choose one in the mapping.")
	}
	r := &Rehearsal{Source: source, Table: t, Mapping: m}
	seen := map[string]int{} // normalised name or phone, or business|day|start → line
	for _, row := range t.Rows {
		d, err := convert(m.Kind, row, cols)
		if err != nil {
			r.Rejected = append(r.Rejected, rejected(row.Line, d.name(), reasonOf(err)))
			continue
		}
		if d.biz == nil {
			key := d.linkKey()
			if line, dup := seen[key]; dup {
				r.Rejected = append(r.Rejected, duplicate(row.Line, d.name(), reason{
					fmt.Sprintf("ファイルの%d行目と同じ%sのようです（事業者、日付と開始時刻が同じです）", line, record.Describe(m.Kind)),
					fmt.Sprintf("Looks like the %s of line %d of the file (the same business, day and start).", kindEnglish(m.Kind), line)}))
				continue
			}
			seen[key] = row.Line
			r.drafts, r.draftLines = append(r.drafts, d), append(r.draftLines, row.Line)
			continue
		}
		b := d.biz
		if line, dup := firstSeen(seen, b, row.Line); dup {
			r.Rejected = append(r.Rejected, duplicate(row.Line, b.Name, reason{
				fmt.Sprintf("ファイルの%d行目と同じ事業者のようです（事業所名か電話番号が同じです）", line),
				fmt.Sprintf("Looks like the business of line %d of the file (the same name or phone number).", line)}))
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

// convert fills a record of kind k from the row's mapped cells; a business
// is validated here, a reservation or consultation once it is linked
// (Rehearse).
func convert(k record.Kind, row Row, cols []*Field) (*draft, error) {
	d := newDraft(k)
	var probs record.Problems
	for i, f := range cols {
		if f == nil {
			continue
		}
		if err := f.set(d, row.Cell(i)); err != nil {
			probs = append(probs, err)
		}
	}
	if d.biz != nil {
		probs = validated(d.biz.Validate(), probs)
	} else if d.link.Name == "" && d.link.Phone == "" {
		probs = append(probs, &record.FieldError{Field: "事業所名", Msg: "事業所名か電話番号を入力してください", En: "Business name: enter it or the phone number."})
	}
	if len(probs) > 0 {
		return d, probs
	}
	return d, nil
}

// validated adds the problems of a record's Validate to probs, without a
// second one about a field probs names already.
func validated(err error, probs record.Problems) record.Problems {
	if err == nil {
		return probs
	}
	var ps record.Problems
	if !errors.As(err, &ps) {
		return append(probs, err)
	}
	for _, p := range ps {
		if !sameField(probs, p) {
			probs = append(probs, p)
		}
	}
	return probs
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

// reasonOf words a row's problems as one line, in both languages.
func reasonOf(err error) reason {
	return reason{reasonIn(office.Japanese, err), reasonIn(office.English, err)}
}

// kindEnglish names a kind of record that a file brings in, in English.
func kindEnglish(k record.Kind) string {
	switch k {
	case record.KindReservation:
		return "reservation"
	case record.KindConsultation:
		return "consultation"
	}
	return "business"
}

// reasonIn words err in lang, every problem of a record on one line.
func reasonIn(lang office.Lang, err error) string {
	var ps record.Problems
	if errors.As(err, &ps) {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = strings.TrimSuffix(strings.TrimSuffix(office.MessageIn(lang, p), "。"), ".")
		}
		if lang == office.English {
			return strings.Join(msgs, "; ") + "."
		}
		return strings.Join(msgs, "／")
	}
	return office.MessageIn(lang, err)
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
	if m.Kind != record.KindBusiness {
		if err := r.link(ctx, o, s); err != nil {
			return nil, err
		}
		sortRejected(r.Rejected)
		return r, nil
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
		r.Rejected = append(r.Rejected, duplicate(r.Lines[i], b.Name, reason{
			fmt.Sprintf("登録済みの事業者「%s」（%s）と同じ事業者のようです（事業所名か電話番号が同じです）", m.Name, m.ID),
			fmt.Sprintf("Looks like the stored business %q (%s): the same name or phone number.", m.Name, m.ID)}))
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
		HeaderLine: r.Table.HeaderLine, Total: r.Total(), Accepted: r.Accepted()}
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
	recs := make([]any, 0, r.Accepted())
	for _, b := range r.Records {
		recs = append(recs, b)
	}
	recs = append(recs, r.Linked...)
	return o.ImportWhole(ctx, s, recs, office.ImportWholeOptions{Source: r.Source, Progress: progress})
}
