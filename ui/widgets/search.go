package widgets

import (
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// NoHitsText is what a business search for query says when it found
// nothing: how many digits a phone number needs, or that no business
// matches. An empty query says nothing.
func NoHitsText(query string) string {
	switch {
	case strings.TrimSpace(query) == "":
		return ""
	case office.ShortPhoneQuery(query):
		return tr("電話番号は %d 桁以上で検索してください。", office.MinPhoneDigits)
	}
	return tr("該当する事業者はありません。")
}

// HitLine is one business hit as a search list shows it: the name, the
// フリガナ and phone number, and the address.
func HitLine(h office.Hit) string {
	line := h.Title + "　" + h.Detail
	if h.Address != "" {
		line += "　" + h.Address
	}
	return line
}
