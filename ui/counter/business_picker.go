package counter

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// businessPicker searches businesses as the person types (part of the
// name, フリガナ or phone number, through office.Search) and lets them pick
// one from the hits.
type businessPicker struct {
	ctx    Host
	entry  *widget.Entry
	list   *widget.List
	chosen *widget.Label
	hits   []office.Hit
	pick   office.Hit
	onPick func(office.Hit)
	query  widgets.Latest   // the newest search
	typing widgets.Debounce // the search waits for the typing to pause
	// first, set by Enter, picks the first hit of the search it ran.
	first bool
}

// newBusinessPicker returns a picker; onPick (may be nil) runs on a pick.
func newBusinessPicker(ctx Host, onPick func(office.Hit)) *businessPicker {
	p := &businessPicker{ctx: ctx, onPick: onPick, chosen: widget.NewLabel(tr("（未選択）"))}
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(tr("事業所名・フリガナ・電話番号の一部"))
	// Each search that runs is shown and logged (one access-log event), so
	// it runs when the typing pauses, not per keystroke; Enter runs it at
	// once and picks its first hit.
	p.entry.OnChanged = func(string) { p.typing.Call(ctx.Runner(), widgets.SearchDelay, p.search) }
	p.entry.OnSubmitted = func(string) {
		if p.typing.Now() {
			p.first = true
			return
		}
		p.pickFirst()
	}
	p.list = widget.NewList(func() int { return len(p.hits) },
		func() fyne.CanvasObject { return widgets.TruncLabel("事業所名") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(widgets.HitLine(p.hits[i]))
		})
	p.list.OnSelected = func(i widget.ListItemID) { p.choose(p.hits[i]) }
	return p
}

// object is the search box, the hits (height rows tall) and the pick.
func (p *businessPicker) object(height float32) fyne.CanvasObject {
	hits := container.NewStack(widgets.SizedHeight(height), p.list)
	return container.NewBorder(p.entry, p.chosen, nil, nil, hits)
}

// search runs the query in the entry off the UI goroutine; the answer to
// the newest query is shown.
func (p *businessPicker) search() {
	q := p.entry.Text
	widgets.Run(p.ctx.Runner(), func(c context.Context) ([]office.Hit, error) {
		return p.ctx.Office().Search(c, p.ctx.Session(), q, 30)
	}, func(hits []office.Hit, err error) { p.found(q, hits, err) }, widgets.OnlyLatest(&p.query))
}

func (p *businessPicker) found(q string, hits []office.Hit, err error) {
	if err != nil {
		p.chosen.SetText(widgets.ErrText(err))
		return
	}
	p.hits = hits
	p.list.UnselectAll()
	p.list.Refresh()
	picked := tr("（未選択）")
	if p.pick.ID != "" {
		picked = tr("選択中: %s", p.pick.Title)
	}
	if len(hits) == 0 && q != "" {
		picked = widgets.NoHitsText(q) + "　" + picked // the pick, if any, still holds
	}
	p.chosen.SetText(picked)
	if p.first {
		p.first = false
		p.pickFirst()
	}
}

// pickFirst picks the first hit, if any.
func (p *businessPicker) pickFirst() {
	if len(p.hits) > 0 {
		p.list.Select(0)
	}
}

func (p *businessPicker) choose(h office.Hit) {
	p.pick = h
	p.chosen.SetText(tr("選択中: %s", h.Title))
	if p.onPick != nil {
		p.onPick(h)
	}
}

// set shows id as picked without searching.
func (p *businessPicker) set(id, title string) {
	p.pick = office.Hit{ID: id, Title: title}
	p.chosen.SetText(tr("選択中: %s", title))
}

// id returns the picked business id, or "".
func (p *businessPicker) id() string { return p.pick.ID }
