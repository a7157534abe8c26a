package assets

import "embed"

// Translations holds the user-interface translation files, one JSON file per
// language (ja.json, en.json) in the folder "translations". The keys are the
// Japanese source strings; ui loads them with lang.AddTranslationsFS.
//
//go:embed translations/*.json
var Translations embed.FS
