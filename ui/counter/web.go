package counter

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// webScreen is ウェブ予約: the requests businesses sent from the public
// booking page, as sync brought them to this PC. Confirming one makes it a
// reservation (linked to an existing business, or registering a new one
// with the usual duplicate warning); declining asks for the reason the
// business reads on its status page. The status goes to the server at the
// next sync.
type webScreen struct {
	ctx     Host
	all     *widget.Check
	list    *widget.List
	items   []office.WebRequest
	empty   *widget.Label
	detail  *fyne.Container
	scroll  *container.Scroll // around detail
	current string
	reading widgets.Latest
	// The last dialogs opened (tests look at them).
	dlg     *widgets.FormDialog
	pick    *widget.RadioGroup
	bizForm *businessForm
	reason  *widget.Entry
	refuse  *widgets.FieldForm
}

func newWebScreen(ctx Host) *webScreen {
	s := &webScreen{ctx: ctx, detail: container.NewVBox()}
	s.all = widget.NewCheck(tr("処理済みも表示"), func(bool) { s.reload() })
	s.empty = widget.NewLabel(tr("新しいウェブ予約はありません。"))
	s.empty.Hide()
	s.list = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject {
			return widgets.TruncLabel("受付中　2026-10-02 09:00　株式会社さくら商店")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(webLine(s.items[i])) })
	s.list.OnSelected = func(i widget.ListItemID) { s.show(s.items[i]) }
	s.reload()
	return s
}

func (s *webScreen) object() fyne.CanvasObject {
	refresh := widget.NewButtonWithIcon(tr("最新の状態にする"), theme.ViewRefreshIcon(), s.reload)
	head := container.NewVBox(widgets.Heading(tr("ウェブ予約")),
		widget.NewLabel(tr("相談者がウェブの予約ページから送った申込です。同期のたびに届きます。")),
		container.NewHBox(s.all, refresh), s.empty)
	left := container.NewBorder(head, nil, nil, nil, s.list)
	s.scroll = container.NewVScroll(container.NewPadded(s.detail))
	split := container.NewHSplit(left, s.scroll)
	split.Offset = 0.42
	return split
}

// webLine is a request's line in the list: status, slot and business.
func webLine(w office.WebRequest) string {
	if w.Form == nil {
		return webStatusText(w.Status) + "　" + w.Ref + "　" + tr("（開けません）")
	}
	line := webStatusText(w.Status) + "　" + webWhen(w.Form) + "　" + w.Form.Business
	if w.Pending {
		line += "　" + tr("（未送信）")
	}
	return line
}

// webWhen is the slot's date and time in Japan time.
func webWhen(f *bookingproto.Form) string {
	jst := record.JST()
	return f.Start.In(jst).Format("2006-01-02 15:04") + "–" + f.End.In(jst).Format("15:04")
}

// webStatusText translates a request's status.
func webStatusText(status string) string {
	switch status {
	case bookingproto.StatusReceived:
		return tr("受付中")
	case bookingproto.StatusConfirmed:
		return tr("確定")
	case bookingproto.StatusDeclined:
		return tr("お断り")
	case bookingproto.StatusCancelled:
		return tr("取消")
	}
	return status
}

// reload reads the requests off the UI goroutine (each read is in the
// access log).
func (s *webScreen) reload() {
	all := s.all.Checked
	widgets.Run(s.ctx.Runner(), func(c context.Context) ([]office.WebRequest, error) {
		return s.ctx.Office().WebRequests(c, s.ctx.Session(), all)
	}, func(items []office.WebRequest, err error) {
		if err != nil {
			s.ctx.ShowError(err)
			return
		}
		s.items = items
		s.empty.Hidden = len(items) > 0
		s.empty.Refresh()
		s.list.UnselectAll()
		s.list.Refresh()
		s.detail.Objects = nil
		for i, w := range items {
			if w.Ref == s.current {
				s.list.Select(i)
			}
		}
		s.detail.Refresh()
	}, widgets.OnlyLatest(&s.reading))
}

// show fills the right side with one request.
func (s *webScreen) show(w office.WebRequest) {
	s.current = w.Ref
	objs := []fyne.CanvasObject{widgets.Heading(tr("受付番号 %s", w.Ref))}
	status := widgets.BoldLabel(tr("状態：%s", webStatusText(w.Status)))
	objs = append(objs, status)
	if w.Reason != "" {
		objs = append(objs, widget.NewLabel(tr("お断りの理由：%s", w.Reason)))
	}
	if w.Form == nil {
		warn := widget.NewLabel(tr("この申込は開けません：%s", w.Problem))
		warn.Importance, warn.Wrapping = widget.DangerImportance, fyne.TextWrapWord
		s.setDetail(append(objs, warn))
		return
	}
	f := w.Form
	facts := widget.NewForm()
	add := func(label, v string) {
		if v != "" {
			l := widget.NewLabel(v)
			l.Wrapping = fyne.TextWrapWord
			facts.Append(label, l)
		}
	}
	add(tr("希望日時"), webWhen(f))
	add(tr("会場"), f.Venue)
	add(tr("相談の種類"), tr(f.Kind))
	add(tr("事業所名"), f.Business)
	add(tr("フリガナ"), f.Kana)
	add(tr("担当者名"), f.Contact)
	add(tr("電話番号"), f.Phone)
	add(tr("メールアドレス"), f.Email)
	add(tr("行政区"), f.Ward)
	add(tr("業種"), f.Industry)
	if f.Employees > 0 {
		add(tr("従業員数"), strconv.Itoa(f.Employees))
	}
	add(tr("相談内容"), f.Topic)
	add(tr("給付金・補助金の申請状況"), tr(f.Subsidy))
	add(tr("融資の利用状況"), tr(f.Loan))
	first := tr("いいえ")
	if f.FirstVisit {
		first = tr("はい")
	}
	add(tr("初めての相談"), first)
	add(tr("受信日時"), w.Received.In(record.JST()).Format("2006-01-02 15:04"))
	objs = append(objs, facts)
	if len(w.Matches) > 0 {
		m := widget.NewLabel(tr("同じ名前または電話番号の事業者が %d 件登録されています。確定のときに選べます。", len(w.Matches)))
		m.Importance, m.Wrapping = widget.WarningImportance, fyne.TextWrapWord
		objs = append(objs, m)
	}
	if w.Status == bookingproto.StatusReceived && !w.Pending {
		confirm := widget.NewButtonWithIcon(tr("確定して予約にする"), theme.ConfirmIcon(), func() { s.confirm(w) })
		confirm.Importance = widget.HighImportance
		decline := widget.NewButtonWithIcon(tr("お断りする"), theme.CancelIcon(), func() { s.decline(w) })
		objs = append(objs, container.NewHBox(confirm, decline))
	} else if w.Pending {
		objs = append(objs, widget.NewLabel(tr("次の同期でサーバーに送られ、相談者の状況確認ページに表示されます。")))
	}
	s.setDetail(objs)
}

// setDetail shows objs on the right side, scrolled to the top.
func (s *webScreen) setDetail(objs []fyne.CanvasObject) {
	s.detail.Objects = objs
	s.detail.Refresh()
	if s.scroll != nil {
		s.scroll.ScrollToTop()
		s.scroll.Refresh()
	}
}

// confirm links the request to a matching business, or registers a new
// one (the business form, filled from the request), then makes the
// reservation.
func (s *webScreen) confirm(w office.WebRequest) {
	if len(w.Matches) == 0 {
		s.register(w)
		return
	}
	options := make([]string, 0, len(w.Matches)+1)
	for _, m := range w.Matches {
		options = append(options, fmt.Sprintf("%s　%s　%s", m.Name, m.Phone, m.City))
	}
	newOne := tr("新しい事業者として登録する")
	options = append(options, newOne)
	pick := widget.NewRadioGroup(options, nil)
	pick.SetSelected(options[0])
	text := widget.NewLabel(tr("同じ名前または電話番号の事業者が登録されています。どの事業者の予約にしますか。"))
	text.Wrapping = fyne.TextWrapWord
	s.pick = pick
	s.dlg = widgets.NewFormDialog(s.ctx.Window(), tr("事業者の確認"), tr("確定"), container.NewVBox(text, pick), func() bool {
		for i, o := range options {
			if o == pick.Selected && o != newOne {
				s.done(w.Ref, office.WebConfirm{BusinessID: w.Matches[i].ID})
				return true
			}
		}
		s.register(w)
		return true
	})
	s.dlg.Show(fyne.NewSize(620, 360))
}

// register opens the business form filled from the request; once saved,
// the request is confirmed for the new business.
func (s *webScreen) register(w office.WebRequest) {
	b, err := s.ctx.Office().WebBusiness(s.ctx.Context(), s.ctx.Session(), w.Ref)
	if err != nil {
		s.ctx.ShowError(err)
		return
	}
	s.bizForm = showBusinessForm(s.ctx, &b, func(nb *record.Business) {
		s.done(w.Ref, office.WebConfirm{BusinessID: nb.ID})
	})
}

// done confirms request ref as c says.
func (s *webScreen) done(ref string, c office.WebConfirm) {
	r, err := s.ctx.Office().ConfirmWebRequest(s.ctx.Context(), s.ctx.Session(), ref, c)
	if err != nil {
		s.ctx.ShowError(err)
		s.reload()
		return
	}
	s.ctx.Notify(tr("受付番号 %s を %s %s の予約にしました。", ref, r.Date, r.Start))
	s.reload()
}

// decline asks for the reason and declines the request.
func (s *webScreen) decline(w office.WebRequest) {
	reason := widgets.NewMultiLine(3)
	reason.SetPlaceHolder(tr("例：ご希望の日は相談員の都合がつかないため、別の日でお申し込みください。"))
	form := widgets.NewFieldForm()
	form.Add("お断りの理由", reason)
	note := widget.NewLabel(tr("理由は相談者の状況確認ページに表示されます。個人の情報は書かないでください。"))
	note.Wrapping = fyne.TextWrapWord
	s.reason, s.refuse = reason, form
	s.dlg = widgets.NewFormDialog(s.ctx.Window(), tr("ウェブ予約のお断り"), tr("お断りする"), container.NewVBox(note, form.Object()), func() bool {
		form.ClearErrors()
		if err := s.ctx.Office().DeclineWebRequest(s.ctx.Context(), s.ctx.Session(), w.Ref, reason.Text); err != nil {
			form.ShowErrors(err)
			return false
		}
		s.ctx.Notify(tr("受付番号 %s をお断りしました。", w.Ref))
		s.reload()
		return true
	})
	s.dlg.Show(fyne.NewSize(620, 380))
	s.ctx.Window().Canvas().Focus(reason)
}
