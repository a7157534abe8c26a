package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
)

// runAuditAnalyse renders a month's access-log analysis (audit analyse
// --month YYYY-MM --out FILE.pdf) for a supervisor or an admin. The month
// and the output folder are checked before logging in, so a mistake
// leaves nothing in the access log or the ledger.
func runAuditAnalyse(e *Env, args []string) error {
	var p printFlags
	fs := flag.NewFlagSet("audit analyse", flag.ContinueOnError)
	p.common.register(fs)
	fs.StringVar(&p.out, "out", "", "出力するPDFファイル")
	fs.BoolVar(&p.force, "force", false, "出力先のファイルがあっても上書きする")
	month := fs.String("month", "", "分析する月 YYYY-MM")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *month == "" {
		return usagef("--month で分析する月（例: 2026-09）を指定してください。")
	}
	if _, err := audit.ParseMonth(*month); err != nil {
		return usagef("--month は 2026-09 の形で指定してください（%q は月ではありません）。", *month)
	}
	if p.out != "" {
		if err := checkWritable(filepath.Dir(p.out)); err != nil {
			return usagef("--out のフォルダ %s に書き込めません（フォルダがないか、書き込む権限がありません）。", filepath.Dir(p.out))
		}
	}
	return e.writePDF(&p, func(o *office.Office, s *office.Session) ([]byte, error) {
		return o.PrintAccessAnalysis(e.ctx, s, *month)
	})
}

// checkWritable makes and removes a file in dir.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".madoguchi-check-*")
	if err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
