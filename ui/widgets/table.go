package widgets

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Table is a list whose rows line up in columns under a header; rows
// are plain text and choosing one calls onSelect with its index. The
// columns grow to the widest value they hold (within limits, so that the
// table still fits the window); a value still cut off shows whole while
// the pointer rests on it.
type Table struct {
	headers []string
	widths  []float32
	cols    *Columns // the widths the header and every row share
	head    *fyne.Container
	Rows    [][]string
	List    *widget.List
}

// NewTable returns a table; widths are those of all but the last column
// (at least; see Table).
func NewTable(headers []string, widths []float32, onSelect func(i int)) *Table {
	t := &Table{headers: headers, widths: widths, cols: &Columns{Widths: slices.Clone(widths)}}
	t.List = widget.NewList(func() int { return len(t.Rows) }, t.newRow, t.updateRow)
	t.List.OnSelected = func(i widget.ListItemID) {
		t.List.UnselectAll()
		if onSelect != nil {
			onSelect(i)
		}
	}
	return t
}

// Set replaces the rows and fits the columns to them.
func (t *Table) Set(rows [][]string) {
	t.Rows = rows
	t.fit()
	if t.head != nil {
		t.head.Refresh()
	}
	t.List.Refresh()
}

// The most a column grows past its given width: each by half of it, all
// together by a third of the given widths, so the table keeps its place.
const (
	columnGrowth = 0.5
	tableGrowth  = 0.33
)

// fit sets the shared column widths from the header and the rows.
func (t *Table) fit() {
	var given, extra float32
	grown := make([]float32, len(t.widths))
	for i, w := range t.widths {
		values := []string{tr(t.headers[i])}
		for _, r := range t.Rows {
			if i < len(r) {
				values = append(values, r[i])
			}
		}
		grown[i] = min(ColumnWidth(w, values...), w*(1+columnGrowth))
		given += w
		extra += grown[i] - w
	}
	scale := float32(1)
	if extra > given*tableGrowth {
		scale = given * tableGrowth / extra
	}
	for i, w := range t.widths {
		t.cols.Widths[i] = w + (grown[i]-w)*scale
	}
}

// header is the row of column titles.
func (t *Table) header() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.headers))
	for i, h := range t.headers {
		objs[i] = widget.NewLabelWithStyle(tr(h), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.head = container.New(t.cols, objs...)
	return t.head
}

// Object is the header over the list.
func (t *Table) Object() fyne.CanvasObject {
	return container.NewBorder(t.header(), nil, nil, nil, t.List)
}

func (t *Table) newRow() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.headers))
	for i := range objs {
		objs[i] = NewHoverLabel("")
	}
	return container.New(t.cols, objs...)
}

func (t *Table) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*fyne.Container)
	for j, c := range row.Objects {
		text := ""
		if j < len(t.Rows[i]) {
			text = t.Rows[i][j]
		}
		c.(*HoverLabel).SetText(text)
	}
	row.Layout.Layout(row.Objects, row.Size()) // the widths may have grown
}

// FormView lays out a form page: title, the fields scrolling, buttons below.
func FormView(title fyne.CanvasObject, form fyne.CanvasObject, buttons ...*widget.Button) fyne.CanvasObject {
	return container.NewBorder(title, Opaque(Buttons(buttons...)), nil, nil, VScroll(form))
}
