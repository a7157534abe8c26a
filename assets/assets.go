// Package assets holds the files the program embeds: the IPAex Gothic font
// (with its IPA licence beside it in the source tree) and the translation files.
package assets

import _ "embed"

// FontIPAexGothic is the TrueType data of IPAex Gothic (ipaexg.ttf).
//
//go:embed fonts/ipaexg.ttf
var FontIPAexGothic []byte

// FontLicense is the IPA Font License Agreement v1.0 that covers FontIPAexGothic.
//
//go:embed fonts/IPA_Font_License_Agreement_v1.0.txt
var FontLicense string

// Icon is the application icon (256×256 PNG).
//
//go:embed icon.png
var Icon []byte
