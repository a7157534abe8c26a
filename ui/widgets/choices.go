package widgets

import (
	"image/color"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Choices pairs the ids of master records with the labels a Select shows.
type Choices struct {
	IDs    []string
	Labels []string
}

func (c *Choices) Add(id, label string) {
	c.IDs = append(c.IDs, id)
	c.Labels = append(c.Labels, label)
}

// ID returns the ID shown as label, or "".
func (c Choices) ID(label string) string {
	for i, l := range c.Labels {
		if l == label {
			return c.IDs[i]
		}
	}
	return ""
}

// Label returns the Label of id, or "".
func (c Choices) Label(id string) string {
	for i, x := range c.IDs {
		if x == id {
			return c.Labels[i]
		}
	}
	return ""
}

// NewSelect returns a Select over c that reports the chosen id.
func (c Choices) NewSelect(onChange func(id string)) *widget.Select {
	s := widget.NewSelect(c.Labels, nil)
	if onChange != nil {
		s.OnChanged = func(l string) { onChange(c.ID(l)) }
	}
	s.PlaceHolder = tr("選んでください")
	return s
}

// SelectID selects id in s (which was made by c.newSelect).
func (c Choices) SelectID(s *widget.Select, id string) {
	if l := c.Label(id); l != "" {
		s.SetSelected(l)
	}
}

// VenueChoices lists the active venues.
func VenueChoices(ctx Env) (Choices, error) {
	vs, err := ctx.Office().Venues(ctx.Context(), ctx.Session())
	var c Choices
	for _, v := range vs {
		if v.Active {
			c.Add(v.ID, v.Name)
		}
	}
	return c, err
}

// ConsultantChoices lists the active consultants (not the advisers).
func ConsultantChoices(ctx Env) (Choices, error) {
	st, err := ctx.Office().Staff(ctx.Context(), ctx.Session())
	var c Choices
	for _, s := range st {
		if s.Active && s.Role == record.StaffRoles()[0] {
			c.Add(s.ID, s.Name)
		}
	}
	return c, err
}

// TextChoices returns a Select over fixed Japanese values (record's lists),
// showing them translated and reporting the Japanese value.
func TextChoices(values []string) Choices {
	var c Choices
	for _, v := range values {
		c.Add(v, tr(v))
	}
	return c
}

// Names returns the venue and staff Names by id.
func Names(ctx Env) map[string]string {
	n, err := ctx.Office().Names(ctx.Context(), ctx.Session())
	if err != nil {
		return map[string]string{}
	}
	return n
}

// flowLayout lays objects out left to right at their minimum sizes and
// starts a new row when the next one would pass the width. Its minimum
// width is that of the widest object, so a long group of options never
// makes the window wider; its minimum height is that of the rows at the
// width it was last laid out at (the window lays it out again when that
// changes, as it does for wrapped text).
type flowLayout struct {
	width float32 // of the last layout (0: none yet)
	gap   float32 // between objects and rows
}

// flow places objs (when place) in rows of width, each object as high as
// its row, and returns the height.
func (f *flowLayout) flow(objs []fyne.CanvasObject, width float32, place bool) float32 {
	var y float32
	row := []fyne.CanvasObject{}
	var x, h float32
	end := func() {
		if place {
			var at float32
			for _, o := range row {
				m := o.MinSize()
				o.Move(fyne.NewPos(at, y))
				o.Resize(fyne.NewSize(m.Width, h))
				at += m.Width + f.gap
			}
		}
		y += h + f.gap
		row, x, h = row[:0], 0, 0
	}
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if len(row) > 0 && x+m.Width > width {
			end()
		}
		row = append(row, o)
		x += m.Width + f.gap
		h = max(h, m.Height)
	}
	if len(row) > 0 {
		end()
	}
	return max(0, y-f.gap)
}

// Layout implements fyne.Layout.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.flow(objs, size.Width, true)
}

// MinSize implements fyne.Layout.
func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	width := f.width
	if width <= 0 {
		width = float32(math.Inf(1)) // not laid out yet: one row
	}
	return fyne.NewSize(w, f.flow(objs, max(width, w), false))
}

// flowRenderer shows a group's items with flowLayout.
type flowRenderer struct {
	objs []fyne.CanvasObject
	flow *flowLayout
	sync func()
}

func (r *flowRenderer) Layout(size fyne.Size)        { r.flow.Layout(r.objs, size) }
func (r *flowRenderer) MinSize() fyne.Size           { return r.flow.MinSize(r.objs) }
func (r *flowRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *flowRenderer) Destroy()                     {}
func (r *flowRenderer) Refresh() {
	r.sync()
	for _, o := range r.objs {
		o.Refresh()
	}
}

// CheckGroup is a group of check boxes (any number checked) that wraps
// into as many rows as the width it is given needs.
type CheckGroup struct {
	widget.DisableableWidget
	Options  []string
	Selected []string
	// OnChanged is called with Selected when the person checks or
	// unchecks an option.
	OnChanged func([]string)
	checks    []*widget.Check
	setting   bool // SetSelected is changing the checks
}

// NewCheckGroup returns a wrapping check group over options.
func NewCheckGroup(options []string, changed func([]string)) *CheckGroup {
	g := &CheckGroup{Options: options, OnChanged: changed}
	for _, o := range options {
		g.checks = append(g.checks, widget.NewCheck(o, func(bool) { g.toggled() }))
	}
	g.ExtendBaseWidget(g)
	return g
}

// toggled reads the checks after the person changed one.
func (g *CheckGroup) toggled() {
	if g.setting {
		return
	}
	g.Selected = nil
	for i, c := range g.checks {
		if c.Checked {
			g.Selected = append(g.Selected, g.Options[i])
		}
	}
	if g.OnChanged != nil {
		g.OnChanged(g.Selected)
	}
}

// SetSelected checks exactly the options in sel.
func (g *CheckGroup) SetSelected(sel []string) {
	g.Selected = nil
	for _, o := range g.Options {
		if slices.Contains(sel, o) {
			g.Selected = append(g.Selected, o)
		}
	}
	g.Refresh()
}

// sync shows Selected and the group's state in the checks.
func (g *CheckGroup) sync() {
	g.setting = true
	defer func() { g.setting = false }()
	for i, c := range g.checks {
		c.SetChecked(slices.Contains(g.Selected, g.Options[i]))
		if g.Disabled() {
			c.Disable()
		} else {
			c.Enable()
		}
	}
}

// CreateRenderer implements fyne.Widget.
func (g *CheckGroup) CreateRenderer() fyne.WidgetRenderer {
	g.sync()
	objs := make([]fyne.CanvasObject, len(g.checks))
	for i, c := range g.checks {
		objs[i] = c
	}
	return &flowRenderer{objs: objs, flow: &flowLayout{}, sync: g.sync}
}

// RadioGroup is a group of radio buttons (one option chosen) that wraps
// into as many rows as the width it is given needs.
type RadioGroup struct {
	widget.DisableableWidget
	Options  []string
	Selected string
	// OnChanged is called with Selected when the person chooses an option.
	OnChanged func(string)
	items     []*radioItem
}

// NewRadioGroup returns a wrapping radio group over options.
func NewRadioGroup(options []string, changed func(string)) *RadioGroup {
	g := &RadioGroup{Options: options, OnChanged: changed}
	for _, o := range options {
		g.items = append(g.items, newRadioItem(o, g))
	}
	g.ExtendBaseWidget(g)
	return g
}

// SetSelected chooses option (or none for "").
func (g *RadioGroup) SetSelected(option string) {
	g.Selected = option
	g.Refresh()
}

// choose is a tap on option: it becomes the choice; tapping the chosen
// one again clears it (as Fyne's radio group that is not Required does).
func (g *RadioGroup) choose(option string) {
	if g.Disabled() {
		return
	}
	if g.Selected == option {
		option = ""
	}
	g.SetSelected(option)
	if g.OnChanged != nil {
		g.OnChanged(option)
	}
}

// CreateRenderer implements fyne.Widget.
func (g *RadioGroup) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(g.items))
	for i, it := range g.items {
		objs[i] = it
	}
	return &flowRenderer{objs: objs, flow: &flowLayout{}, sync: func() {}}
}

// radioItem is one option of a RadioGroup: the radio icon and the label.
// It takes taps and, when focused, the space key.
type radioItem struct {
	widget.BaseWidget
	label   string
	group   *RadioGroup
	focused bool
}

func newRadioItem(label string, g *RadioGroup) *radioItem {
	it := &radioItem{label: label, group: g}
	it.ExtendBaseWidget(it)
	return it
}

// Tapped implements fyne.Tappable.
func (it *radioItem) Tapped(*fyne.PointEvent) {
	if !it.group.Disabled() {
		if c := fyne.CurrentApp().Driver().CanvasForObject(it); c != nil {
			c.Focus(it)
		}
	}
	it.group.choose(it.label)
}

// FocusGained implements fyne.Focusable.
func (it *radioItem) FocusGained() { it.focused = true; it.Refresh() }

// FocusLost implements fyne.Focusable.
func (it *radioItem) FocusLost() { it.focused = false; it.Refresh() }

// TypedRune implements fyne.Focusable: space chooses the option.
func (it *radioItem) TypedRune(r rune) {
	if r == ' ' {
		it.group.choose(it.label)
	}
}

// TypedKey implements fyne.Focusable.
func (it *radioItem) TypedKey(*fyne.KeyEvent) {}

// CreateRenderer implements fyne.Widget.
func (it *radioItem) CreateRenderer() fyne.WidgetRenderer {
	focus := canvas.NewCircle(color.Transparent)
	icon := widget.NewIcon(theme.RadioButtonIcon())
	label := widget.NewLabel(it.label)
	r := &radioItemRenderer{item: it, focus: focus, icon: icon, label: label}
	r.Refresh()
	return r
}

type radioItemRenderer struct {
	item  *radioItem
	focus *canvas.Circle
	icon  *widget.Icon
	label *widget.Label
}

func (r *radioItemRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.focus, r.icon, r.label}
}
func (r *radioItemRenderer) Destroy() {}

func (r *radioItemRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	l := r.label.MinSize()
	return fyne.NewSize(pad/2+theme.IconInlineSize()+l.Width, max(l.Height, theme.IconInlineSize()+2*pad))
}

func (r *radioItemRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	is := theme.IconInlineSize()
	y := (size.Height - is) / 2
	r.icon.Move(fyne.NewPos(pad/2, y))
	r.icon.Resize(fyne.NewSquareSize(is))
	r.focus.Move(fyne.NewPos(pad/2-pad/2, y-pad/2))
	r.focus.Resize(fyne.NewSquareSize(is + pad))
	r.label.Move(fyne.NewPos(pad/2+is, 0))
	r.label.Resize(fyne.NewSize(size.Width-pad/2-is, size.Height))
}

func (r *radioItemRenderer) Refresh() {
	it := r.item
	res := theme.RadioButtonIcon()
	if it.group.Selected == it.label {
		res = theme.NewPrimaryThemedResource(theme.RadioButtonCheckedIcon())
	}
	if it.group.Disabled() {
		res = theme.NewDisabledResource(res)
	}
	r.icon.SetResource(res)
	r.label.Importance = widget.MediumImportance
	if it.group.Disabled() {
		r.label.Importance = widget.LowImportance
	}
	r.label.Refresh()
	r.focus.FillColor = color.Transparent
	if it.focused {
		r.focus.FillColor = theme.Color(theme.ColorNameFocus)
	}
	r.focus.Refresh()
}
