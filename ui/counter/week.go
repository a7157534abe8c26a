package counter

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// weekScreen is 予約: the reservation calendar, 9:00–17:00, in two views.
// 週 shows a week of slots for one venue or one consultant; 日 shows one
// day with every venue (or every consultant) side by side. A free slot
// opens a new reservation there; a taken one opens that reservation.
// Public holidays and the office's 休業日 are greyed out, and past slots
// are not offered. The header row stays put while the slots scroll, and
// the screen remembers its view, date, venue or consultant and slot length
// for the person (calendarState).
type weekScreen struct {
	ctx     Host
	view    *widget.RadioGroup // 週 / 日
	week    *widgets.DateField // the Monday of the week view
	day     *widgets.DateField // the day of the day view
	byStaff *widget.RadioGroup
	venues  widgets.Choices
	staff   widgets.Choices
	who     *widget.Select
	slot    *widget.Select
	notice  *widget.Label     // why the shown day is closed (day view)
	head    *fyne.Container   // the header row, outside the scroll
	grid    *fyne.Container   // the slots
	dates   *fyne.Container   // the week's or the day's date field
	thisWk  *widget.Button    // 今週 (week view)
	today   *widget.Button    // 今日 (day view)
	whoBox  fyne.CanvasObject // the venue or consultant choice (week view)
	root    *fyne.Container   // the screen, once object made it
	rs      []record.Reservation
	closed  map[string]office.Closure
	form    *reservationForm // the last form opened (tests look at it)
	biz     map[string]string
	state   calendarState
	ready   bool           // the widgets hold the remembered state
	reading widgets.Latest // the newest read
}

// The day the calendar covers.
const (
	dayStart = 9 * 60
	dayEnd   = 17 * 60
)

func newWeekScreen(ctx Host) *weekScreen {
	w := &weekScreen{ctx: ctx, head: container.New(&slotGrid{cols: 8}), grid: container.New(&slotGrid{cols: 8}), notice: widget.NewLabel("")}
	w.notice.Importance = widget.WarningImportance
	w.notice.Hide()
	w.venues, _ = widgets.VenueChoices(ctx)
	w.staff, _ = widgets.ConsultantChoices(ctx)
	w.state = loadCalendarState(ctx)
	w.week = widgets.NewDateField(monday(w.state.date), 7, func(time.Time) { w.reload() })
	w.day = widgets.NewDateField(w.state.date, 1, func(time.Time) { w.reload() })
	w.view = widget.NewRadioGroup([]string{tr("週@view"), tr("日@view")}, func(string) { w.switchView() })
	w.view.Horizontal, w.view.Required = true, true
	w.byStaff = widget.NewRadioGroup([]string{tr("会場別"), tr("相談員別")}, func(string) { w.switchWho() })
	w.byStaff.Horizontal, w.byStaff.Required = true, true
	w.who = widget.NewSelect(nil, func(string) { w.reload() })
	w.slot = widget.NewSelect([]string{tr("30 分"), tr("60 分")}, func(string) { w.reload() })
	w.thisWk = widget.NewButton(tr("今週"), func() { w.week.SetDate(monday(w.ctx.Today())) })
	w.today = widget.NewButton(tr("今日"), func() { w.day.SetDate(w.ctx.Today()) })
	w.dates = container.NewStack()
	w.whoBox = widgets.Sized(w.who, 220)
	w.restore()
	return w
}

// restore puts the remembered state into the widgets, then reads.
func (w *weekScreen) restore() {
	st := w.state
	w.byStaff.SetSelected(w.byStaff.Options[boolIndex(st.byStaff)])
	w.current().SelectID(w.who, st.who)
	w.slot.SetSelected(tr("60 分"))
	if st.slot == 30 {
		w.slot.SetSelected(tr("30 分"))
	}
	w.view.SetSelected(w.view.Options[boolIndex(st.dayView)])
	w.ready = true
	w.switchView()
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// monday returns the Monday of t's week as a calendar date.
func monday(t time.Time) time.Time {
	d := widgets.CalendarDate(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func (w *weekScreen) object() fyne.CanvasObject {
	bar := container.NewHBox(w.view, w.dates, w.thisWk, w.today)
	pick := container.NewHBox(w.byStaff, w.whoBox, widget.NewLabel(tr("枠")), w.slot, layout.NewSpacer())
	top := container.NewVBox(widgets.Heading(tr("予約")), bar, pick, widget.NewLabel(tr("空いている枠を押すと予約を登録できます。")), w.notice, w.head)
	w.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(w.grid))
	w.relayout()
	return widgets.WithShortcuts(w.root, map[string]func(){
		widgets.ShortcutNew:    w.bookFirstFree,
		widgets.ShortcutSearch: func() { w.ctx.Window().Canvas().Focus(w.dateField().Entry) },
	})
}

// dayView reports whether the 日 view is shown.
func (w *weekScreen) dayView() bool { return w.view.Selected == tr("日@view") }

func (w *weekScreen) dateField() *widgets.DateField {
	if w.dayView() {
		return w.day
	}
	return w.week
}

// switchView shows the 週 or the 日 view; the day view starts on today
// when the week holds it, else on the week's Monday, and the week view on
// the day's week.
func (w *weekScreen) switchView() {
	if !w.ready {
		return
	}
	w.ready = false
	if w.dayView() {
		from, today := w.week.Date(), widgets.CalendarDate(w.ctx.Today())
		if d := w.day.Date(); monday(d) != from {
			d = from
			if monday(today) == from {
				d = today
			}
			w.day.SetDate(d)
		}
		w.dates.Objects = []fyne.CanvasObject{w.day.Object()}
		w.thisWk.Hide()
		w.today.Show()
		w.whoBox.Hide()
	} else {
		w.week.SetDate(monday(w.day.Date()))
		w.dates.Objects = []fyne.CanvasObject{w.week.Object()}
		w.today.Hide()
		w.thisWk.Show()
		w.whoBox.Show()
	}
	w.ready = true
	w.reload()
}

// relayout lays the screen out again after rows, columns or buttons came
// or went.
func (w *weekScreen) relayout() {
	if w.root == nil {
		return
	}
	for _, o := range w.root.Objects {
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				x.Refresh()
			}
		}
		o.Refresh()
	}
	w.root.Refresh()
}

// switchWho fills the venue or consultant choice.
func (w *weekScreen) switchWho() {
	c := w.current()
	ready := w.ready
	w.ready = false
	w.who.SetOptions(c.Labels)
	if len(c.Labels) > 0 {
		w.who.SetSelectedIndex(0)
	}
	w.ready = ready
	w.reload()
}

// byStaffView reports whether the calendar shows consultants (相談員別)
// rather than venues.
func (w *weekScreen) byStaffView() bool { return w.byStaff.Selected == tr("相談員別") }

func (w *weekScreen) current() widgets.Choices {
	if w.byStaffView() {
		return w.staff
	}
	return w.venues
}

func (w *weekScreen) slotMinutes() int {
	if w.slot.Selected == tr("30 分") {
		return 30
	}
	return 60
}

// span is the first and last day shown.
func (w *weekScreen) span() (from, to time.Time) {
	if w.dayView() {
		return w.day.Date(), w.day.Date()
	}
	return w.week.Date(), w.week.Date().AddDate(0, 0, 6)
}

// reload remembers the screen's state, reads the shown days'
// reservations and closures, and redraws the grid.
func (w *weekScreen) reload() {
	if !w.ready {
		return
	}
	w.remember()
	first, last := w.span()
	from, to := first.Format(time.DateOnly), last.Format(time.DateOnly)
	type shown struct {
		rs     []record.Reservation
		biz    map[string]string
		closed map[string]office.Closure
	}
	widgets.Run(w.ctx.Runner(), func(c context.Context) (shown, error) {
		rs, err := w.ctx.Office().ReservationsBetween(c, w.ctx.Session(), from, to)
		if err != nil {
			return shown{}, err
		}
		closed, err := w.ctx.Office().Closures(c, w.ctx.Session(), from, to)
		if err != nil {
			return shown{}, err
		}
		var active []record.Reservation
		var ids []string
		for _, r := range rs {
			if r.Status == record.ResBooked || r.Status == record.ResVisited {
				active = append(active, r)
				ids = append(ids, r.BusinessID)
			}
		}
		biz, _ := w.ctx.Office().BusinessNames(c, w.ctx.Session(), ids)
		return shown{active, biz, closed}, nil
	}, func(s shown, err error) {
		if err != nil {
			w.ctx.ShowError(err)
			return
		}
		w.rs, w.biz, w.closed = s.rs, s.biz, s.closed
		w.draw()
	}, widgets.OnlyLatest(&w.reading))
}

// remember keeps the widgets' state for the next visit.
func (w *weekScreen) remember() {
	w.state = calendarState{dayView: w.dayView(), byStaff: w.byStaffView(), who: w.current().ID(w.who.Selected),
		slot: w.slotMinutes(), date: w.dateField().Date()}
	w.state.save(w.ctx)
}

// owner is the venue or consultant of r, as the calendar columns them.
func (w *weekScreen) owner(r record.Reservation) string {
	if w.byStaffView() {
		return r.ConsultantID
	}
	return r.VenueID
}

func (w *weekScreen) draw() {
	if w.dayView() {
		w.drawDay()
		return
	}
	w.notice.Hide()
	from := w.week.Date()
	head := []fyne.CanvasObject{widget.NewLabel("")}
	for d := 0; d < 7; d++ {
		day := from.AddDate(0, 0, d)
		head = append(head, w.dayLabel(day))
	}
	id := w.current().ID(w.who.Selected)
	var body []fyne.CanvasObject
	w.rows(func(start, end int) {
		for d := 0; d < 7; d++ {
			body = append(body, w.cell(from.AddDate(0, 0, d), start, end, id))
		}
	}, &body)
	w.setGrid(8, head, body)
}

// dayLabel is a day's header, "10/1（木）", greyed out when the office is
// closed then.
func (w *weekScreen) dayLabel(day time.Time) *widget.Label {
	l := widgets.BoldLabel(fmt.Sprintf("%d/%d（%s）", day.Month(), day.Day(), weekdayJP(day)))
	if _, closed := w.closed[day.Format(time.DateOnly)]; closed {
		l.Importance = widget.LowImportance
	}
	return l
}

// rows calls fill for each slot of the day after adding its time label
// to body.
func (w *weekScreen) rows(fill func(start, end int), body *[]fyne.CanvasObject) {
	step := w.slotMinutes()
	for m := dayStart; m < dayEnd; m += step {
		*body = append(*body, widget.NewLabel(clock(m)))
		fill(m, m+step)
	}
}

// setGrid shows the header row and the slots in cols columns.
func (w *weekScreen) setGrid(cols int, head, body []fyne.CanvasObject) {
	w.head.Layout, w.grid.Layout = &slotGrid{cols, w.grid}, &slotGrid{cols, w.head}
	w.head.Objects, w.grid.Objects = head, body
	w.relayout()
}

// cell is one slot of venue or consultant id: taken (tap to open), closed
// (greyed, with the reason), past (blank) or free (tap to book).
func (w *weekScreen) cell(day time.Time, start, end int, id string) fyne.CanvasObject {
	iso := day.Format(time.DateOnly)
	for _, r := range w.rs {
		if r.Date == iso && w.owner(r) == id && widgets.NormalClock(r.Start) < clock(end) && clock(start) < widgets.NormalClock(r.End) {
			r := r
			b := widget.NewButton(shorten(w.biz[r.BusinessID], w.cellText()), func() { w.open(r) })
			b.Importance = widget.WarningImportance
			return b
		}
	}
	if c, ok := w.closed[iso]; ok {
		b := widget.NewButton(shorten(closureName(c), w.cellText()), nil)
		b.Disable()
		return b
	}
	if w.past(day, start) {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Disable()
		return b
	}
	byStaff := w.byStaffView()
	b := widget.NewButton(tr("空き"), func() { w.bookFor(day, start, end, byStaff, id) })
	b.Importance = widget.LowImportance
	return b
}

// cellText is how many characters of a name a slot shows: more when a day
// shows few venues or consultants side by side, fewer when it shows many.
func (w *weekScreen) cellText() int {
	// The week's seven columns show 7 characters each; a day's columns
	// share the same width.
	if n := len(w.current().IDs); w.dayView() && n > 0 {
		return min(24, max(2, 49/n))
	}
	return 7
}

// closureName is a holiday's name in the window's language, or the name
// the office gave its closed days.
func closureName(c office.Closure) string {
	if c.Holiday {
		return tr(c.Reason)
	}
	return c.Reason
}

// past reports whether the slot starting at minute start of day has begun.
func (w *weekScreen) past(day time.Time, start int) bool {
	now := w.ctx.Today()
	today := widgets.CalendarDate(now)
	return day.Before(today) || (day.Equal(today) && start < now.Hour()*60+now.Minute())
}

// bookFirstFree (Ctrl+N) opens a new reservation in the first slot the
// calendar offers (the earliest day first, in the week view), or an empty
// one when it offers none.
func (w *weekScreen) bookFirstFree() {
	objs := w.grid.Objects
	cols := w.grid.Layout.(*slotGrid).cols
	for c := 1; c < cols; c++ {
		for i := c; i < len(objs); i += cols {
			if b, ok := objs[i].(*widget.Button); ok && b.Text == tr("空き") && !b.Disabled() {
				b.OnTapped()
				return
			}
		}
	}
	w.form = showReservationForm(w.ctx, record.Reservation{}, func(*record.Reservation) { w.reload() })
}

// book opens a new reservation in a free slot of the venue or consultant
// chosen for the week view.
func (w *weekScreen) book(day time.Time, start, end int) {
	w.bookFor(day, start, end, w.byStaffView(), w.current().ID(w.who.Selected))
}

// bookFor opens a new reservation at the slot of venue (or consultant) id.
func (w *weekScreen) bookFor(day time.Time, start, end int, byStaff bool, id string) {
	w.ctx.Window().Canvas().Unfocus()
	r := record.Reservation{Date: day.Format(time.DateOnly), Start: clock(start), End: clock(end)}
	if byStaff {
		r.ConsultantID = id
	} else {
		r.VenueID = id
	}
	w.form = showReservationForm(w.ctx, r, func(*record.Reservation) { w.reload() })
}

func (w *weekScreen) open(r record.Reservation) {
	full, err := w.ctx.Office().Reservation(w.ctx.Context(), w.ctx.Session(), r.ID)
	if err != nil {
		w.ctx.ShowError(err)
		return
	}
	w.form = showReservationForm(w.ctx, *full, func(*record.Reservation) { w.reload() })
}

// clock formats minutes after midnight as "15:04".
func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func weekdayJP(t time.Time) string {
	return tr([]string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()])
}

// shorten cuts s to n characters with "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
