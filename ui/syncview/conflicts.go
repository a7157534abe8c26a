package syncview

import (
	"context"
	"encoding/json"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// conflictsScreen is the 競合 screen: the records two PCs changed apart,
// and per record the fields in 競合 side by side, where the person picks
// a side or types a merged value and saves (office.ResolveConflictWith).
type conflictsScreen struct {
	ctx      Host
	pager    *widgets.Pager
	table    *widgets.Table
	list     []office.ConflictSummary
	progress *widgets.Progress
	reload   *widget.Button // 最新の状態にする: another PC may have resolved some
	detail   *conflictView  // the open record, if any
}

// buildConflicts builds the 競合 screen.
func buildConflicts(ctx Host) fyne.CanvasObject { return newConflictsScreen(ctx).pager }

func newConflictsScreen(ctx Host) *conflictsScreen {
	sc := &conflictsScreen{ctx: ctx}
	sc.table = widgets.NewTable([]string{"記録", "事業者名", "競合している項目", "日時"}, []float32{180, 230, 300}, sc.open)
	sc.progress = widgets.NewProgress()
	hint := widget.NewLabel(tr("ふたつのパソコンで同じ項目が別々に変更された記録です。行を選んで、どちらの値を残すか決めてください。"))
	hint.Wrapping = fyne.TextWrapWord
	sc.reload = widget.NewButtonWithIcon(tr("最新の状態にする"), theme.ViewRefreshIcon(), sc.refresh)
	top := container.NewVBox(widgets.Heading(tr("競合")), hint, container.NewHBox(sc.reload), sc.progress)
	sc.pager = widgets.NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()),
		map[string]func(){widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.table.List) }})
	sc.refresh()
	return sc
}

// conflictRow is one line of the list with the business's name.
type conflictRow struct {
	office.ConflictSummary
	Business string
}

// refresh lists the records in 競合 with their businesses' names.
func (sc *conflictsScreen) refresh() {
	o, s := sc.ctx.Office(), sc.ctx.Session()
	widgets.Run(sc.ctx.Runner(), func(ctx context.Context) ([]conflictRow, error) {
		list, err := o.Conflicts(ctx, s)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, c := range list {
			if c.BusinessID != "" {
				ids = append(ids, c.BusinessID)
			}
		}
		names := map[string]string{}
		if len(ids) > 0 && s.May(office.PermFrontDesk) {
			if names, err = o.BusinessNames(ctx, s, ids); err != nil {
				return nil, err
			}
		}
		out := make([]conflictRow, len(list))
		for i, c := range list {
			out[i] = conflictRow{ConflictSummary: c, Business: names[c.BusinessID]}
		}
		return out, nil
	}, func(rows []conflictRow, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
		}
		sc.show(rows)
	}, widgets.WithProgress(sc.progress))
}

func (sc *conflictsScreen) show(rows []conflictRow) {
	sc.list = make([]office.ConflictSummary, len(rows))
	cells := make([][]string, len(rows))
	for i, r := range rows {
		sc.list[i] = r.ConflictSummary
		names := make([]string, len(r.Fields))
		for j, f := range r.Fields {
			if r.Case {
				f = "case." + f
			}
			names[j] = fieldName(f)
		}
		cells[i] = []string{tr(kindLabel(r.Kind)), r.Business, strings.Join(names, tr("、")), dateTime(r.When)}
	}
	sc.table.Set(cells)
}

// kindLabel names a record kind in the list.
func kindLabel(kind string) string {
	switch strings.TrimSuffix(kind, ".case") {
	case string(record.KindBusiness):
		return "事業者"
	case string(record.KindReservation):
		return "予約"
	case string(record.KindConsultation):
		return "相談記録"
	case string(record.KindDispatch):
		return "専門家派遣"
	case string(record.KindSeminar):
		return "セミナー"
	}
	return "その他の記録"
}

// open reads record i's conflicts and shows them side by side.
func (sc *conflictsScreen) open(i int) {
	o, s, id := sc.ctx.Office(), sc.ctx.Session(), sc.list[i].ID
	widgets.Run(sc.ctx.Runner(), func(ctx context.Context) (office.ConflictDetail, error) {
		return o.Conflict(ctx, s, id)
	}, func(d office.ConflictDetail, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
			sc.refresh()
			return
		}
		sc.detail = newConflictView(d, sc.save, sc.back)
		sc.pager.Push(sc.detail.object(), map[string]func(){widgets.ShortcutSave: sc.detail.submit})
	}, widgets.WithProgress(sc.progress))
}

func (sc *conflictsScreen) back() {
	sc.detail = nil
	sc.pager.Pop()
	sc.refresh()
}

// save resolves the record through the runner, then goes back to the list.
func (sc *conflictsScreen) save(id string, picks map[string]string, values map[string]json.RawMessage) {
	o, s := sc.ctx.Office(), sc.ctx.Session()
	v := sc.detail
	v.save.Disable()
	widgets.Run(sc.ctx.Runner(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, o.ResolveConflictWith(ctx, s, id, picks, values)
	}, func(_ struct{}, err error) {
		v.save.Enable()
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		sc.back()
	}, widgets.WithProgress(sc.progress))
}

// conflictView is one record's fields in 競合: per field a column per side
// (its value, who saved it and when), a choice of the side to keep or
// 値を入力 with an entry for a merged value.
type conflictView struct {
	d      office.ConflictDetail
	fields []*fieldChoice
	save   *widget.Button
	cancel *widget.Button
	// message says why saving did not start.
	message *widget.Label
	onSave  func(id string, picks map[string]string, values map[string]json.RawMessage)
}

// fieldChoice is the choice for one field in 競合.
type fieldChoice struct {
	key    string // the field, "case." before a case part's
	fc     office.FieldConflict
	sides  []office.ConflictValue // the sides (the common ancestor left out)
	radio  *widget.RadioGroup
	labels []string
	typed  *widget.Entry
}

// typedLabel is the radio choice of a merged value.
const typedLabel = "値を入力"

func newConflictView(d office.ConflictDetail, onSave func(string, map[string]string, map[string]json.RawMessage), onBack func()) *conflictView {
	v := &conflictView{d: d, onSave: onSave}
	add := func(prefix string, fcs []office.FieldConflict) {
		for _, fc := range fcs {
			v.fields = append(v.fields, newFieldChoice(prefix+fc.Field, fc))
		}
	}
	add("", d.Fields)
	add("case.", d.CaseFields)
	v.save = widget.NewButtonWithIcon(tr("解決して保存"), theme.DocumentSaveIcon(), v.submit)
	v.save.Importance = widget.HighImportance
	v.cancel = widget.NewButtonWithIcon(tr("一覧に戻る"), theme.NavigateBackIcon(), onBack)
	v.message = widget.NewLabel("")
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	return v
}

func newFieldChoice(key string, fc office.FieldConflict) *fieldChoice {
	f := &fieldChoice{key: key, fc: fc}
	f.sides = fc.Values
	if len(fc.Values) > 2 {
		f.sides = fc.Values[1:] // the first is the common ancestor
	}
	for i := range f.sides {
		f.labels = append(f.labels, tr("%s の値", sideName(i)))
	}
	f.typed = widget.NewEntry()
	f.typed.SetPlaceHolder(tr("両方をまとめた値"))
	f.typed.Disable()
	choices := f.labels
	if f.textual() {
		choices = append(append([]string(nil), f.labels...), tr(typedLabel))
	}
	f.radio = widget.NewRadioGroup(choices, func(sel string) {
		if sel == tr(typedLabel) {
			f.typed.Enable()
		} else {
			f.typed.Disable()
		}
	})
	f.radio.Horizontal = true
	f.radio.Required = true
	f.radio.SetSelected(f.labels[len(f.labels)-1]) // the merged record holds the last side's
	return f
}

// sideName is A, B, C….
func sideName(i int) string { return string(rune('A' + i)) }

// textual reports whether every side is a string or absent, so that a
// typed value fits the field.
func (f *fieldChoice) textual() bool {
	for _, s := range f.fc.Values {
		var x string
		if string(s.Value) != "null" && s.Value != nil && json.Unmarshal(s.Value, &x) != nil {
			return false
		}
	}
	return true
}

// valueText is a side's value as the person reads it.
func valueText(v json.RawMessage) string {
	if v == nil || string(v) == "null" {
		return tr("（なし）")
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if s == "" {
			return tr("（空欄）")
		}
		return s
	}
	return string(v)
}

func (f *fieldChoice) object() fyne.CanvasObject {
	cols := make([]fyne.CanvasObject, len(f.sides))
	for i, s := range f.sides {
		val := widget.NewLabel(valueText(s.Value))
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		by := widget.NewLabel(tr("%s が %s に変更", s.UpdatedBy, dateTime(office.RevTime(s.Rev))))
		by.Importance = widget.LowImportance
		by.Wrapping = fyne.TextWrapWord
		cols[i] = widget.NewCard("", f.labels[i], container.NewVBox(val, by))
	}
	rows := []fyne.CanvasObject{widgets.BoldLabel(fieldName(f.key)), container.NewGridWithColumns(len(cols), cols...), f.radio}
	if f.textual() {
		rows = append(rows, f.typed)
	}
	if len(f.fc.Values) > 2 {
		base := widget.NewLabel(tr("変更前: %s", valueText(f.fc.Values[0].Value)))
		base.Importance = widget.LowImportance
		rows = append(rows, base)
	}
	return container.NewVBox(append(rows, widget.NewSeparator())...)
}

func (v *conflictView) object() fyne.CanvasObject {
	head := widgets.Heading(tr("競合の解決: %s", tr(kindLabel(v.d.Kind))))
	box := container.NewVBox(v.message)
	for _, f := range v.fields {
		box.Add(f.object())
	}
	return widgets.FormView(head, box, v.cancel, v.save)
}

// submit gathers the choices and saves; a typed value must not be empty.
func (v *conflictView) submit() {
	v.message.Hide()
	picks := map[string]string{}
	values := map[string]json.RawMessage{}
	for _, f := range v.fields {
		if f.radio.Selected == tr(typedLabel) {
			text := strings.TrimSpace(f.typed.Text)
			if text == "" {
				v.message.SetText(tr("「%s」に残す値を入力してください。", fieldName(f.key)))
				v.message.Show()
				return
			}
			b, _ := json.Marshal(text)
			values[f.key] = b
			continue
		}
		for i, l := range f.labels {
			if l == f.radio.Selected {
				picks[f.key] = f.sides[i].Rev
			}
		}
	}
	v.onSave(v.d.ID, picks, values)
}
