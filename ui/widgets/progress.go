package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// Progress shows that a call runs: a bar from empty to full while the
// office reports how many of how many it has done, a running bar while it
// reports no total. It is hidden until Start and after Stop; Run with
// WithProgress starts, moves and stops it.
type Progress struct {
	widget.BaseWidget
	bar  *widget.ProgressBar
	busy *widget.ProgressBarInfinite
	box  *fyne.Container
}

// NewProgress returns a hidden progress display.
func NewProgress() *Progress {
	p := &Progress{bar: widget.NewProgressBar(), busy: widget.NewProgressBarInfinite()}
	p.busy.Stop()
	p.bar.Hide()
	p.box = container.NewStack(p.bar, p.busy)
	p.ExtendBaseWidget(p)
	p.Hide()
	return p
}

// Start shows the running bar.
func (p *Progress) Start() {
	p.bar.Hide()
	p.bar.SetValue(0)
	p.busy.Show()
	p.busy.Start()
	p.Show()
}

// Set shows how far the call has come.
func (p *Progress) Set(pr office.Progress) {
	if pr.Total <= 0 {
		return // the running bar already says it runs
	}
	if p.busy.Visible() {
		p.busy.Stop()
		p.busy.Hide()
		p.bar.Show()
	}
	p.bar.SetValue(min(float64(pr.Done)/float64(pr.Total), 1))
}

// Stop hides the display.
func (p *Progress) Stop() {
	p.busy.Stop()
	p.Hide()
}

// Running reports whether the display is shown.
func (p *Progress) Running() bool { return p.Visible() }

// CreateRenderer implements fyne.Widget.
func (p *Progress) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }
