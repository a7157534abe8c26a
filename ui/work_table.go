package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// workTable is a list whose rows line up in columns under a header; rows
// are plain text and choosing one calls onSelect with its index.
type workTable struct {
	headers []string
	widths  []float32
	rows    [][]string
	list    *widget.List
}

// newWorkTable returns a table; widths are those of all but the last column.
func newWorkTable(headers []string, widths []float32, onSelect func(i int)) *workTable {
	t := &workTable{headers: headers, widths: widths}
	t.list = widget.NewList(func() int { return len(t.rows) }, t.newRow, t.updateRow)
	t.list.OnSelected = func(i widget.ListItemID) {
		t.list.UnselectAll()
		if onSelect != nil {
			onSelect(i)
		}
	}
	return t
}

// set replaces the rows.
func (t *workTable) set(rows [][]string) {
	t.rows = rows
	t.list.Refresh()
}

// header is the row of column titles.
func (t *workTable) header() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.headers))
	for i, h := range t.headers {
		objs[i] = widget.NewLabelWithStyle(tr(h), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	return container.New(&columns{widths: t.widths}, objs...)
}

// object is the header over the list.
func (t *workTable) object() fyne.CanvasObject {
	return container.NewBorder(t.header(), nil, nil, nil, t.list)
}

func (t *workTable) newRow() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.headers))
	for i := range objs {
		objs[i] = truncLabel("")
	}
	return container.New(&columns{widths: t.widths}, objs...)
}

func (t *workTable) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	for j, c := range o.(*fyne.Container).Objects {
		text := ""
		if j < len(t.rows[i]) {
			text = t.rows[i][j]
		}
		c.(*widget.Label).SetText(text)
	}
}

// formView lays out a form page: title, the fields scrolling, buttons below.
func formView(title fyne.CanvasObject, form fyne.CanvasObject, buttons ...*widget.Button) fyne.CanvasObject {
	return container.NewBorder(title, opaque(workButtons(buttons...)), nil, nil, container.NewVScroll(form))
}
