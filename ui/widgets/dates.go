package widgets

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// DateField is a date entry with ◀ ▶ buttons (a day, or step days, back
// and forward) and the date in 西暦 with weekday and 和暦 beside it. It
// accepts every spelling record.ParseDate reads (2026-10-01, 令和8年10月1日,
// R8.10.1, …). Dates are calendar dates at midnight UTC, as ParseDate
// returns them.
type DateField struct {
	Entry    *widget.Entry
	shown    *widget.Label
	date     time.Time
	step     int
	onChange func(time.Time)
}

// NewDateField returns a field holding d; onChange (may be nil) runs
// whenever the date changes.
func NewDateField(d time.Time, step int, onChange func(time.Time)) *DateField {
	f := &DateField{Entry: widget.NewEntry(), shown: widget.NewLabel(""), step: step, onChange: onChange}
	f.Entry.OnSubmitted = func(string) { f.parse() }
	f.Entry.Validator = func(s string) error {
		_, err := record.ParseDate("日付", s)
		return Localized(err)
	}
	f.set(CalendarDate(d), false)
	return f
}

// CalendarDate returns t's date in t's zone as midnight UTC.
func CalendarDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Object is the field with its buttons.
func (f *DateField) Object() fyne.CanvasObject {
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { f.shift(-f.step) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { f.shift(f.step) })
	return container.NewHBox(prev, Sized(f.Entry, 130), next, f.shown)
}

// Date returns the date.
func (f *DateField) Date() time.Time { return f.date }

// ISO returns the date as 2006-01-02.
func (f *DateField) ISO() string { return f.date.Format(time.DateOnly) }

// SetDate changes the date and reports it.
func (f *DateField) SetDate(d time.Time) { f.set(CalendarDate(d), true) }

func (f *DateField) shift(days int) { f.set(f.date.AddDate(0, 0, days), true) }

func (f *DateField) parse() {
	d, err := record.ParseDate("日付", f.Entry.Text)
	if err != nil {
		f.shown.SetText(Localized(err).Error())
		return
	}
	f.set(d, true)
}

func (f *DateField) set(d time.Time, notify bool) {
	f.date = d
	f.Entry.SetText(d.Format(time.DateOnly))
	f.shown.SetText(record.FormatDateJP(d) + "　" + record.FormatWareki(d))
	if notify && f.onChange != nil {
		f.onChange(d)
	}
}

// clockField is an entry for a time of day that accepts 9:30, 930, 9時30分
// and shows it as 09:30 once it is left or submitted.
func NewClockField(v string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder("09:30")
	e.SetText(v)
	return e
}

// NormalClock returns v as "15:04", or v unchanged when it is not a time.
func NormalClock(v string) string {
	h, m, err := record.ParseClock("", v)
	if err != nil {
		return v
	}
	return time.Date(2000, 1, 1, h, m, 0, 0, time.UTC).Format("15:04")
}
