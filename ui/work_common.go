package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// workPager shows one view of a screen at a time (a list, then a form over
// it) and routes the window's shortcuts (Ctrl+S/N/P/F) to the view on top.
// The shell finds it as the screen's shortcut target.
type workPager struct {
	widget.BaseWidget
	stack *fyne.Container
	keys  []map[string]func()
}

// newWorkPager returns a pager showing first, with its shortcut handlers.
func newWorkPager(first fyne.CanvasObject, keys map[string]func()) *workPager {
	p := &workPager{stack: container.NewStack(first), keys: []map[string]func(){keys}}
	p.ExtendBaseWidget(p)
	return p
}

// push shows o over the current view until pop.
func (p *workPager) push(o fyne.CanvasObject, keys map[string]func()) {
	for _, x := range p.stack.Objects {
		x.Hide()
	}
	p.stack.Add(o)
	p.keys = append(p.keys, keys)
}

// pop returns to the previous view.
func (p *workPager) pop() {
	n := len(p.stack.Objects)
	if n <= 1 {
		return
	}
	p.stack.Remove(p.stack.Objects[n-1])
	p.keys = p.keys[:len(p.keys)-1]
	p.stack.Objects[n-2].Show()
	p.stack.Refresh()
}

// top returns the view on top.
func (p *workPager) top() fyne.CanvasObject { return p.stack.Objects[len(p.stack.Objects)-1] }

// OnShortcut runs the top view's handler for name (shortcutTarget).
func (p *workPager) OnShortcut(name string) bool {
	if h := p.keys[len(p.keys)-1][name]; h != nil {
		h()
		return true
	}
	return false
}

// CreateRenderer implements fyne.Widget.
func (p *workPager) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.stack) }

// isoToday is today's date in Japan as 2006-01-02.
func isoToday(ctx *Context) string { return ctx.Today().Format(time.DateOnly) }

// parseISO reads an ISO date, or returns the zero time.
func parseISO(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// dateLabel shows an ISO date as 2026年10月1日（木）, or the text unchanged.
func dateLabel(iso string) string {
	t := parseISO(iso)
	if t.IsZero() {
		return iso
	}
	return record.FormatDateJP(t)
}

// optionalDateEntry is an entry for a date that may stay empty; it accepts
// every spelling record.ParseDate reads.
func optionalDateEntry(label, v string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder("2026-10-01")
	e.SetText(v)
	e.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := record.ParseDate(label, s)
		return err
	}
	return e
}

// isoOf returns an entry's date as ISO, or the text itself when it is not a
// date (validation then reports it), or "" when empty.
func isoOf(label, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	t, err := record.ParseDate(label, s)
	if err != nil {
		return s
	}
	return t.Format(time.DateOnly)
}

// choiceGroup is a check group over fixed Japanese values, shown translated.
type choiceGroup struct {
	c     choices
	group *widget.CheckGroup
}

func newChoiceGroup(values []string, horizontal bool) *choiceGroup {
	g := &choiceGroup{c: textChoices(values)}
	g.group = widget.NewCheckGroup(g.c.labels, nil)
	g.group.Horizontal = horizontal
	return g
}

// newIDGroup is a check group over master records (ids shown by label).
func newIDGroup(c choices) *choiceGroup {
	g := &choiceGroup{c: c, group: widget.NewCheckGroup(c.labels, nil)}
	g.group.Horizontal = true
	return g
}

// values returns the checked values in the list's order.
func (g *choiceGroup) values() []string {
	var out []string
	for i, l := range g.c.labels {
		for _, s := range g.group.Selected {
			if s == l {
				out = append(out, g.c.ids[i])
			}
		}
	}
	return out
}

// set checks exactly vs (values unknown to the group are ignored).
func (g *choiceGroup) set(vs []string) {
	var sel []string
	for _, v := range vs {
		if l := g.c.label(v); l != "" {
			sel = append(sel, l)
		}
	}
	g.group.SetSelected(sel)
}

// radio is a single choice over fixed Japanese values, shown translated.
type radio struct {
	c     choices
	group *widget.RadioGroup
}

func newRadio(values []string) *radio {
	r := &radio{c: textChoices(values)}
	r.group = widget.NewRadioGroup(r.c.labels, nil)
	r.group.Horizontal = true
	return r
}

func (r *radio) value() string { return r.c.id(r.group.Selected) }

func (r *radio) set(v string) { r.group.SetSelected(r.c.label(v)) }

// selectValue returns the Japanese value chosen in a Select made by
// textChoices(values).newSelect.
func selectValue(c choices, s *widget.Select) string { return c.id(s.Selected) }

// setSelectValue selects v (or clears the Select when v is empty).
func setSelectValue(c choices, s *widget.Select, v string) {
	if v == "" {
		s.ClearSelected()
		return
	}
	c.selectID(s, v)
}

// staffChoicesByRole lists the active staff of one role (相談員 or 専門家),
// plus keep (an inactive one a record still names).
func staffChoicesByRole(ctx *Context, role, keep string) (choices, error) {
	st, err := ctx.Office.Staff(context.Background(), ctx.Session)
	var c choices
	for _, s := range st {
		if s.Role == role && (s.Active || s.ID == keep) {
			label := s.Name
			if s.Qualification != "" {
				label += "（" + tr(s.Qualification) + "）"
			}
			c.add(s.ID, label)
		}
	}
	return c, err
}

// workButtons lays buttons out in a row, the first one important.
func workButtons(bs ...*widget.Button) fyne.CanvasObject {
	if len(bs) > 0 {
		bs[0].Importance = widget.HighImportance
	}
	objs := make([]fyne.CanvasObject, len(bs))
	for i, b := range bs {
		objs[i] = b
	}
	return container.NewHBox(objs...)
}

// businessNames maps business ids to names (empty map on error).
func businessNames(ctx *Context, ids []string) map[string]string {
	m, err := ctx.Office.BusinessNames(context.Background(), ctx.Session, ids)
	if err != nil || m == nil {
		return map[string]string{}
	}
	return m
}

// opaque puts o on the theme's background, so that a scrolled form never
// shows through a button bar.
func opaque(o fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	return container.NewStack(bg, container.NewPadded(o))
}

// focusOn gives the keyboard focus to o (Ctrl+F lands on a screen's search
// field or list).
func focusOn(ctx *Context, o fyne.Focusable) {
	if c := ctx.Window.Canvas(); c != nil {
		c.Focus(o)
	}
}
