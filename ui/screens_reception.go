package ui

import (
	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// receptionScreens are the counter's screens: 今日の予定, 予約, 事業者.
// Everyone who works the front desk sees them; they never show case fields.
func receptionScreens() []Screen {
	frontDesk := func(s *office.Session) bool { return s.May(office.PermFrontDesk) }
	return []Screen{
		{Key: "today", Title: "今日の予定", Allowed: frontDesk, Build: func(c *Context) fyne.CanvasObject { return newTodayScreen(c).object() }},
		{Key: "booking", Title: "予約", Allowed: frontDesk, Build: func(c *Context) fyne.CanvasObject { return newWeekScreen(c).object() }},
		{Key: "business", Title: "事業者@screen", Allowed: frontDesk, Build: func(c *Context) fyne.CanvasObject { return newBusinessScreen(c).object() }},
	}
}
