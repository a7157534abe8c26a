package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
)

// runSync syncs the vault with the central server once: the person logs in
// on this PC (their password opens their keys) and on the server (an auth
// key derived from the same password), then the user table, pull and push.
func runSync(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	c.register(fs)
	quiet := fs.Bool("quiet", false, "進み具合を表示しない")
	rescan := fs.Bool("rescan", false, "サーバーの記録をはじめから読み直して確かめる（サーバーの不正を検出したあと、直ったことを確かめるとき）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("余分な引数があります: %v", pos)
	}
	e.rescan = *rescan
	if err := c.check(); err != nil {
		return err
	}
	if !office.Exists(c.vault) {
		// Not "not enrolled": there is no vault to enroll.
		return office.ErrNoVault
	}
	creds, err := syncclient.Load(c.vault)
	if err != nil {
		return err
	}
	o, s, pw, err := e.openKeep(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	defer clear(pw)
	res, err := e.syncOnce(o, s, creds, c.as, pw, *quiet)
	if err != nil {
		return e.afterRevoked(o, s, creds, err)
	}
	e.printSync(res)
	return nil
}

// afterRevoked handles err of a sync: when the server says this device
// was revoked and sends the signed user table that lists it, and the table
// verifies with the admin key pinned in the person's bundle, the PC wipes
// its vault (store, keyring and device credentials). A refusal without an
// admin's signature wipes nothing.
func (e *Env) afterRevoked(o *office.Office, s *office.Session, creds syncclient.Creds, err error) error {
	wiped, werr := syncagent.WipeRevoked(e.ctx, o, s, creds.Device, err, nil)
	if werr != nil {
		return werr
	}
	if wiped {
		fmt.Fprintln(e.Stdout, "この端末は管理者によって登録を取り消されたため、このパソコンの窓口データ（記録と鍵ファイル）を消去しました。記録はサーバーとほかのパソコンに残っています。")
	}
	return err
}

// syncOnce logs in on the server and runs one sync of the logged-in
// vault, with a progress line on standard error unless quiet.
func (e *Env) syncOnce(o *office.Office, s *office.Session, creds syncclient.Creds, login string, pw []byte, quiet bool) (syncer.Result, error) {
	opt := syncagent.OnceOptions{KDF: e.loginKDF(), Rescan: e.rescan,
		Renewed: func() { fmt.Fprintln(e.Stdout, "このパソコンの証明書を更新しました。") },
		WebBooking: func(err error) {
			msg := office.Message(err)
			if r, ok := netRowOf(err); ok {
				msg = r.ja
			}
			fmt.Fprintf(e.Stderr, "注意: ウェブ予約の送受信はできませんでした（次の同期でやり直します）: %s\n", msg)
		},
		Erasure: func(err error) {
			msg := office.Message(err)
			if r, ok := netRowOf(err); ok {
				msg = r.ja
			}
			fmt.Fprintf(e.Stderr, "注意: サーバーでの消去はまだ済んでいません（次の同期でやり直します）: %s\n", msg)
		}}
	if !quiet {
		opt.Progress = e.syncProgress()
	}
	res, err := syncagent.Once(e.ctx, o, s, creds, login, pw, opt)
	if !quiet {
		fmt.Fprintln(e.Stderr)
	}
	return res, err
}

// syncProgress prints the step and a percentage on standard error.
func (e *Env) syncProgress() func(syncer.Progress) {
	last := ""
	return func(p syncer.Progress) {
		var line string
		switch p.Step {
		case syncer.StepTable:
			line = "利用者一覧を確認中"
		case syncer.StepPull:
			pct := uint64(100)
			if p.Total > 0 {
				pct = p.Done * 100 / p.Total
			}
			line = fmt.Sprintf("受信中 %3d%% (%d/%d)", pct, p.Done, p.Total)
		case syncer.StepPush:
			line = fmt.Sprintf("送信中 %d 件", p.Done)
		}
		if line != last {
			last = line
			fmt.Fprintf(e.Stderr, "\r%-40s", line)
		}
	}
}

func (e *Env) printSync(r syncer.Result) {
	fmt.Fprintf(e.Stdout, "同期しました。受信 %d 件（新規 %d、既存 %d）、送信 %d 件", r.Pulled, r.Applied.New, r.Applied.Known, r.Pushed)
	if r.Duplicates > 0 {
		fmt.Fprintf(e.Stdout, "（送信済みの再送 %d 件）", r.Duplicates)
	}
	fmt.Fprintln(e.Stdout, "。")
	if r.Applied.Merged > 0 {
		fmt.Fprintf(e.Stdout, "同時に編集された記録 %d 件を自動で統合しました。\n", r.Applied.Merged)
	}
	if r.Applied.Conflicts > 0 {
		fmt.Fprintf(e.Stdout, "同じ項目が別々に編集された記録が %d 件あります（競合）。madoguchi conflicts list で確かめてください。\n", r.Applied.Conflicts)
	}
	if r.Applied.Unopened > 0 {
		fmt.Fprintf(e.Stdout, "このログインでは開けない記録 %d 件を受け取りました（相談内容など）。権限のある人が同期すると索引に入ります。\n", r.Applied.Unopened)
	}
	if r.TableTaken {
		fmt.Fprintln(e.Stdout, "サーバーから新しい利用者一覧を受け取りました。")
	}
	if r.TableOffered {
		fmt.Fprintln(e.Stdout, "このパソコンの新しい利用者一覧をサーバーに送りました。")
	}
}

// runJoin makes a new PC's vault from the central server: the PC enrolls
// with a one-time code, takes the office's signed user table, and, with
// --as, the person logs in and the first sync brings the records.
func runJoin(e *Env, args []string) error {
	fs := flag.NewFlagSet("join", flag.ContinueOnError)
	var dir, as, pwFile, name string
	fs.StringVar(&dir, "vault", "", "新しく作る窓口データのフォルダ")
	fs.StringVar(&as, "as", "", "続けて同期する人のログインID（省略時は登録と利用者一覧だけ）")
	fs.StringVar(&pwFile, "password-file", "", "パスワードを1行で書いたファイル（省略時は標準入力）")
	fs.StringVar(&name, "name", "", "このパソコンの名前（省略時はコンピューター名）")
	quiet := fs.Bool("quiet", false, "進み具合を表示しない")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("登録コードを1つ指定してください。")
	}
	if dir == "" {
		return usagef("--vault で新しく作るフォルダを指定してください。")
	}
	if office.Exists(dir) {
		return office.ErrVaultExists
	}
	if name == "" {
		if name, err = os.Hostname(); err != nil || name == "" {
			name = "PC"
		}
	}
	if _, err := syncclient.Load(dir); err == nil {
		// A join that stopped after this PC enrolled (no user table on
		// the server yet, or no connection): go on from there, since the
		// code is used up and the folder holds this PC's keys.
		fmt.Fprintln(e.Stdout, "このフォルダのパソコンは登録済みです。前回の続きから参加します（今回の登録コードは使いません）。")
	}
	if _, err := syncagent.Join(e.ctx, dir, pos[0], name); err != nil {
		return err
	}
	creds, err := syncclient.Load(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "このパソコン（%s）を %s に参加させました。端末番号: %s\n", name, creds.Name, creds.Device)
	if as == "" {
		fmt.Fprintln(e.Stdout, "記録は、職員が自分のIDでログインして madoguchi sync を実行すると届きます。")
		return nil
	}
	c := common{vault: dir, as: as, passwordFile: pwFile}
	res, err := e.joinSync(&c, creds, *quiet)
	if err != nil {
		// The PC has joined; only the first sync failed.
		fmt.Fprintf(e.Stdout, "参加は済んでいます。記録は madoguchi sync --vault %s --as %s で受け取ってください。\n", dir, as)
		return err
	}
	e.printSync(res)
	return nil
}

// joinSync logs in to the joined vault and runs its first sync.
func (e *Env) joinSync(c *common, creds syncclient.Creds, quiet bool) (syncer.Result, error) {
	o, s, pw, err := e.openKeep(c)
	if err != nil {
		return syncer.Result{}, err
	}
	defer o.Close()
	defer clear(pw)
	// The join's enrollment goes into the access log with the first sync
	// (syncagent.Join marked it).
	return e.syncOnce(o, s, creds, c.as, pw, quiet)
}
