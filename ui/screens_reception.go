package ui

// receptionScreens are the counter's screens: 今日の予定, 予約, 事業者.
func receptionScreens() []Screen {
	return nil
}
