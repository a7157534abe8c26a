package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg"
)

// errCheckFailed: server check found an error (the findings are printed).
var errCheckFailed = errors.New("server check found problems")

// runServerCheck is `server check`: the operator's look at a server's
// configuration (certificates, permissions, the database, the clock, the
// listener). It changes nothing; it exits 1 when a finding is an error.
func runServerCheck(e *Env, args []string) error {
	fs := flag.NewFlagSet("server check", flag.ContinueOnError)
	var data, listen, dsn string
	fs.StringVar(&data, "data", "", "サーバーのデータフォルダ")
	fs.StringVar(&listen, "listen", "", "動いているサーバーの待ち受けアドレス（例: :8443）。省略時は接続を確かめない")
	fs.StringVar(&dsn, "database", "", "PostgreSQL の接続先（postgres://…）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if data == "" {
		return usagef("--data を指定してください。")
	}
	opt := server.CheckOptions{Data: data, Listen: listen}
	if dsn != "" {
		opt.Database = func(ctx context.Context) (time.Time, int, int, error) {
			p, err := pg.ProbeDatabase(ctx, dsn)
			return p.Now, p.Schema, p.Known, err
		}
	}
	findings := server.Check(e.ctx, opt)
	marks := map[server.Level]string{server.LevelOK: "OK  ", server.LevelWarning: "注意", server.LevelError: "問題"}
	for _, f := range findings {
		fmt.Fprintf(e.Stdout, "[%s] %s\n       %s\n", marks[f.Level], f.Ja, f.En)
	}
	if server.Failed(findings) {
		return errCheckFailed
	}
	fmt.Fprintln(e.Stdout, "問題は見つかりませんでした。")
	return nil
}
