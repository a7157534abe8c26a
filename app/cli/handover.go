package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// runExport hands records over as an encrypted file, with the
// パスワード通知書 when --notice names a PDF.
func runExport(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	c.register(fs)
	passFile := fs.String("passphrase-file", "", "暗号化のパスワードを1行で書いたファイル（12文字以上）")
	out := fs.String("out", "", "出力する暗号化ファイル")
	business := fs.String("business", "", "事業者の番号（その事業者の予約・相談記録・派遣をすべて含める）")
	ids := fs.String("ids", "", "記録の番号をカンマ区切りで")
	recipient := fs.String("recipient", "", "相手先（管理簿に記録）")
	method := fs.String("method", "", "送付方法（管理簿に記録。例: USBメモリで手渡し）")
	notice := fs.String("notice", "", "パスワード通知書を出力するPDFファイル（ファイルとは別にお渡しください）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	req := office.ExportRequest{BusinessID: strings.ToUpper(*business), Recipient: *recipient, Method: *method}
	for _, id := range strings.Split(*ids, ",") {
		if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
			req.IDs = append(req.IDs, id)
		}
	}
	switch {
	case *out == "":
		return usagef("--out で出力する暗号化ファイルを指定してください。")
	case *passFile == "":
		return usagef("--passphrase-file で暗号化のパスワードのファイルを指定してください。")
	case (req.BusinessID == "") == (len(req.IDs) == 0):
		return usagef("--business（事業者の番号）か --ids（記録の番号）のどちらか一方を指定してください。")
	}
	for _, p := range []string{*out, *notice} {
		if err := mustNotExist(p); err != nil {
			return err
		}
	}
	pass, err := e.readSecret(*passFile, "暗号化のパスワード")
	if err != nil {
		return err
	}
	defer clear(pass)
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	var buf bytes.Buffer
	res, err := o.Export(e.ctx, s, req, pass, &buf)
	if err != nil {
		return err
	}
	if err := writeFile(*out, buf.Bytes(), false); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s に暗号化して出力しました（%s）。管理簿に記録しました（%s）。\n", *out, countsText(res.Counts), res.DocID)
	if *notice == "" {
		fmt.Fprintln(e.Stdout, "パスワードはファイルとは別の経路でお渡しください（--notice でパスワード通知書を出力できます）。")
		return nil
	}
	pdf, err := o.PrintPasswordNotice(e.ctx, s, res, string(pass))
	if err != nil {
		return err
	}
	if err := writeFile(*notice, pdf, false); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "パスワード通知書を %s に出力しました。ファイルとは別にお渡しください。\n", *notice)
	return nil
}

// mustNotExist refuses an output path that exists ("" passes).
func mustNotExist(path string) error {
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return office.ErrFileExists
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check %s: %w", path, err)
	}
	return nil
}

// countsText says "事業者 1 件、相談記録 2 件".
func countsText(counts map[record.Kind]int) string {
	var parts []string
	for _, k := range record.Kinds() {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 件", record.Describe(k), n))
		}
	}
	return strings.Join(parts, "、")
}

// runImportHandover takes the records of an encrypted hand-over file.
func runImportHandover(e *Env, c *common, file, passFile string) error {
	if passFile == "" {
		return usagef("--passphrase-file で暗号化のパスワードのファイルを指定してください。")
	}
	f, err := os.Open(file)
	if err != nil {
		return usagef("暗号化ファイル %s を開けません。", file)
	}
	defer f.Close()
	pass, err := e.readSecret(passFile, "暗号化のパスワード")
	if err != nil {
		return err
	}
	defer clear(pass)
	o, s, err := e.open(c)
	if err != nil {
		return err
	}
	defer o.Close()
	res, err := o.ReceiveHandover(e.ctx, s, f, pass)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s（%s）から %d 件を取り込みました。管理簿に記録しました。\n", res.Header.ByName, res.Header.DocID, res.Imported)
	if len(res.Skipped) > 0 {
		fmt.Fprintf(e.Stdout, "すでにある %d 件は取り込んでいません: %s\n", len(res.Skipped), strings.Join(res.Skipped, ", "))
	}
	return nil
}
