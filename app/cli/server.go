package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg"
)

// storeDir is the embedded central store inside the server's data folder.
const storeDir = "store"

// Limits of server enroll --expires.
const (
	minTokenLife = time.Minute
	maxTokenLife = 30 * 24 * time.Hour
)

// runServer is `server init`, `server enroll`, or, with neither, runs the
// server until Ctrl+C or SIGTERM.
func runServer(e *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "init":
			return runServerInit(e, args[1:])
		case "enroll":
			return runServerEnroll(e, args[1:])
		case "backup":
			return runServerBackup(e, args[1:])
		case "restore":
			return runServerRestore(e, args[1:])
		case "check":
			return runServerCheck(e, args[1:])
		}
	}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	var data, listen, dsn string
	fs.StringVar(&data, "data", "", "サーバーのデータフォルダ")
	fs.StringVar(&listen, "listen", ":8443", "待ち受けるアドレス")
	fs.StringVar(&dsn, "database", "", "PostgreSQL の接続先（postgres://…）。省略時は内蔵の保存先")
	var publicAddr, publicCert, publicKey string
	fs.StringVar(&publicAddr, "public", "", "公開予約ページの待ち受けアドレス（例: 127.0.0.1:8080。リバースプロキシの後ろに置く）")
	fs.StringVar(&publicCert, "public-cert", "", "公開予約ページを自分で TLS にするときの証明書（PEM）")
	fs.StringVar(&publicKey, "public-key", "", "その秘密鍵（PEM）")
	publicProxy := fs.Bool("public-behind-proxy", false, "公開予約ページがリバースプロキシの後ろにある（送信数の制限に X-Forwarded-For の最後のアドレスを使う）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("server の後には init, enroll, backup, restore か、オプションだけを指定してください。")
	}
	if data == "" {
		return usagef("--data を指定してください。")
	}
	id, err := server.Load(data)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(e.ctx, syscall.SIGTERM)
	defer stop()
	st, err := openCentral(ctx, data, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen %s: %v: %w", listen, err, errListen)
	}
	srv := &server.Server{ID: id, Store: st, Log: log.New(e.Stderr, "madoguchi server: ", log.LstdFlags)}
	wctx, wstop := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { srv.WatchTokens(wctx, data, server.PollInterval); close(watched) }()
	defer func() { wstop(); <-watched }()
	if publicAddr != "" {
		stopPublic, err := servePublic(e, st, id.Office, publicAddr, publicCert, publicKey, *publicProxy)
		if err != nil {
			return err
		}
		defer stopPublic()
	}
	fmt.Fprintf(e.Stdout, "%s のサーバーを起動しました。待ち受け: %s\n", id.Name, ln.Addr())
	fmt.Fprintf(e.Stdout, "ピン: %s\n", id.PinText())
	fmt.Fprintln(e.Stdout, "Ctrl+C で終了します。")
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "サーバーを終了しました。")
	return nil
}

// errListen: the address cannot be listened on.
var errListen = errors.New("cannot listen")

// openCentral opens the central store: PostgreSQL when dsn is given, else
// the embedded store in DATA/store.
func openCentral(ctx context.Context, data, dsn string) (central.Store, error) {
	if dsn != "" {
		return pg.Open(ctx, dsn)
	}
	return embedded.Open(filepath.Join(data, storeDir))
}

func runServerInit(e *Env, args []string) error {
	fs := flag.NewFlagSet("server init", flag.ContinueOnError)
	var data, name, addr string
	fs.StringVar(&data, "data", "", "作るデータフォルダ")
	fs.StringVar(&name, "name", "", "窓口の名前")
	fs.StringVar(&addr, "addr", "", "登録コードに入れるサーバーのアドレス（ホスト名:ポート）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if data == "" || name == "" || len(pos) > 0 {
		return usagef("--data と --name を指定してください。")
	}
	if addr == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			return usagef("--addr でサーバーのアドレス（ホスト名:ポート）を指定してください。")
		}
		addr = net.JoinHostPort(host, "8443")
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	id, err := server.Init(data, name, addr, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s のサーバーの鍵と証明書を %s に作りました。\n", id.Name, data)
	fmt.Fprintf(e.Stdout, "登録コードのアドレス: %s\n", id.Addr)
	fmt.Fprintf(e.Stdout, "ピン (SPKI SHA-256): %s\n", id.PinText())
	return nil
}

func runServerEnroll(e *Env, args []string) error {
	fs := flag.NewFlagSet("server enroll", flag.ContinueOnError)
	var data, addr, dsn string
	var expires time.Duration
	fs.StringVar(&data, "data", "", "サーバーのデータフォルダ")
	fs.StringVar(&addr, "addr", "", "登録コードに入れるアドレス（省略時は server init の --addr）")
	fs.StringVar(&dsn, "database", "", "PostgreSQL の接続先（postgres://…）")
	fs.DurationVar(&expires, "expires", 24*time.Hour, "登録コードの有効期間（例: 24h, 30m）")
	firstAdmin := fs.Bool("first-admin", false, "最初の管理者を登録できるコードにする（管理者がまだいないときだけ）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if data == "" || len(pos) > 0 {
		return usagef("--data を指定してください。")
	}
	if expires < minTokenLife || expires > maxTokenLife {
		return usagef("--expires は 1m から 720h の間で指定してください。")
	}
	id, err := server.Load(data)
	if err != nil {
		return err
	}
	if addr != "" {
		if err := server.CheckAddr(addr); err != nil {
			return err
		}
		id.Addr = addr
	}
	now := time.Now()
	tok, t := id.NewTokenFor(now, now.Add(expires))
	t.FirstAdmin = *firstAdmin
	st, err := openCentral(e.ctx, data, dsn)
	switch {
	case err == nil:
		err = server.AddToken(e.ctx, st, id, t)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	case dsn == "" && errors.Is(err, central.ErrInUse):
		// The running server holds the embedded store: hand it the token.
		err = server.RequestToken(e.ctx, data, t)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s への登録コードを作りました。有効期限: %s（1回だけ使えます）\n", id.Name, now.Add(expires).Format("2006-01-02 15:04"))
	if *firstAdmin {
		fmt.Fprintln(e.Stdout, "このコードで登録する人が、この窓口の最初の管理者になります。")
	}
	fmt.Fprintln(e.Stdout, "このコードは登録するパソコンだけに伝え、使い終わったら破棄してください。")
	fmt.Fprintln(e.Stdout, server.Code{Addr: id.Addr, Pin: id.Pin(), Token: tok})
	return nil
}
