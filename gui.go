//go:build !nogui

package main

import (
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

// runGUI opens the desktop window.
func runGUI(args []string) int {
	a := fyneapp.NewWithID("jp.madoguchi.desktop")
	w := a.NewWindow("窓口")
	w.SetContent(widget.NewLabel("窓口"))
	w.ShowAndRun()
	return 0
}
