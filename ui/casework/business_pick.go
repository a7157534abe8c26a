package casework

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// businessPick shows the chosen business and lets the person choose another
// by typing part of its name, フリガナ or phone number (office.Search).
type businessPick struct {
	ctx      Host
	id       string
	shown    *widget.Label
	query    *widget.Entry
	results  *widget.Select
	hits     widgets.Choices
	onChange func(id string)
	running  widgets.Latest   // the newest search
	typing   widgets.Debounce // the search waits for the typing to pause
}

func newBusinessPick(ctx Host, onChange func(id string)) *businessPick {
	p := &businessPick{ctx: ctx, shown: widget.NewLabel(tr("（未選択）")), query: widget.NewEntry(), onChange: onChange}
	p.shown.TextStyle.Bold = true
	p.query.SetPlaceHolder(tr("事業所名・フリガナ・電話番号で検索"))
	p.results = widget.NewSelect(nil, func(label string) {
		if id := p.hits.ID(label); id != "" {
			p.set(id, strings.SplitN(label, "（", 2)[0])
		}
	})
	p.results.PlaceHolder = tr("検索結果から選ぶ")
	// Each search that runs is shown and logged (one access-log event), so
	// it runs when the typing pauses, not per keystroke; Enter runs it now.
	p.query.OnChanged = func(string) { p.typing.Call(ctx.Runner(), widgets.SearchDelay, p.search) }
	p.query.OnSubmitted = func(string) { p.typing.Now() }
	return p
}

// object is the picker: chosen name, search entry and results.
func (p *businessPick) object() fyne.CanvasObject {
	return container.NewVBox(p.shown, container.NewGridWithColumns(2, p.query, p.results))
}

// search runs the query off the UI goroutine and offers the businesses
// found by the newest query.
func (p *businessPick) search() {
	q := strings.TrimSpace(p.query.Text)
	widgets.Run(p.ctx.Runner(), func(c context.Context) ([]office.Hit, error) {
		if q == "" {
			return nil, nil
		}
		return p.ctx.Office().Search(c, p.ctx.Session(), q, 20)
	}, func(hits []office.Hit, err error) { p.found(q, hits, err) }, widgets.OnlyLatest(&p.running))
}

func (p *businessPick) found(q string, hits []office.Hit, err error) {
	if err != nil {
		p.ctx.ShowError(err)
		return
	}
	p.hits = widgets.Choices{}
	for _, h := range hits {
		if h.Kind == record.KindBusiness {
			p.hits.Add(h.ID, h.Title+"（"+h.Detail+"）"+h.Address)
		}
	}
	p.results.PlaceHolder = tr("検索結果から選ぶ")
	if len(p.hits.IDs) == 0 && q != "" {
		p.results.PlaceHolder = widgets.NoHitsText(q)
	}
	p.results.Options = p.hits.Labels
	p.results.ClearSelected()
	p.results.Refresh()
}

// set shows the business id with its name and reports it.
func (p *businessPick) set(id, name string) {
	p.id = id
	if name == "" {
		name = widgets.BusinessNames(p.ctx, []string{id})[id]
	}
	if id == "" {
		name = tr("（未選択）")
	}
	p.shown.SetText(name)
	if p.onChange != nil {
		p.onChange(id)
	}
}
