package cli

import (
	"flag"
	"fmt"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/app/office"
)

// runDemo fills a vault with generated dummy data. When the vault does not
// exist yet it is created with the demo accounts (one per role, password
// demo.Password) and --as names nothing new: the demo admin is used.
func runDemo(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	c.register(fs)
	nb := fs.Int("businesses", 150, "事業者の数")
	nc := fs.Int("consultations", 400, "相談記録の数")
	seed := fs.Uint64("seed", 1, "乱数の種（同じ種なら同じ内容）")
	quiet := fs.Bool("quiet", false, "進み具合を表示しない")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *nb < 1 || *nc < 0 {
		return usagef("--businesses は1以上、--consultations は0以上にしてください。")
	}
	sz := demo.Sizes{Businesses: *nb, Consultations: *nc, Seed: *seed}
	progress := e.progress(*quiet)
	start := time.Now()
	if c.vault != "" && !office.Exists(c.vault) {
		if _, err := demo.NewVault(e.ctx, c.vault, sz, e.options(), progress); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "\nダミーデータの窓口を %s に作りました（%.1f 秒）。ログインID: uketsuke, soudan, coord, kantoku, admin / パスワード: %s\n",
			c.vault, time.Since(start).Seconds(), demo.Password)
		return nil
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	if err := demo.Fill(e.ctx, o, s, sz, time.Now(), progress); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "\nダミーデータを追加しました（事業者 %d 件、相談記録 %d 件、%.1f 秒）。\n", *nb, *nc, time.Since(start).Seconds())
	return nil
}

// progress returns a callback that prints a percentage on standard error.
func (e *Env) progress(quiet bool) func(done, total int) {
	if quiet {
		return nil
	}
	last := -1
	return func(done, total int) {
		if total == 0 {
			return
		}
		if pct := done * 100 / total; pct != last {
			last = pct
			fmt.Fprintf(e.Stderr, "\r書き込み中 %3d%% (%d/%d)", pct, done, total)
		}
	}
}
