package casework

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// seminarScreen is the セミナー screen: the seminars, a seminar's form
// (coordinators) and its applications with attendance.
type seminarScreen struct {
	ctx     Host
	pager   *widgets.Pager
	table   *widgets.Table
	sems    []record.Seminar
	detail  *applicationsView // the open seminar, if any
	editing *seminarForm      // the open seminar form, if any
}

// buildSeminars builds the セミナー screen.
func buildSeminars(ctx Host) fyne.CanvasObject { return newSeminarScreen(ctx).pager }

func newSeminarScreen(ctx Host) *seminarScreen {
	sc := &seminarScreen{ctx: ctx}
	sc.table = widgets.NewTable([]string{"開催日", "時間", "会場", "定員", "タイトル"}, []float32{170, 110, 160, 60}, sc.open)
	keys := map[string]func(){widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.table.List) }}
	bar := container.NewHBox()
	if ctx.Session().May(office.PermSeminar) {
		add := widget.NewButtonWithIcon(tr("セミナーを登録"), theme.ContentAddIcon(), func() { sc.edit(sc.blank()) })
		bar.Add(add)
		keys[widgets.ShortcutNew] = func() { sc.edit(sc.blank()) }
	}
	top := container.NewVBox(widgets.Heading(tr("セミナー")), bar)
	sc.pager = widgets.NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()), keys)
	sc.refresh()
	return sc
}

func (sc *seminarScreen) blank() *record.Seminar {
	return &record.Seminar{Date: widgets.ISOToday(sc.ctx), Start: "14:00", End: "16:00", Capacity: 20}
}

func (sc *seminarScreen) refresh() {
	sems, err := sc.ctx.Office().Seminars(sc.ctx.Context(), sc.ctx.Session())
	if err != nil {
		sc.ctx.ShowError(err)
	}
	sc.sems = sems
	venues := widgets.Names(sc.ctx)
	rows := make([][]string, len(sems))
	for i, s := range sems {
		place := venues[s.VenueID]
		if s.Online {
			place = tr("オンライン")
		}
		rows[i] = []string{widgets.DateLabel(s.Date), s.Start + "〜" + s.End, place, strconv.Itoa(s.Capacity), s.Title}
	}
	sc.table.Set(rows)
}

// open shows a seminar's applications.
func (sc *seminarScreen) open(i int) {
	sem := sc.sems[i]
	if !sc.ctx.Session().May(office.PermApplications) {
		sc.edit(&sem)
		return
	}
	v := newApplicationsView(sc.ctx, &sem)
	sc.detail = v
	buttons := []*widget.Button{
		widget.NewButtonWithIcon(tr("出席者名簿を印刷"), theme.DocumentPrintIcon(), v.print),
	}
	if sc.ctx.Session().May(office.PermSeminar) {
		buttons = append(buttons, widget.NewButtonWithIcon(tr("セミナーを編集"), theme.DocumentCreateIcon(), func() { sc.edit(&sem) }))
	}
	buttons = append(buttons, widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), func() { widgets.Leave(sc.ctx.Window(), v, sc.back) }))
	view := container.NewBorder(nil, widgets.Opaque(widgets.Buttons(buttons...)), nil, nil, v.object())
	sc.pager.Push(widgets.WithDirty(view, v), map[string]func(){widgets.ShortcutPrint: v.print, widgets.ShortcutSave: v.add, widgets.ShortcutNew: v.focus})
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
		sc.ctx.ShowError(err)
		return
	}
	sc.editing = sf
	save := func() {
		if sf.save() {
			sc.back()
		}
	}
	saveB := widget.NewButtonWithIcon(tr("保存"), theme.DocumentSaveIcon(), save)
	back := widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), func() { widgets.Leave(sc.ctx.Window(), sf, sc.back) })
	view := widgets.FormView(widgets.Heading(tr("セミナー")), sf.ff.Object(), saveB, back)
	sc.pager.Push(widgets.WithDirty(view, sf), map[string]func(){widgets.ShortcutSave: save})
	sc.ctx.Window().Canvas().Focus(sf.title)
}

// seminarForm edits one seminar.
type seminarForm struct {
	ctx                      Host
	sem                      *record.Seminar
	ff                       *widgets.FieldForm
	title, date, start, end  *widget.Entry
	capacity, lecturer, note *widget.Entry
	venues                   widgets.Choices
	venue                    *widget.Select
	online                   *widget.Check
	base                     seminarState // what the form showed when opened
}

// seminarState is what the person can change in the form.
type seminarState struct {
	title, date, start, end, capacity, lecturer, note, venue string
	online                                                   bool
}

func (sf *seminarForm) state() seminarState {
	return seminarState{title: sf.title.Text, date: sf.date.Text, start: sf.start.Text, end: sf.end.Text, capacity: sf.capacity.Text,
		lecturer: sf.lecturer.Text, note: sf.note.Text, venue: sf.venue.Selected, online: sf.online.Checked}
}

// Unsaved implements widgets.Dirty.
func (sf *seminarForm) Unsaved() bool { return sf.state() != sf.base }

// Save implements widgets.Dirty: the form's 保存.
func (sf *seminarForm) Save(done func(ok bool)) { done(sf.save()) }

func newSeminarForm(ctx Host, sem *record.Seminar) (*seminarForm, error) {
	sf := &seminarForm{ctx: ctx, sem: sem, ff: widgets.NewFieldForm(), title: widget.NewEntry(),
		date: widgets.OptionalDateEntry("開催日", sem.Date), start: widgets.NewClockField(sem.Start), end: widgets.NewClockField(sem.End),
		capacity: widget.NewEntry(), lecturer: widget.NewEntry(), note: widgets.NewMultiLine(3),
		online: widget.NewCheck(tr("オンライン開催"), nil)}
	var err error
	if sf.venues, err = widgets.VenueChoices(ctx); err != nil {
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
	sf.ff.Add("開催日", widgets.Sized(sf.date, 160))
	sf.ff.Add("時間", container.NewHBox(widgets.Sized(sf.start, 80), widget.NewLabel("〜"), widgets.Sized(sf.end, 80)))
	sf.ff.Errs["開始時刻"], sf.ff.Errs["終了時刻"] = sf.ff.Errs["時間"], sf.ff.Errs["時間"]
	sf.ff.Add("会場", container.NewVBox(sf.venue, sf.online))
	sf.ff.Add("定員", widgets.Sized(sf.capacity, 80))
	sf.ff.Add("講師", sf.lecturer)
	sf.ff.Add("備考", sf.note)
	sf.base = sf.state()
	return sf, nil
}

// save stores the seminar; problems appear next to their fields.
func (sf *seminarForm) save() bool {
	s := *sf.sem
	s.Title, s.Lecturer, s.Note = sf.title.Text, sf.lecturer.Text, sf.note.Text
	s.Date, s.Start, s.End = widgets.ISOOf("開催日", sf.date.Text), widgets.NormalClock(sf.start.Text), widgets.NormalClock(sf.end.Text)
	s.VenueID, s.Online = sf.venues.ID(sf.venue.Selected), sf.online.Checked
	n, ok := record.ParseWholeNumber(sf.capacity.Text)
	if !ok {
		sf.ff.ShowErrors(&record.FieldError{Field: "定員", Msg: tr("定員は数字で入力してください")})
		return false
	}
	s.Capacity = int(n)
	if err := sf.ctx.Office().SaveSeminar(sf.ctx.Context(), sf.ctx.Session(), &s); err != nil {
		sf.ff.ShowErrors(err)
		return false
	}
	*sf.sem = s
	sf.base = sf.state()
	return true
}
