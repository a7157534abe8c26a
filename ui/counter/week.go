package counter

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// weekScreen is 予約: a week of free and taken slots, 9:00–17:00, for one
// venue or one consultant. A free slot opens a new reservation there; a
// taken one opens that reservation.
type weekScreen struct {
	ctx     Host
	week    *widgets.DateField
	byStaff *widget.RadioGroup
	venues  widgets.Choices
	staff   widgets.Choices
	who     *widget.Select
	slot    *widget.Select
	grid    *fyne.Container
	rs      []record.Reservation
	form    *reservationForm // the last form opened (tests look at it)
	biz     map[string]string
	reading widgets.Latest // the newest read of the week
}

// The day the week calendar covers, and the slot lengths it offers.
const (
	dayStart = 9 * 60
	dayEnd   = 17 * 60
)

func newWeekScreen(ctx Host) *weekScreen {
	w := &weekScreen{ctx: ctx, grid: container.New(&widgets.LabelledGrid{Cols: 8})}
	w.venues, _ = widgets.VenueChoices(ctx)
	w.staff, _ = widgets.ConsultantChoices(ctx)
	w.week = widgets.NewDateField(monday(ctx.Today()), 7, func(time.Time) { w.reload() })
	w.byStaff = widget.NewRadioGroup([]string{tr("会場別"), tr("相談員別")}, func(string) { w.switchWho() })
	w.byStaff.Horizontal = true
	w.who = widget.NewSelect(nil, func(string) { w.reload() })
	w.slot = widget.NewSelect([]string{tr("30 分"), tr("60 分")}, func(string) { w.reload() })
	w.byStaff.SetSelected(tr("会場別"))
	w.slot.SetSelected(tr("60 分"))
	return w
}

// monday returns the Monday of t's week as a calendar date.
func monday(t time.Time) time.Time {
	d := widgets.CalendarDate(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func (w *weekScreen) object() fyne.CanvasObject {
	thisWeek := widget.NewButton(tr("今週"), func() { w.week.SetDate(monday(w.ctx.Today())) })
	bar := container.NewHBox(w.week.Object(), thisWeek)
	pick := container.NewHBox(w.byStaff, widgets.Sized(w.who, 220), widget.NewLabel(tr("枠")), w.slot, layout.NewSpacer())
	top := container.NewVBox(widgets.Heading(tr("予約")), bar, pick, widget.NewLabel(tr("空いている枠を押すと予約を登録できます。")))
	return widgets.WithShortcuts(container.NewBorder(top, nil, nil, nil, container.NewVScroll(w.grid)), map[string]func(){
		widgets.ShortcutNew:    func() { w.book(w.week.Date(), dayStart, dayStart+60) },
		widgets.ShortcutSearch: func() { w.ctx.Window().Canvas().Focus(w.week.Entry) },
	})
}

// switchWho fills the venue or consultant choice.
func (w *weekScreen) switchWho() {
	c := w.current()
	w.who.SetOptions(c.Labels)
	if len(c.Labels) > 0 {
		w.who.SetSelectedIndex(0)
	}
}

func (w *weekScreen) current() widgets.Choices {
	if w.byStaff.Selected == tr("相談員別") {
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

// reload reads the week's reservations and redraws the grid.
func (w *weekScreen) reload() {
	if w.slot == nil || w.slot.Selected == "" {
		return
	}
	from := w.week.Date()
	byStaff, id := w.byStaff.Selected == tr("相談員別"), w.current().ID(w.who.Selected)
	type week struct {
		rs  []record.Reservation
		biz map[string]string
	}
	widgets.Run(w.ctx.Runner(), func(c context.Context) (week, error) {
		rs, err := w.ctx.Office().ReservationsBetween(c, w.ctx.Session(), from.Format(time.DateOnly), from.AddDate(0, 0, 6).Format(time.DateOnly))
		if err != nil {
			return week{}, err
		}
		var shown []record.Reservation
		var ids []string
		for _, r := range rs {
			if matches(r, byStaff, id) {
				shown = append(shown, r)
				ids = append(ids, r.BusinessID)
			}
		}
		biz, _ := w.ctx.Office().BusinessNames(c, w.ctx.Session(), ids)
		return week{shown, biz}, nil
	}, func(wk week, err error) {
		if err != nil {
			w.ctx.ShowError(err)
			return
		}
		w.rs, w.biz = wk.rs, wk.biz
		w.draw()
	}, widgets.OnlyLatest(&w.reading))
}

// matches keeps active reservations of the chosen consultant (byStaff) or
// venue id.
func matches(r record.Reservation, byStaff bool, id string) bool {
	if r.Status != record.ResBooked && r.Status != record.ResVisited {
		return false
	}
	if byStaff {
		return r.ConsultantID == id
	}
	return r.VenueID == id
}

func (w *weekScreen) draw() {
	objs := []fyne.CanvasObject{widget.NewLabel("")}
	from := w.week.Date()
	for d := 0; d < 7; d++ {
		day := from.AddDate(0, 0, d)
		objs = append(objs, widgets.BoldLabel(fmt.Sprintf("%d/%d（%s）", day.Month(), day.Day(), weekdayJP(day))))
	}
	step := w.slotMinutes()
	for m := dayStart; m < dayEnd; m += step {
		objs = append(objs, widget.NewLabel(clock(m)))
		for d := 0; d < 7; d++ {
			objs = append(objs, w.cell(from.AddDate(0, 0, d), m, m+step))
		}
	}
	w.grid.Objects = objs
	w.grid.Refresh()
}

// cell is one slot: free (tap to book) or taken (tap to open).
func (w *weekScreen) cell(day time.Time, start, end int) fyne.CanvasObject {
	iso := day.Format(time.DateOnly)
	for _, r := range w.rs {
		if r.Date == iso && widgets.NormalClock(r.Start) < clock(end) && clock(start) < widgets.NormalClock(r.End) {
			r := r
			b := widget.NewButton(shorten(w.biz[r.BusinessID], 7), func() { w.open(r) })
			b.Importance = widget.WarningImportance
			return b
		}
	}
	b := widget.NewButton(tr("空き"), func() { w.book(day, start, end) })
	b.Importance = widget.LowImportance
	return b
}

// book opens a new reservation in a free slot.
func (w *weekScreen) book(day time.Time, start, end int) {
	w.ctx.Window().Canvas().Unfocus()
	r := record.Reservation{Date: day.Format(time.DateOnly), Start: clock(start), End: clock(end)}
	id := w.current().ID(w.who.Selected)
	if w.byStaff.Selected == tr("相談員別") {
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
