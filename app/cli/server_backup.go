package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/backup"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
)

// serverBackupPurpose binds a server backup's file key to its use.
const serverBackupPurpose = "server backup"

// errServerRunning: the embedded store is held by the running server.
var errServerRunning = errors.New("the server is running")

// runServerBackup writes an encrypted backup of the embedded central
// store, under a passphrase (the store holds no key that opens it).
func runServerBackup(e *Env, args []string) error {
	fs := flag.NewFlagSet("server backup", flag.ContinueOnError)
	var data, out, passFile string
	fs.StringVar(&data, "data", "", "サーバーのデータフォルダ")
	fs.StringVar(&out, "out", "", "バックアップファイル（あれば新しいもので置き換えます）")
	fs.StringVar(&passFile, "passphrase-file", "", "バックアップのパスフレーズを1行で書いたファイル（省略時は標準入力）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if data == "" || out == "" || len(pos) > 0 {
		return usagef("--data と --out を指定してください。")
	}
	pass, err := e.readSecret(passFile, "パスフレーズ")
	if err != nil {
		return err
	}
	defer clear(pass)
	if len(pass) < 12 {
		return usagef("パスフレーズは12文字以上にしてください。")
	}
	st, err := openStopped(data)
	if err != nil {
		return err
	}
	defer st.Close()
	fileKey := vault.NewFileKey()
	defer clear(fileKey)
	wrapped, err := vault.WrapFileKeyPassphrase(pass, e.KDF, serverBackupPurpose, fileKey)
	if err != nil {
		return err
	}
	h := backup.Header{Kind: backup.KindServer, ChunkSize: backup.DefaultChunkSize, Created: time.Now().UTC(),
		Office: "central", WrappedKey: wrapped}
	size, _, err := backup.WriteFile(out, func(w io.Writer) (int, error) {
		bw, err := backup.NewWriter(w, h, fileKey)
		if err != nil {
			return 0, err
		}
		if err := st.Snapshot(e.ctx, bw.Pair); err != nil {
			return 0, err
		}
		return 0, bw.Close()
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "サーバーのデータのバックアップを %s に書きました（%s）。パスフレーズは別に保管してください。\n", out, sizeText(size))
	fmt.Fprintln(e.Stdout, "サーバーの鍵（データフォルダの store 以外のファイル）は含みません。server init の後に一度、別に保管してください。")
	return nil
}

// openStopped opens the embedded store of a server that is not running.
func openStopped(data string) (*embedded.Store, error) {
	st, err := embedded.Open(filepath.Join(data, storeDir))
	if errors.Is(err, central.ErrInUse) {
		return nil, fmt.Errorf("%w: %w", errServerRunning, err)
	}
	return st, err
}

// runServerRestore makes the embedded store of a server's data folder
// from a server backup; the folder must have no store yet.
func runServerRestore(e *Env, args []string) error {
	fs := flag.NewFlagSet("server restore", flag.ContinueOnError)
	var data, from, passFile string
	fs.StringVar(&data, "data", "", "サーバーのデータフォルダ（store はまだないこと）")
	fs.StringVar(&from, "from", "", "server backup で書いたバックアップファイル")
	fs.StringVar(&passFile, "passphrase-file", "", "バックアップのパスフレーズのファイル（省略時は標準入力）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if data == "" || from == "" || len(pos) > 0 {
		return usagef("--data と --from を指定してください。")
	}
	dir := filepath.Join(data, storeDir)
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return usagef("%s にはすでにサーバーのデータがあります。空のフォルダに復元してください。", dir)
	}
	if _, err := os.Stat(from); err != nil {
		return usagef("バックアップファイル %s を読めません。", from)
	}
	bf, err := backup.Open(from)
	if err != nil {
		return err
	}
	defer bf.Close()
	if bf.Header.Kind != backup.KindServer {
		return fmt.Errorf("a backup of kind %d: %w", bf.Header.Kind, backup.ErrNotBackup)
	}
	pass, err := e.readSecret(passFile, "パスフレーズ")
	if err != nil {
		return err
	}
	defer clear(pass)
	fileKey, err := vault.UnwrapFileKeyPassphrase(pass, serverBackupPurpose, bf.Header.WrappedKey)
	if err != nil {
		return err
	}
	defer clear(fileKey)
	if _, err := bf.Pairs(fileKey, nil, nil); err != nil { // every chunk first
		return err
	}
	tmp, err := os.MkdirTemp(data, ".store.restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := loadEmbedded(bf, fileKey, tmp); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "サーバーのデータを %s に復元しました。\n", dir)
	return nil
}

// loadEmbedded writes the pairs of bf into a new embedded store in dir.
func loadEmbedded(bf *backup.File, fileKey []byte, dir string) error {
	r, err := bf.Reader(fileKey)
	if err != nil {
		return err
	}
	return embedded.Load(dir, r.Next)
}
