package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Settings are the per-user choices kept in Fyne preferences.
type Settings struct {
	Language    string // LangJapanese or LangEnglish
	FontSize    string // widgets.FontSmall, widgets.FontMedium or widgets.FontLarge
	IdleMinutes int    // minutes without input before the window locks
	Look        string // widgets.LookLight (the default) or widgets.LookDark
}

// Preference keys.
const (
	prefLanguage = "ui.language"
	prefFontSize = "ui.fontSize"
	prefIdle     = "ui.idleMinutes"
	prefLook     = "ui.look"
)

// DefaultIdleMinutes is the idle-lock time when none is set.
const DefaultIdleMinutes = 10

func loadSettings(p fyne.Preferences) Settings {
	return Settings{
		Language:    p.StringWithFallback(prefLanguage, LangJapanese),
		FontSize:    p.StringWithFallback(prefFontSize, widgets.FontMedium),
		IdleMinutes: p.IntWithFallback(prefIdle, DefaultIdleMinutes),
		Look:        p.StringWithFallback(prefLook, widgets.LookLight),
	}
}

func (s Settings) save(p fyne.Preferences) {
	p.SetString(prefLanguage, s.Language)
	p.SetString(prefFontSize, s.FontSize)
	p.SetInt(prefIdle, s.IdleMinutes)
	p.SetString(prefLook, s.Look)
}

// settingsChoices pairs setting values with their labels.
var languageLabels = [][2]string{{LangJapanese, "日本語"}, {LangEnglish, "English"}}
var fontLabels = [][2]string{{widgets.FontSmall, "小"}, {widgets.FontMedium, "中"}, {widgets.FontLarge, "大"}}
var lookLabels = [][2]string{{widgets.LookLight, "明るい"}, {widgets.LookDark, "暗い"}}
var idleChoices = []int{5, 10, 15, 30, 60}

// showSettings opens the settings dialog; apply receives the new settings
// when the person presses 保存.
func showSettings(win fyne.Window, cur Settings, apply func(Settings)) {
	langSel := widget.NewSelect(labelsOf(languageLabels, false), nil)
	langSel.SetSelected(labelFor(languageLabels, cur.Language))
	size := widget.NewRadioGroup(labelsOf(fontLabels, true), nil)
	size.Horizontal = true
	size.SetSelected(tr(labelFor(fontLabels, cur.FontSize)))
	look := widget.NewRadioGroup(labelsOf(lookLabels, true), nil)
	look.Horizontal = true
	look.SetSelected(tr(labelFor(lookLabels, cur.Look)))
	idle := widget.NewSelect(idleLabels(), nil)
	idle.SetSelected(tr("%d 分", cur.IdleMinutes))
	items := []*widget.FormItem{
		widget.NewFormItem(tr("表示言語"), langSel),
		widget.NewFormItem(tr("文字の大きさ"), size),
		widget.NewFormItem(tr("画面の色"), look),
		widget.NewFormItem(tr("自動ロックまでの時間"), idle),
	}
	d := dialog.NewForm(tr("設定"), tr("保存"), tr("キャンセル"), items, func(ok bool) {
		if !ok {
			return
		}
		apply(Settings{
			Language:    valueFor(languageLabels, langSel.Selected, false),
			FontSize:    valueFor(fontLabels, size.Selected, true),
			IdleMinutes: idleFromLabel(idle.Selected, cur.IdleMinutes),
			Look:        valueFor(lookLabels, look.Selected, true),
		})
	}, win)
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}

func labelsOf(pairs [][2]string, translate bool) []string {
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p[1]
		if translate {
			out[i] = tr(p[1])
		}
	}
	return out
}

func labelFor(pairs [][2]string, value string) string {
	for _, p := range pairs {
		if p[0] == value {
			return p[1]
		}
	}
	return pairs[0][1]
}

func valueFor(pairs [][2]string, label string, translated bool) string {
	for _, p := range pairs {
		if p[1] == label || (translated && tr(p[1]) == label) {
			return p[0]
		}
	}
	return pairs[0][0]
}

func idleLabels() []string {
	out := make([]string, len(idleChoices))
	for i, m := range idleChoices {
		out[i] = tr("%d 分", m)
	}
	return out
}

func idleFromLabel(label string, fallback int) int {
	for _, m := range idleChoices {
		if tr("%d 分", m) == label {
			return m
		}
	}
	if n, err := strconv.Atoi(label); err == nil && n > 0 {
		return n
	}
	return fallback
}
