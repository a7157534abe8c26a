package widgets

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Pager shows one view of a screen at a time (a list, then a form over
// it) and routes the window's shortcuts (Ctrl+S/N/P/F) to the view on top.
// The shell finds it as the screen's shortcut target.
type Pager struct {
	widget.BaseWidget
	stack *fyne.Container
	keys  []map[string]func()
}

// NewPager returns a pager showing first, with its shortcut handlers.
func NewPager(first fyne.CanvasObject, keys map[string]func()) *Pager {
	p := &Pager{stack: container.NewStack(first), keys: []map[string]func(){keys}}
	p.ExtendBaseWidget(p)
	return p
}

// Push shows o over the current view until pop.
func (p *Pager) Push(o fyne.CanvasObject, keys map[string]func()) {
	for _, x := range p.stack.Objects {
		x.Hide()
	}
	p.stack.Add(o)
	p.keys = append(p.keys, keys)
}

// Pop returns to the previous view.
func (p *Pager) Pop() {
	n := len(p.stack.Objects)
	if n <= 1 {
		return
	}
	p.stack.Remove(p.stack.Objects[n-1])
	p.keys = p.keys[:len(p.keys)-1]
	p.stack.Objects[n-2].Show()
	p.stack.Refresh()
}

// Top returns the view on Top.
func (p *Pager) Top() fyne.CanvasObject { return p.stack.Objects[len(p.stack.Objects)-1] }

// OnShortcut runs the top view's handler for name (shortcutTarget).
func (p *Pager) OnShortcut(name string) bool {
	if h := p.keys[len(p.keys)-1][name]; h != nil {
		h()
		return true
	}
	return false
}

// CreateRenderer implements fyne.Widget.
func (p *Pager) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.stack) }

// ISOToday is today's date in Japan as 2006-01-02.
func ISOToday(ctx Env) string { return ctx.Today().Format(time.DateOnly) }

// ParseISO reads an ISO date, or returns the zero time.
func ParseISO(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// DateLabel shows an ISO date as 2026年10月1日（木）, or the text unchanged.
func DateLabel(iso string) string {
	t := ParseISO(iso)
	if t.IsZero() {
		return iso
	}
	return record.FormatDateJP(t)
}

// OptionalDateEntry is an entry for a date that may stay empty; it accepts
// every spelling record.ParseDate reads.
func OptionalDateEntry(label, v string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder("2026-10-01")
	e.SetText(v)
	e.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := record.ParseDate(label, s)
		return Localized(err)
	}
	return e
}

// ISOOf returns an entry's date as ISO, or the text itself when it is not a
// date (validation then reports it), or "" when empty.
func ISOOf(label, s string) string {
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

// ChoiceGroup is a check group over fixed Japanese values, shown translated.
type ChoiceGroup struct {
	Choices Choices
	Group   *CheckGroup
}

// NewChoiceGroup is a check group over values; its boxes wrap to the
// width the form gives it.
func NewChoiceGroup(values []string) *ChoiceGroup {
	g := &ChoiceGroup{Choices: TextChoices(values)}
	g.Group = NewCheckGroup(g.Choices.Labels, nil)
	return g
}

// NewIDGroup is a check group over master records (ids shown by label).
func NewIDGroup(c Choices) *ChoiceGroup {
	return &ChoiceGroup{Choices: c, Group: NewCheckGroup(c.Labels, nil)}
}

// Values returns the checked Values in the list's order.
func (g *ChoiceGroup) Values() []string {
	var out []string
	for i, l := range g.Choices.Labels {
		for _, s := range g.Group.Selected {
			if s == l {
				out = append(out, g.Choices.IDs[i])
			}
		}
	}
	return out
}

// Set checks exactly vs (values unknown to the group are ignored).
func (g *ChoiceGroup) Set(vs []string) {
	var sel []string
	for _, v := range vs {
		if l := g.Choices.Label(v); l != "" {
			sel = append(sel, l)
		}
	}
	g.Group.SetSelected(sel)
}

// Radio is a single choice over fixed Japanese values, shown translated.
type Radio struct {
	Choices Choices
	Group   *RadioGroup
}

// NewRadio is a radio group over values; its options wrap to the width
// the form gives it.
func NewRadio(values []string) *Radio {
	r := &Radio{Choices: TextChoices(values)}
	r.Group = NewRadioGroup(r.Choices.Labels, nil)
	return r
}

func (r *Radio) Value() string { return r.Choices.ID(r.Group.Selected) }

func (r *Radio) Set(v string) { r.Group.SetSelected(r.Choices.Label(v)) }

// SelectValue returns the Japanese value chosen in a Select made by
// textChoices(values).newSelect.
func SelectValue(c Choices, s *widget.Select) string { return c.ID(s.Selected) }

// SetSelectValue selects v (or clears the Select when v is empty).
func SetSelectValue(c Choices, s *widget.Select, v string) {
	if v == "" {
		s.ClearSelected()
		return
	}
	c.SelectID(s, v)
}

// StaffChoicesByRole lists the active staff of one role (相談員 or 専門家),
// plus keep (an inactive one a record still names).
func StaffChoicesByRole(ctx Env, role, keep string) (Choices, error) {
	st, err := ctx.Office().Staff(ctx.Context(), ctx.Session())
	var c Choices
	for _, s := range st {
		if s.Role == role && (s.Active || s.ID == keep) {
			label := s.Name
			if s.Qualification != "" {
				label += "（" + tr(s.Qualification) + "）"
			}
			c.Add(s.ID, label)
		}
	}
	return c, err
}

// Buttons lays buttons out in a row, the first one important.
func Buttons(bs ...*widget.Button) fyne.CanvasObject {
	if len(bs) > 0 {
		bs[0].Importance = widget.HighImportance
	}
	objs := make([]fyne.CanvasObject, len(bs))
	for i, b := range bs {
		objs[i] = b
	}
	return container.NewHBox(objs...)
}

// BusinessNames maps business ids to names (empty map on error).
func BusinessNames(ctx Env, ids []string) map[string]string {
	m, err := ctx.Office().BusinessNames(ctx.Context(), ctx.Session(), ids)
	if err != nil || m == nil {
		return map[string]string{}
	}
	return m
}

// Opaque puts o on the theme's background, so that a scrolled form never
// shows through a button bar.
func Opaque(o fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	return container.NewStack(bg, container.NewPadded(o))
}

// Focus gives the keyboard focus to o (Ctrl+F lands on a screen's search
// field or list).
func Focus(ctx Env, o fyne.Focusable) {
	if c := ctx.Window().Canvas(); c != nil {
		c.Focus(o)
	}
}

// AllChoice prepends "すべて" (id "") to c and returns a Select over it.
func AllChoice(c *Choices) *widget.Select {
	all := Choices{IDs: []string{""}, Labels: []string{tr("すべて")}}
	all.IDs = append(all.IDs, c.IDs...)
	all.Labels = append(all.Labels, c.Labels...)
	*c = all
	s := c.NewSelect(nil)
	s.SetSelectedIndex(0)
	return s
}

// BoldLabel is a label in bold.
func BoldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// Trimmed returns the entry's text without surrounding spaces.
func Trimmed(e *widget.Entry) string { return strings.TrimSpace(e.Text) }

// PersonName is the name of the person with login (受付者), or the login
// when the name cannot be found.
func PersonName(ctx Env, login string) string {
	if login == ctx.Session().Login() {
		return ctx.Session().Name()
	}
	name, err := ctx.Office().UserName(ctx.Context(), ctx.Session(), login)
	if err != nil || name == "" {
		return login
	}
	return name
}
