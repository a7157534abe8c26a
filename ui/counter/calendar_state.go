package counter

import (
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// calendarState is what the calendar remembers between visits, per
// person, in the application's preferences: the view, venues or
// consultants, which one, the slot length, and the date (only for the day
// it was left on: the next morning the calendar starts on today).
type calendarState struct {
	dayView bool
	byStaff bool
	who     string // venue or consultant id
	slot    int    // minutes
	date    time.Time
}

// prefKey is the preference key of one item of the person's state.
func prefKey(h Host, item string) string { return "calendar." + h.Session().Login() + "." + item }

// loadCalendarState reads the person's state; without one, the week view
// of today by venue.
func loadCalendarState(h Host) calendarState {
	st := calendarState{date: widgets.CalendarDate(h.Today()), slot: 60}
	app := fyne.CurrentApp()
	if app == nil {
		return st
	}
	p := app.Preferences()
	st.dayView = p.Bool(prefKey(h, "day"))
	st.byStaff = p.Bool(prefKey(h, "staff"))
	st.who = p.String(prefKey(h, "who"))
	st.slot = p.IntWithFallback(prefKey(h, "slot"), 60)
	today := st.date.Format(time.DateOnly)
	if p.String(prefKey(h, "on")) == today {
		if d, err := time.Parse(time.DateOnly, p.String(prefKey(h, "date"))); err == nil {
			st.date = d
		}
	}
	return st
}

// save writes st as the person's state.
func (st calendarState) save(h Host) {
	app := fyne.CurrentApp()
	if app == nil {
		return
	}
	p := app.Preferences()
	p.SetBool(prefKey(h, "day"), st.dayView)
	p.SetBool(prefKey(h, "staff"), st.byStaff)
	p.SetString(prefKey(h, "who"), st.who)
	p.SetInt(prefKey(h, "slot"), st.slot)
	p.SetString(prefKey(h, "date"), st.date.Format(time.DateOnly))
	p.SetString(prefKey(h, "on"), widgets.CalendarDate(h.Today()).Format(time.DateOnly))
}
