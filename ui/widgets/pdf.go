package widgets

import (
	"context"
	"fmt"
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
// them. The shell's SavePDF saves with AskSavePDF; tests keep the bytes.
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

// AskSavePDF asks where to save pdf (suggesting name, e.g.
// "予定表_2026-10-01.pdf") and writes it there and writes pdf where the person chose.
func AskSavePDF(win fyne.Window, name string, pdf []byte) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			ShowError(win, err)
			return
		}
		if w == nil {
			return // cancelled
		}
		if err := writePDF(w, pdf); err != nil {
			log.Printf("ui: save pdf: %v", err)
			dialog.ShowInformation(tr("保存できませんでした"), tr("ファイルを保存できませんでした。保存先の空き容量と書き込み権限を確かめてください。"), win)
			return
		}
		dialog.ShowInformation(tr("保存しました"), tr("%s に保存しました。", w.URI().Name()), win)
	}, win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// writePDF writes pdf and, for a local file, makes it readable by its owner
// only (0600): a printed sheet holds personal data.
func writePDF(w fyne.URIWriteCloser, pdf []byte) error {
	if w.URI().Scheme() == "file" {
		if err := os.Chmod(w.URI().Path(), 0o600); err != nil {
			_ = w.Close()
			return fmt.Errorf("protect %s: %w", w.URI(), err)
		}
	}
	_, err := w.Write(pdf)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", w.URI(), err)
	}
	return nil
}
