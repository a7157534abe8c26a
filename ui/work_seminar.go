package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// seminarScreen is the セミナー screen: the seminars, a seminar's form
// (coordinators) and its applications with attendance.
type seminarScreen struct {
	ctx     *Context
	pager   *Pager
	table   *Table
	sems    []record.Seminar
	detail  *applicationsView // the open seminar, if any
	editing *seminarForm      // the open seminar form, if any
}

// buildSeminars builds the セミナー screen.
func buildSeminars(ctx *Context) fyne.CanvasObject { return newSeminarScreen(ctx).pager }

func newSeminarScreen(ctx *Context) *seminarScreen {
	sc := &seminarScreen{ctx: ctx}
	sc.table = NewTable([]string{"開催日", "時間", "会場", "定員", "タイトル"}, []float32{170, 110, 160, 60}, sc.open)
	keys := map[string]func(){ShortcutSearch: func() { Focus(ctx, sc.table.List) }}
	bar := container.NewHBox()
	if ctx.Session.May(office.PermSeminar) {
		add := widget.NewButtonWithIcon(tr("セミナーを登録"), theme.ContentAddIcon(), func() { sc.edit(sc.blank()) })
		bar.Add(add)
		keys[ShortcutNew] = func() { sc.edit(sc.blank()) }
	}
	top := container.NewVBox(Heading(tr("セミナー")), bar)
	sc.pager = NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()), keys)
	sc.refresh()
	return sc
}

func (sc *seminarScreen) blank() *record.Seminar {
	return &record.Seminar{Date: ISOToday(sc.ctx), Start: "14:00", End: "16:00", Capacity: 20}
}

func (sc *seminarScreen) refresh() {
	sems, err := sc.ctx.Office.Seminars(context.Background(), sc.ctx.Session)
	if err != nil {
		ShowError(sc.ctx.Window, err)
	}
	sc.sems = sems
	venues := Names(sc.ctx)
	rows := make([][]string, len(sems))
	for i, s := range sems {
		place := venues[s.VenueID]
		if s.Online {
			place = tr("オンライン")
		}
		rows[i] = []string{DateLabel(s.Date), s.Start + "〜" + s.End, place, strconv.Itoa(s.Capacity), s.Title}
	}
	sc.table.Set(rows)
}

// open shows a seminar's applications.
func (sc *seminarScreen) open(i int) {
	sem := sc.sems[i]
	if !sc.ctx.Session.May(office.PermApplications) {
		sc.edit(&sem)
		return
	}
	v := newApplicationsView(sc.ctx, &sem)
	sc.detail = v
	buttons := []*widget.Button{
		widget.NewButtonWithIcon(tr("出席者名簿を印刷"), theme.DocumentPrintIcon(), v.print),
	}
	if sc.ctx.Session.May(office.PermSeminar) {
		buttons = append(buttons, widget.NewButtonWithIcon(tr("セミナーを編集"), theme.DocumentCreateIcon(), func() { sc.edit(&sem) }))
	}
	buttons = append(buttons, widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), sc.back))
	sc.pager.Push(container.NewBorder(nil, Opaque(Buttons(buttons...)), nil, nil, v.object()),
		map[string]func(){ShortcutPrint: v.print, ShortcutSave: v.add, ShortcutNew: v.focus})
	v.focus()
}

func (sc *seminarScreen) back() {
	sc.detail, sc.editing = nil, nil
	sc.pager.Pop()
	sc.refresh()
}

// edit shows the seminar form.
func (sc *seminarScreen) edit(sem *record.Seminar) {
	sf, err := newSeminarForm(sc.ctx, sem)
	if err != nil {
		ShowError(sc.ctx.Window, err)
		return
	}
	sc.editing = sf
	save := func() {
		if sf.save() {
			sc.back()
		}
	}
	saveB := widget.NewButtonWithIcon(tr("保存"), theme.DocumentSaveIcon(), save)
	back := widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), sc.back)
	sc.pager.Push(FormView(Heading(tr("セミナー")), sf.ff.Object(), saveB, back), map[string]func(){ShortcutSave: save})
	sc.ctx.Window.Canvas().Focus(sf.title)
}

// seminarForm edits one seminar.
type seminarForm struct {
	ctx                      *Context
	sem                      *record.Seminar
	ff                       *FieldForm
	title, date, start, end  *widget.Entry
	capacity, lecturer, note *widget.Entry
	venues                   Choices
	venue                    *widget.Select
	online                   *widget.Check
}

func newSeminarForm(ctx *Context, sem *record.Seminar) (*seminarForm, error) {
	sf := &seminarForm{ctx: ctx, sem: sem, ff: NewFieldForm(), title: widget.NewEntry(),
		date: OptionalDateEntry("開催日", sem.Date), start: NewClockField(sem.Start), end: NewClockField(sem.End),
		capacity: widget.NewEntry(), lecturer: widget.NewEntry(), note: NewMultiLine(3),
		online: widget.NewCheck(tr("オンライン開催"), nil)}
	var err error
	if sf.venues, err = VenueChoices(ctx); err != nil {
		return nil, err
	}
	sf.venue = sf.venues.NewSelect(nil)
	sf.title.SetText(sem.Title)
	sf.capacity.SetText(strconv.Itoa(sem.Capacity))
	sf.lecturer.SetText(sem.Lecturer)
	sf.note.SetText(sem.Note)
	sf.venues.SelectID(sf.venue, sem.VenueID)
	sf.online.SetChecked(sem.Online)
	sf.ff.Add("タイトル", sf.title)
	sf.ff.Add("開催日", Sized(sf.date, 160))
	sf.ff.Add("時間", container.NewHBox(Sized(sf.start, 80), widget.NewLabel("〜"), Sized(sf.end, 80)))
	sf.ff.Errs["開始時刻"], sf.ff.Errs["終了時刻"] = sf.ff.Errs["時間"], sf.ff.Errs["時間"]
	sf.ff.Add("会場", container.NewVBox(sf.venue, sf.online))
	sf.ff.Add("定員", Sized(sf.capacity, 80))
	sf.ff.Add("講師", sf.lecturer)
	sf.ff.Add("備考", sf.note)
	return sf, nil
}

// save stores the seminar; problems appear next to their fields.
func (sf *seminarForm) save() bool {
	s := *sf.sem
	s.Title, s.Lecturer, s.Note = sf.title.Text, sf.lecturer.Text, sf.note.Text
	s.Date, s.Start, s.End = ISOOf("開催日", sf.date.Text), NormalClock(sf.start.Text), NormalClock(sf.end.Text)
	s.VenueID, s.Online = sf.venues.ID(sf.venue.Selected), sf.online.Checked
	n, ok := record.ParseWholeNumber(sf.capacity.Text)
	if !ok {
		sf.ff.ShowErrors(&record.FieldError{Field: "定員", Msg: tr("定員は数字で入力してください")})
		return false
	}
	s.Capacity = int(n)
	if err := sf.ctx.Office.SaveSeminar(context.Background(), sf.ctx.Session, &s); err != nil {
		sf.ff.ShowErrors(err)
		return false
	}
	*sf.sem = s
	return true
}

// Trimmed returns the entry's text without surrounding spaces.
func Trimmed(e *widget.Entry) string { return strings.TrimSpace(e.Text) }
