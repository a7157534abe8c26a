package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// runBackup writes an encrypted backup of a vault (administrators).
func runBackup(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	c.register(fs)
	var out string
	fs.StringVar(&out, "out", "", "バックアップファイル（あれば新しいもので置き換えます）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("backup にはオプションだけを指定してください。")
	}
	if err := c.check(); err != nil {
		return err
	}
	if out == "" {
		return usagef("--out でバックアップファイルを指定してください。")
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	info, err := o.Backup(e.ctx, s, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "バックアップを %s に書きました（%s）。復元には管理者のパスワードが必要です。\n", out, sizeText(info.Bytes))
	return nil
}

// runRestore makes a new vault from a backup file.
func runRestore(e *Env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	var from, dir, as, pwFile string
	fs.StringVar(&from, "from", "", "バックアップファイル")
	fs.StringVar(&dir, "vault", "", "作るフォルダ（空か、まだないフォルダ）")
	fs.StringVar(&as, "as", "", "バックアップの時点の管理者のログインID")
	fs.StringVar(&pwFile, "password-file", "", "パスワードを1行で書いたファイル（省略時は標準入力）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("restore にはオプションだけを指定してください。")
	}
	if from == "" || dir == "" {
		return usagef("--from でバックアップファイルを、--vault で作るフォルダを指定してください。")
	}
	if as == "" {
		return usagef("--as でログインID（バックアップの時点の管理者）を指定してください。")
	}
	if _, err := os.Stat(from); err != nil {
		return usagef("バックアップファイル %s を読めません。", from)
	}
	created, err := office.ReadBackupHeader(from)
	if err != nil {
		return err
	}
	pw, err := e.readSecret(pwFile, "パスワード")
	if err != nil {
		return err
	}
	defer clear(pw)
	info, err := office.Restore(e.ctx, from, dir, as, pw, e.options())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s のバックアップ（%s）を確かめ、%s に復元しました。同じパスワードでログインできます。\n",
		created.In(record.JST()).Format("2006-01-02 15:04"), sizeText(info.Bytes), filepath.Clean(dir))
	fmt.Fprintln(e.Stdout, "中央サーバーと同期していた場合は、新しい登録コードで madoguchi enroll をしてから同期してください（以前の端末の登録は取り消してください）。")
	return nil
}

// sizeText writes a byte count for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
}
