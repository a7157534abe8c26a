package widgets

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// NoticeTime is how long a Notice stays.
const NoticeTime = 6 * time.Second

// Notice is a short line that says what an action did (「飛び込みを受け付けました」):
// it shows for NoticeTime and needs no click, so the work goes on. The
// shell puts one in the top bar; the screens reach it through their
// host's Notify. Use it on the UI goroutine only.
type Notice struct {
	widget.BaseWidget
	label  *widget.Label
	box    *fyne.Container
	cancel func()
	// relayout, when set, runs after the notice shows or hides (its
	// height changes the layout around it).
	relayout func()
}

// NewNotice returns a hidden notice; relayout (may be nil) runs after it
// shows or hides.
func NewNotice(relayout func()) *Notice {
	n := &Notice{label: widget.NewLabel(""), relayout: relayout}
	n.label.Importance = widget.SuccessImportance
	n.label.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	n.box = container.NewBorder(nil, nil, icon, nil, n.label)
	n.ExtendBaseWidget(n)
	n.Hide()
	return n
}

// Say shows text until NoticeTime has passed on r (a later Say replaces
// it and starts the time again).
func (n *Notice) Say(r *Runner, text string) {
	if n.cancel != nil {
		n.cancel()
	}
	n.label.SetText(text)
	n.setShown(true)
	n.cancel = r.After(NoticeTime, func() {
		n.cancel = nil
		n.setShown(false)
	})
}

func (n *Notice) setShown(shown bool) {
	if shown {
		n.Show()
	} else {
		n.Hide()
	}
	if n.relayout != nil {
		n.relayout()
	}
}

// Text is what the notice says now ("" when hidden).
func (n *Notice) Text() string {
	if !n.Visible() {
		return ""
	}
	return n.label.Text
}

// CreateRenderer implements fyne.Widget.
func (n *Notice) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(n.box) }
