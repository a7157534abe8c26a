package reports

import (
	"fmt"
	"time"
)

// PasswordNoticeInput is what a パスワード通知書 says: which encrypted
// hand-over file it opens, for whom, and the passphrase.
type PasswordNoticeInput struct {
	Recipient  string    // 相手先
	Sender     string    // who handed the file over, as "名前（ログイン）"
	FileDocID  string    // the ledger's document id of the encrypted file
	ExportedAt time.Time // when the file was made
	Records    int       // how many records it holds
	Method     string    // how the file goes (the password goes another way)
	Passphrase string
}

const noticeLabelW = 48.0

// passwordNoticeInstructions is what the recipient and the sender do.
const passwordNoticeInstructions = "この通知書は暗号化ファイルとは別にお渡しします（別の封筒、別の日、別の経路）。" +
	"ファイルと同じ封筒やメールに入れないでください。窓口の「暗号化ファイルの受け取り」でファイルを選び、このパスワードを入力します。" +
	"取り込みが済んだらこの通知書はシュレッダーで破棄してください。"

// PasswordNotice renders the パスワード通知書 of an encrypted hand-over
// file: one page with the recipient, the file's document id, when it was
// made, how many records it holds, the passphrase in large type and what
// to do with the notice.
func (r *Renderer) PasswordNotice(in PasswordNoticeInput, f Footer) ([]byte, error) {
	if in.Passphrase == "" || in.FileDocID == "" {
		return nil, fmt.Errorf("password notice: the passphrase or the file's document id is missing")
	}
	return r.render("パスワード通知書", "password notice", f, func(d *doc) {
		d.title("パスワード通知書", "")
		made := ""
		if !in.ExportedAt.IsZero() {
			made = in.ExportedAt.In(jst()).Format("2006-01-02 15:04") + "（JST）"
		}
		for _, row := range [][2]string{
			{"相手先", in.Recipient + " 様"},
			{"送付元（取扱者）", in.Sender},
			{"暗号化ファイルの管理番号", in.FileDocID},
			{"作成日時", made},
			{"件数", fmt.Sprintf("%d 件", in.Records)},
			{"ファイルの送付方法", in.Method},
		} {
			d.row(lbl(noticeLabelW, row[0]), val(contentW-noticeLabelW, row[1]))
		}
		d.gap(8)
		d.heading("パスワード")
		d.gap(4)
		d.font(codeSize + 3)
		d.line(margin, d.pdf.GetY(), contentW, in.Passphrase, "C")
		d.gap(12)
		d.font(bodySize)
		d.heading("取り扱い")
		d.gap(1)
		d.paragraph(0, passwordNoticeInstructions)
	})
}
