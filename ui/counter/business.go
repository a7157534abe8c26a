package counter

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// businessScreen is 事業者: search as you type, the list, the selected
// business's contact data and its history of reservations and
// consultations (dates and status only: no case content).
type businessScreen struct {
	ctx     Host
	search  *widget.Entry
	list    *widget.List
	items   []businessRow
	empty   *widget.Label   // says that a search found nothing
	head    *fyne.Container // the heading, the search and empty
	detail  *fyne.Container
	names   map[string]string
	current string
	finding widgets.Latest   // the newest search
	typing  widgets.Debounce // the search waits for the typing to pause
}

// businessRow is one line of the list: the name, phone and address.
type businessRow struct{ ID, Line string }

func newBusinessScreen(ctx Host) *businessScreen {
	s := &businessScreen{ctx: ctx, detail: container.NewVBox(), names: widgets.Names(ctx)}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(tr("事業所名・フリガナ・電話番号の一部で検索"))
	// Each search that runs is shown and logged (one access-log event), so
	// it runs when the typing pauses, not per keystroke.
	s.search.OnChanged = func(string) { s.typing.Call(ctx.Runner(), widgets.SearchDelay, s.find) }
	s.search.OnSubmitted = func(string) { s.typing.Now() }
	s.empty = widget.NewLabel("")
	s.empty.Importance = widget.WarningImportance
	s.empty.Hide()
	s.list = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject { return widgets.TruncLabel("事業所名") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.items[i].Line) })
	s.list.OnSelected = func(i widget.ListItemID) { s.show(s.items[i].ID) }
	s.find()
	return s
}

func (s *businessScreen) object() fyne.CanvasObject {
	add := widget.NewButtonWithIcon(tr("新規登録"), theme.ContentAddIcon(), s.add)
	add.Importance = widget.HighImportance
	s.head = container.NewVBox(widgets.Heading(tr("事業者@screen")), container.NewBorder(nil, nil, nil, add, s.search), s.empty)
	left := container.NewBorder(s.head, nil, nil, nil, s.list)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.4
	return widgets.WithShortcuts(split, map[string]func(){
		widgets.ShortcutSearch: func() { s.ctx.Window().Canvas().Focus(s.search) },
		widgets.ShortcutNew:    s.add,
	})
}

// find lists the businesses matching the search, or all of them, off the
// UI goroutine; the answer to the newest search is shown.
func (s *businessScreen) find() {
	q := s.search.Text
	s.typing.Stop()
	widgets.Run(s.ctx.Runner(), func(c context.Context) ([]businessRow, error) {
		if q == "" {
			all, err := s.ctx.Office().Businesses(c, s.ctx.Session())
			items := make([]businessRow, len(all))
			for i, b := range all {
				items[i] = businessRow{ID: b.ID, Line: b.Name + "　" + b.Phone + "　" + b.City}
			}
			return items, err
		}
		hits, err := s.ctx.Office().Search(c, s.ctx.Session(), q, 100)
		var items []businessRow
		for _, h := range hits {
			if h.Kind == record.KindBusiness {
				items = append(items, businessRow{ID: h.ID, Line: widgets.HitLine(h)})
			}
		}
		return items, err
	}, func(items []businessRow, err error) { s.found(q, items, err) }, widgets.OnlyLatest(&s.finding))
}

func (s *businessScreen) found(q string, items []businessRow, err error) {
	if err != nil {
		s.ctx.ShowError(err)
		return
	}
	s.items = items
	s.empty.SetText(widgets.NoHitsText(q))
	s.empty.Hidden = len(items) > 0 || s.empty.Text == ""
	if s.head != nil {
		s.head.Refresh() // the line's height changes
	}
	s.list.UnselectAll()
	s.list.Refresh()
}

func (s *businessScreen) add() {
	showBusinessForm(s.ctx, nil, func(b *record.Business) {
		s.find()
		s.show(b.ID)
	})
}

// show fills the right side with one business and its history.
func (s *businessScreen) show(id string) {
	b, err := s.ctx.Office().BusinessContact(s.ctx.Context(), s.ctx.Session(), id)
	if err != nil {
		s.ctx.ShowError(err)
		return
	}
	s.current = id
	edit := widget.NewButtonWithIcon(tr("編集"), theme.DocumentCreateIcon(), func() {
		showBusinessForm(s.ctx, b, func(nb *record.Business) { s.find(); s.show(nb.ID) })
	})
	book := widget.NewButtonWithIcon(tr("予約を登録"), theme.ContentAddIcon(), func() {
		r := record.Reservation{BusinessID: b.ID, Date: s.ctx.Today().Format("2006-01-02")}
		showReservationForm(s.ctx, r, func(*record.Reservation) { s.show(b.ID) })
	})
	s.detail.Objects = []fyne.CanvasObject{
		widgets.Heading(b.Name), widget.NewLabel(b.Kana),
		businessFacts(b), container.NewHBox(edit, book),
		widget.NewSeparator(), widgets.BoldLabel(tr("予約の履歴")), s.reservations(b.ID),
		widget.NewSeparator(), widgets.BoldLabel(tr("相談の履歴")), s.consultations(b.ID),
	}
	s.detail.Refresh()
}

func businessFacts(b *record.Business) fyne.CanvasObject {
	f := widget.NewForm()
	add := func(label, v string) {
		if v != "" {
			f.Append(tr(label), widget.NewLabel(v))
		}
	}
	add("電話番号", b.Phone)
	add("メールアドレス", b.Email)
	add("所在地", b.Postal+" "+b.Prefecture+b.City+b.Address)
	add("法人・個人の別", b.Form)
	add("相談者区分", b.Category)
	add("業種", b.Industry)
	add("代表者氏名", b.RepName)
	add("担当者名", b.Contact)
	add("備考", b.Note)
	return f
}

func (s *businessScreen) reservations(id string) fyne.CanvasObject {
	rs, err := s.ctx.Office().ReservationsOfBusiness(s.ctx.Context(), s.ctx.Session(), id)
	if err != nil {
		return widget.NewLabel(widgets.ErrText(err))
	}
	box := container.NewVBox()
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		line := r.Date + "　" + r.Start + "–" + r.End + "　" + s.names[r.VenueID] + "　" + s.names[r.ConsultantID] + "　" + tr(r.Status)
		box.Add(widget.NewLabel(line))
	}
	if len(rs) == 0 {
		box.Add(widget.NewLabel(tr("予約はありません。")))
	}
	return box
}

func (s *businessScreen) consultations(id string) fyne.CanvasObject {
	cs, err := s.ctx.Office().Consultations(s.ctx.Context(), s.ctx.Session(), office.ConsultationFilter{BusinessID: id})
	if err != nil {
		return widget.NewLabel(widgets.ErrText(err))
	}
	box := container.NewVBox()
	for _, c := range cs {
		box.Add(widget.NewLabel(c.Date + "　" + c.ConsultantName + "　" + tr(c.Mode) + "　" + tr(c.Status)))
	}
	if len(cs) == 0 {
		box.Add(widget.NewLabel(tr("相談記録はありません。")))
	}
	return box
}
