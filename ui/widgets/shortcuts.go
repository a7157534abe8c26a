package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The shortcut names the shell routes to the active screen or dialog:
// Ctrl+F, Ctrl+N, Ctrl+S and Ctrl+P.
const (
	ShortcutSearch = "search"
	ShortcutNew    = "new"
	ShortcutSave   = "save"
	ShortcutPrint  = "print"
)

// ShortcutTarget is implemented by a screen's content (the object its
// Build returns, or any object inside it reachable through containers,
// scrolls, splits, tabs and cards) and by the content of a dialog, to
// receive the window's keyboard shortcuts. OnShortcut gets one of the
// Shortcut… names and reports whether it handled it. The shell asks the
// topmost dialog first, then the current screen. withShortcuts wraps any
// content into such a target.
type ShortcutTarget interface {
	OnShortcut(name string) bool
}

// CloseTopOverlay hides the topmost pop-up (a dialog) of c (TopOverlay).
func CloseTopOverlay(c fyne.Canvas) bool {
	top := TopOverlay(c)
	if top == nil {
		return false
	}
	top.Hide()
	c.Overlays().Remove(top)
	return true
}

// shortcutBox wraps a screen's or dialog's content and answers shortcuts
// with the given handlers.
type shortcutBox struct {
	widget.BaseWidget
	content  fyne.CanvasObject
	handlers map[string]func()
	form     Dirty  // the form a FormDialog shows (SetDirty), or nil
	close    func() // a FormDialog's 閉じる, or nil
}

// WithShortcuts wraps content so that the shell routes the named shortcuts
// (Shortcut… constants) to handlers.
func WithShortcuts(content fyne.CanvasObject, handlers map[string]func()) fyne.CanvasObject {
	b := &shortcutBox{content: content, handlers: handlers}
	b.ExtendBaseWidget(b)
	return b
}

// OnShortcut runs the handler for name, if any.
func (b *shortcutBox) OnShortcut(name string) bool {
	if h := b.handlers[name]; h != nil {
		h()
		return true
	}
	return false
}

// CreateRenderer implements fyne.Widget.
func (b *shortcutBox) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(b.content)
}
