package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Table is a list whose rows line up in columns under a header; rows
// are plain text and choosing one calls onSelect with its index.
type Table struct {
	headers []string
	widths  []float32
	Rows    [][]string
	List    *widget.List
}

// NewTable returns a table; widths are those of all but the last column.
func NewTable(headers []string, widths []float32, onSelect func(i int)) *Table {
	t := &Table{headers: headers, widths: widths}
	t.List = widget.NewList(func() int { return len(t.Rows) }, t.newRow, t.updateRow)
	t.List.OnSelected = func(i widget.ListItemID) {
		t.List.UnselectAll()
		if onSelect != nil {
			onSelect(i)
		}
	}
	return t
}

// Set replaces the rows.
func (t *Table) Set(rows [][]string) {
	t.Rows = rows
	t.List.Refresh()
}

// header is the row of column titles.
func (t *Table) header() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.headers))
	for i, h := range t.headers {
		objs[i] = widget.NewLabelWithStyle(tr(h), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	return container.New(&Columns{Widths: t.widths}, objs...)
}

// Object is the header over the list.
func (t *Table) Object() fyne.CanvasObject {
	return container.NewBorder(t.header(), nil, nil, nil, t.List)
}

func (t *Table) newRow() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.headers))
	for i := range objs {
		objs[i] = TruncLabel("")
	}
	return container.New(&Columns{Widths: t.widths}, objs...)
}

func (t *Table) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	for j, c := range o.(*fyne.Container).Objects {
		text := ""
		if j < len(t.Rows[i]) {
			text = t.Rows[i][j]
		}
		c.(*widget.Label).SetText(text)
	}
}

// FormView lays out a form page: title, the fields scrolling, buttons below.
func FormView(title fyne.CanvasObject, form fyne.CanvasObject, buttons ...*widget.Button) fyne.CanvasObject {
	return container.NewBorder(title, Opaque(Buttons(buttons...)), nil, nil, VScroll(form))
}
