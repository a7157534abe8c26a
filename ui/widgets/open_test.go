package widgets

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestOpenCommand: the command that shows a saved PDF on each system (the
// tests never run it).
func TestOpenCommand(t *testing.T) {
	const path = "/home/a/ドキュメント/相談票_テスト商店_20261001.pdf"
	for _, tc := range []struct {
		goos, name string
		args       []string
	}{
		{"linux", "xdg-open", []string{path}},
		{"freebsd", "xdg-open", []string{path}},
		{"darwin", "open", []string{path}},
		{"windows", "rundll32", []string{"url.dll,FileProtocolHandler", path}},
	} {
		t.Run(tc.goos, func(t *testing.T) {
			name, args := openCommand(tc.goos, path)
			if name != tc.name || !slices.Equal(args, tc.args) {
				t.Errorf("openCommand(%s) = %s %q, want %s %q", tc.goos, name, args, tc.name, tc.args)
			}
		})
	}
}

// TestDocumentsFolder: where the save dialog starts on each system, with
// the folders that exist.
func TestDocumentsFolder(t *testing.T) {
	home := filepath.FromSlash("/home/yamada")
	docs, jaDocs := filepath.Join(home, "Documents"), filepath.Join(home, "ドキュメント")
	xdgDocs := filepath.Join(home, "書類")
	known := filepath.FromSlash("/onedrive/ドキュメント")
	for _, tc := range []struct {
		name, goos string
		xdg, known string
		exist      []string
		want       string
	}{
		{"xdg documents", "linux", xdgDocs, "", []string{xdgDocs, docs}, xdgDocs},
		{"xdg answers home", "linux", home, "", []string{home, jaDocs}, jaDocs},
		{"no xdg, english folder", "linux", "", "", []string{home, docs}, docs},
		{"xdg folder missing", "linux", xdgDocs, "", []string{home}, home},
		{"windows known folder", "windows", "", known, []string{known, docs}, known},
		{"windows without known folder", "windows", "", "", []string{docs}, docs},
		{"mac", "darwin", xdgDocs, "", []string{xdgDocs, docs}, docs},
		{"nothing", "linux", "", "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exists := func(p string) bool { return slices.Contains(tc.exist, p) }
			got := documentsFolder(tc.goos, home, func() string { return tc.known }, func() string { return tc.xdg }, exists)
			if got != tc.want {
				t.Errorf("documentsFolder = %q, want %q", got, tc.want)
			}
		})
	}
}
