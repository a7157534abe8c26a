package widgets

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// openerWait is how long SystemOpener waits for the command that starts
// the viewer: one that fails fails at once, while some (xdg-open without a
// desktop environment) run the viewer itself and return only when it
// closes.
const openerWait = 3 * time.Second

// SystemOpener shows the file at path in the system's viewer for it (the
// PDF viewer, from which the person prints): xdg-open on Linux and the
// BSDs, open on macOS, the file's associated program on Windows. It is the
// window's Opener (gui.go); tests use a fake and never start a viewer.
func SystemOpener(path string) error {
	name, args := openCommand(runtime.GOOS, path)
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	case <-time.After(openerWait):
		return nil // the viewer runs; the goroutine reaps it when it ends
	}
}

// openCommand is the command that opens path on goos.
func openCommand(goos, path string) (string, []string) {
	switch goos {
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", path}
	case "darwin":
		return "open", []string{path}
	default:
		return "xdg-open", []string{path}
	}
}

// DocumentsFolder is the person's documents folder, where the save dialog
// of a printed document starts: the Documents known folder on Windows; on
// Linux and the BSDs the XDG documents folder (xdg-user-dir DOCUMENTS),
// else ~/ドキュメント or ~/Documents; on macOS ~/Documents. It is the home
// folder when none of them exists, "" when there is no home either.
func DocumentsFolder() string {
	home, _ := os.UserHomeDir()
	return documentsFolder(runtime.GOOS, home, knownDocuments, xdgUserDir, isDir)
}

// documentsFolder is DocumentsFolder with the system's answers passed in.
func documentsFolder(goos, home string, known, xdg func() string, exists func(string) bool) string {
	var candidates []string
	switch goos {
	case "windows":
		candidates = append(candidates, known())
	case "darwin":
	default:
		if dir := xdg(); dir != "" && filepath.Clean(dir) != filepath.Clean(home) {
			candidates = append(candidates, dir) // xdg-user-dir answers the home folder when none is set
		}
	}
	if home != "" {
		candidates = append(candidates, filepath.Join(home, "ドキュメント"), filepath.Join(home, "Documents"), home)
	}
	for _, dir := range candidates {
		if dir != "" && exists(dir) {
			return dir
		}
	}
	return ""
}

// xdgUserDir asks xdg-user-dir for the documents folder ("" when it
// cannot say).
func xdgUserDir() string {
	out, err := exec.Command("xdg-user-dir", "DOCUMENTS").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
