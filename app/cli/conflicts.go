package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// runConflicts lists, shows and resolves the records in 競合: a field
// edited on two PCs to different values before either saw the other's
// change. Sync kept the later value; a person picks the value that wins.
func runConflicts(e *Env, args []string) error {
	if len(args) > 0 && (args[0] == "duplicates" || args[0] == "merge") {
		return runDuplicates(e, args)
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "show" && args[0] != "resolve") {
		return usagef("conflicts list、conflicts show、conflicts resolve、conflicts duplicates または conflicts merge を指定してください。")
	}
	sub := args[0]
	var c common
	fs := flag.NewFlagSet("conflicts "+sub, flag.ContinueOnError)
	c.register(fs)
	var asJSON, keep bool
	var picks pickFlag
	if sub == "resolve" {
		fs.Var(&picks, "pick", "項目=版: その項目で採用する値の版（conflicts show で確かめる。複数指定可）")
		fs.BoolVar(&keep, "keep-current", false, "すべての項目で、いま表示している値を採用する")
	} else {
		fs.BoolVar(&asJSON, "json", false, "JSONで出力する")
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case sub == "list" && len(pos) > 0:
		return usagef("余分な引数があります: %v", pos)
	case sub != "list" && len(pos) != 1:
		return usagef("記録の番号を1つ指定してください（例: B-0123456789）。")
	case sub == "resolve" && len(picks) == 0 && !keep:
		return usagef("--pick 項目=版 で採用する値を指定するか、--keep-current を付けてください。")
	case sub == "resolve" && len(picks) > 0 && keep:
		return usagef("--pick と --keep-current は一緒に指定できません。")
	}
	if err := c.check(); err != nil {
		return err
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	switch sub {
	case "list":
		list, err := o.Conflicts(e.ctx, s)
		if err != nil {
			return err
		}
		return e.printConflictList(list, asJSON)
	case "show":
		d, err := o.Conflict(e.ctx, s, strings.ToUpper(pos[0]))
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e, conflictJSON(d))
		}
		e.printConflict(d)
		return nil
	}
	id := strings.ToUpper(pos[0])
	d, err := o.Conflict(e.ctx, s, id)
	if err != nil {
		return err
	}
	m := map[string]string(picks)
	if keep {
		m = nil // a field not picked keeps the value shown now
	} else if err := checkPicks(d, m); err != nil {
		return err
	}
	if err := o.ResolveConflict(e.ctx, s, id, m); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s の競合を解決しました。\n", id)
	for _, part := range []struct {
		prefix string
		fcs    []office.FieldConflict
	}{{"", d.Fields}, {"case.", d.CaseFields}} {
		for _, fc := range part.fcs {
			name := part.prefix + fc.Field
			cur := fc.Values[len(fc.Values)-1]
			if rev, ok := m[name]; ok && rev != cur.Rev {
				for _, v := range fc.Values {
					if v.Rev == rev {
						fmt.Fprintf(e.Stdout, "  %s: 版 %s の値「%s」を採用しました。\n", fieldLabel(name), rev, valueText(v.Value))
						break
					}
				}
				continue
			}
			fmt.Fprintf(e.Stdout, "  %s: いまの値「%s」のままにしました。\n", fieldLabel(name), valueText(cur.Value))
		}
	}
	fmt.Fprintln(e.Stdout, "次の madoguchi sync で、ほかのパソコンにも届きます。")
	return nil
}

// pickFlag collects --pick field=REV.
type pickFlag map[string]string

func (p *pickFlag) String() string { return "" }

func (p *pickFlag) Set(v string) error {
	field, rev, ok := strings.Cut(v, "=")
	field, rev = strings.TrimSpace(field), strings.TrimSpace(rev)
	if !ok || field == "" || rev == "" {
		return errors.New("--pick は 項目=版 の形で指定してください（例: --pick city=版）")
	}
	if *p == nil {
		*p = pickFlag{}
	}
	if _, dup := (*p)[field]; dup {
		return fmt.Errorf("--pick で %s が2回指定されています", field)
	}
	(*p)[field] = rev
	return nil
}

// checkPicks says which field or rev of picks is not in d, in words a
// person can act on.
func checkPicks(d office.ConflictDetail, picks map[string]string) error {
	byName := map[string]office.FieldConflict{}
	var names []string
	for _, fc := range d.Fields {
		byName[fc.Field] = fc
		names = append(names, fc.Field)
	}
	for _, fc := range d.CaseFields {
		byName["case."+fc.Field] = fc
		names = append(names, "case."+fc.Field)
	}
	for _, f := range slices.Sorted(maps.Keys(picks)) {
		fc, ok := byName[f]
		if !ok {
			return &record.FieldError{Field: f, Msg: fmt.Sprintf("%s の%s（%s）は競合していません。競合している項目: %s", d.ID, fieldLabel(f), f, strings.Join(names, ", "))}
		}
		var revs []string
		for _, v := range fc.Values {
			if v.Rev != "" && !slices.Contains(revs, v.Rev) {
				revs = append(revs, v.Rev)
			}
		}
		if !slices.Contains(revs, picks[f]) {
			return &record.FieldError{Field: f, Msg: fmt.Sprintf("%s（%s）に版 %s の値はありません。選べる版: %s", fieldLabel(f), f, picks[f], strings.Join(revs, ", "))}
		}
	}
	return nil
}

// kindLabels name a record kind for a person.
var kindLabels = map[string]string{
	string(record.KindBusiness): "事業者", string(record.KindReservation): "予約", string(record.KindConsultation): "相談記録",
	string(record.KindDispatch): "専門家派遣", string(record.KindSeminar): "セミナー", string(record.KindApplication): "セミナー申込",
	string(record.KindVenue): "会場", string(record.KindStaff): "相談員", string(record.KindProgram): "支援策", string(record.KindLedger): "台帳",
}

func kindLabel(kind string) string {
	kind = strings.TrimSuffix(kind, ".case")
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

// fieldLabel is the Japanese label of a field ("case.rep_birth" is the
// case part's field, 要注意情報), or its JSON name when the CLI has none.
func fieldLabel(name string) string {
	f, inCase := strings.CutPrefix(name, "case.")
	l := labels[f]
	if l == "" {
		l = f
	}
	if inCase {
		l += "（要注意情報）"
	}
	return l
}

// conflictRow is a record in 競合 as list writes it: its contact and case
// parts together.
type conflictRow struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Fields []string `json:"fields"` // "case." before a case part's field
	Revs   []string `json:"revs"`
}

func (e *Env) printConflictList(list []office.ConflictSummary, asJSON bool) error {
	var rows []conflictRow
	at := map[string]int{}
	for _, cs := range list {
		i, ok := at[cs.ID]
		if !ok {
			i = len(rows)
			at[cs.ID] = i
			rows = append(rows, conflictRow{ID: cs.ID, Kind: strings.TrimSuffix(cs.Kind, ".case")})
		}
		for _, f := range cs.Fields {
			if cs.Case {
				f = "case." + f
			}
			rows[i].Fields = append(rows[i].Fields, f)
		}
		for _, r := range cs.Revs {
			if !slices.Contains(rows[i].Revs, r) {
				rows[i].Revs = append(rows[i].Revs, r)
			}
		}
	}
	if asJSON {
		return writeJSON(e, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.Stdout, "競合はありません。")
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "番号\t種類\t競合している項目")
	for _, r := range rows {
		ls := make([]string, len(r.Fields))
		for i, f := range r.Fields {
			ls[i] = fieldLabel(f)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, kindLabel(r.Kind), strings.Join(ls, "、"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%d 件。値を見るには madoguchi conflicts show 番号 を使います。\n", len(rows))
	return nil
}

// printConflict writes, per field in 競合, the common ancestor's value and
// each side's, with its rev and who saved it; the value shown now (the
// last side's) is marked.
func (e *Env) printConflict(d office.ConflictDetail) {
	fmt.Fprintf(e.Stdout, "番号: %s（%s）\n", d.ID, kindLabel(d.Kind))
	for _, part := range []struct {
		prefix string
		fcs    []office.FieldConflict
	}{{"", d.Fields}, {"case.", d.CaseFields}} {
		for _, fc := range part.fcs {
			name := part.prefix + fc.Field
			fmt.Fprintf(e.Stdout, "\n%s（--pick %s=版）:\n", fieldLabel(name), name)
			for i, v := range fc.Values {
				who := v.UpdatedBy
				if who == "" {
					who = "-"
				}
				rev := v.Rev
				if rev == "" {
					rev = "（なし）"
				}
				switch {
				case i == 0:
					fmt.Fprintf(e.Stdout, "    元の値: %s（版 %s、更新者 %s）\n", valueText(v.Value), rev, who)
				case i == len(fc.Values)-1:
					fmt.Fprintf(e.Stdout, "  * 版 %s: %s（更新者 %s）← いま表示している値\n", rev, valueText(v.Value), who)
				default:
					fmt.Fprintf(e.Stdout, "    版 %s: %s（更新者 %s）\n", rev, valueText(v.Value), who)
				}
			}
		}
	}
	fmt.Fprintf(e.Stdout, "\n解決するには: madoguchi conflicts resolve %s --pick 項目=版（または --keep-current）\n", d.ID)
}

// valueText is a field's JSON value as a person reads it.
func valueText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "（なし）"
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return string(raw)
	}
	switch v := v.(type) {
	case string:
		if v == "" {
			return "（空）"
		}
		return v
	case bool:
		if v {
			return "はい"
		}
		return "いいえ"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, "、")
	case map[string]any:
		return string(raw)
	}
	return fmt.Sprint(v)
}

// conflictDetailJSON is show --json: lower-case names, each value marked
// base (the common ancestor) or current (the value shown now).
type conflictDetailJSON struct {
	ID     string              `json:"id"`
	Kind   string              `json:"kind"`
	Fields []fieldConflictJSON `json:"fields"`
	Revs   []string            `json:"revs"`
}

type fieldConflictJSON struct {
	Field  string              `json:"field"` // the name for --pick ("case." before a case part's)
	Label  string              `json:"label"`
	Values []conflictValueJSON `json:"values"`
}

type conflictValueJSON struct {
	Rev       string          `json:"rev"`
	UpdatedBy string          `json:"updated_by"`
	Value     json.RawMessage `json:"value"`
	Base      bool            `json:"base,omitempty"`
	Current   bool            `json:"current,omitempty"`
}

func conflictJSON(d office.ConflictDetail) conflictDetailJSON {
	out := conflictDetailJSON{ID: d.ID, Kind: d.Kind, Fields: []fieldConflictJSON{}, Revs: []string{}}
	for _, part := range []struct {
		prefix string
		fcs    []office.FieldConflict
		revs   []string
	}{{"", d.Fields, d.Revs}, {"case.", d.CaseFields, d.CaseRevs}} {
		for _, fc := range part.fcs {
			f := fieldConflictJSON{Field: part.prefix + fc.Field, Label: fieldLabel(part.prefix + fc.Field)}
			for i, v := range fc.Values {
				val := v.Value
				if len(val) == 0 {
					val = json.RawMessage("null")
				}
				f.Values = append(f.Values, conflictValueJSON{Rev: v.Rev, UpdatedBy: v.UpdatedBy, Value: val, Base: i == 0, Current: i == len(fc.Values)-1})
			}
			out.Fields = append(out.Fields, f)
		}
		for _, r := range part.revs {
			if !slices.Contains(out.Revs, r) {
				out.Revs = append(out.Revs, r)
			}
		}
	}
	return out
}

// runDuplicates lists the businesses that sync flagged as probably
// registered twice on two PCs (conflicts duplicates), or merges one into
// the other (conflicts merge FROM INTO, as the window's merge does).
func runDuplicates(e *Env, args []string) error {
	sub := args[0]
	var c common
	fs := flag.NewFlagSet("conflicts "+sub, flag.ContinueOnError)
	c.register(fs)
	var asJSON bool
	if sub == "duplicates" {
		fs.BoolVar(&asJSON, "json", false, "JSONで出力する")
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case sub == "duplicates" && len(pos) > 0:
		return usagef("余分な引数があります: %v", pos)
	case sub == "merge" && len(pos) != 2:
		return usagef("統合する事業者の番号と、統合先の番号を指定してください（例: conflicts merge B-0123456789 B-9876543210）。")
	}
	if err := c.check(); err != nil {
		return err
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	if sub == "merge" {
		from, into := strings.ToUpper(pos[0]), strings.ToUpper(pos[1])
		if err := o.MergeBusiness(e.ctx, s, from, into); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "事業者 %s を %s に統合しました。\n", from, into)
		return nil
	}
	ds, err := o.ProbableDuplicates(e.ctx, s)
	if err != nil {
		return err
	}
	if asJSON {
		type row struct {
			ID, Name, Phone, LikeID, LikeName, LikePhone string
		}
		out := []row{}
		for _, d := range ds {
			out = append(out, row{d.Business.ID, d.Business.Name, d.Business.Phone, d.Like.ID, d.Like.Name, d.Like.Phone})
		}
		return writeJSON(e, out)
	}
	if len(ds) == 0 {
		fmt.Fprintln(e.Stdout, "重複の可能性がある事業者はありません。")
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "同期で届いた事業者\t\tこのパソコンの事業者\t")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s %s\n", d.Business.ID, d.Business.Name, d.Business.Phone, d.Like.ID, d.Like.Name, d.Like.Phone)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%d 件。同じ事業者なら madoguchi conflicts merge 統合する番号 統合先の番号 で一つにします。\n", len(ds))
	return nil
}
