package widgets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// RenderPDF renders a document off the UI goroutine through r while a
// progress dialog shows (moved by the office's progress reports), then
// hands it to save, or the error to showError. The office's Print…
// methods write the ledger row and the access-log event; render is one of
// them. The shell's SavePDF saves with a PDFSaver; tests keep the bytes.
func RenderPDF(win fyne.Window, r *Runner, name string, render func(context.Context) ([]byte, error), showError func(error), save func(pdf []byte)) {
	progress := NewProgress()
	wait := dialog.NewCustomWithoutButtons(tr("印刷用のファイルを作成しています…"), progress, win)
	wait.Show()
	Run(r, render, func(pdf []byte, err error) {
		wait.Hide()
		if err != nil {
			showError(err)
			return
		}
		save(pdf)
	}, WithProgress(progress))
}

// Opener shows a saved file in the system's viewer, from which the person
// prints it (SystemOpener). It runs off the UI goroutine and returns once
// the viewer has started, or with an error when none could be.
type Opener func(path string) error

// PDFSaver is 印刷 after the document is rendered: it asks where to save
// the PDF, writes it there, and opens it with Open.
type PDFSaver struct {
	// Open shows the saved PDF; nil only saves it.
	Open Opener
	// Folder is where the save dialog starts; nil means DocumentsFolder.
	Folder func() string
	// Runner runs Open off the UI goroutine (required with Open).
	Runner *Runner
}

// AskSavePDF asks where to save pdf (suggesting name) and writes it there,
// without opening it (a PDFSaver without Open).
func AskSavePDF(win fyne.Window, name string, pdf []byte) { PDFSaver{}.Ask(win, name, pdf) }

// Ask asks where to save pdf, suggesting name (office.FileName) in the
// person's documents folder, writes it where the person chose and opens
// it; a cancelled dialog does nothing. Fyne's dialog speaks the window's
// language through its translation keys (assets/translations), except the
// names of the places at its side (Home, Documents, …), which Fyne does
// not translate.
func (s PDFSaver) Ask(win fyne.Window, name string, pdf []byte) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			ShowError(win, err)
			return
		}
		if w == nil {
			return // cancelled
		}
		if err := writePDF(w, pdf); err != nil {
			log.Printf("ui: save pdf: %v", pathless(err))
			dialog.ShowInformation(tr("保存できませんでした"), tr("ファイルを保存できませんでした。保存先の空き容量と書き込み権限を確かめてください。"), win)
			return
		}
		s.saved(win, w.URI())
	}, win)
	d.SetFileName(name)
	d.SetTitleText(tr("PDFの保存先を選んでください"))
	d.SetView(dialog.ListView) // whole file names, not cut into tiles
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	folder := s.Folder
	if folder == nil {
		folder = DocumentsFolder
	}
	if dir := folder(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// saved opens the saved file u and says where it is; when it cannot be
// opened, it says so and where the file is, so that the person can open
// it there.
func (s PDFSaver) saved(win fyne.Window, u fyne.URI) {
	dir := u.String()
	if parent, err := storage.Parent(u); err == nil {
		dir = parent.Path()
	}
	if s.Open == nil || u.Scheme() != "file" {
		dialog.ShowInformation(tr("保存しました"), tr("%s を %s に保存しました。", u.Name(), dir), win)
		return
	}
	path := u.Path()
	Run(s.Runner, func(context.Context) (struct{}, error) { return struct{}{}, s.Open(path) }, func(_ struct{}, err error) {
		if err != nil {
			log.Printf("ui: open pdf: %v", pathless(err))
			dialog.ShowInformation(tr("PDFを開けませんでした"),
				tr("%s を %s に保存しましたが、PDFを表示するアプリを開けませんでした。このフォルダからファイルを開いて印刷してください。", u.Name(), dir), win)
			return
		}
		dialog.ShowInformation(tr("保存しました"), tr("%s を %s に保存しました。開いたPDFから印刷できます。", u.Name(), dir), win)
	})
}

// pathless is err for the log without a file's path, which names a
// business or a person (the file names of printed documents do).
func pathless(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// writePDF writes pdf and, for a local file, makes it readable by its owner
// only (0600): a printed sheet holds personal data. Its errors name no path
// beyond the one os reports (see pathless).
func writePDF(w fyne.URIWriteCloser, pdf []byte) error {
	if w.URI().Scheme() == "file" {
		if err := os.Chmod(w.URI().Path(), 0o600); err != nil {
			_ = w.Close()
			return fmt.Errorf("protect pdf: %w", err)
		}
	}
	_, err := w.Write(pdf)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}
