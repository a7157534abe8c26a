package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/migrate"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// importFlags are the flags of import.
type importFlags struct {
	common
	mapping, report, saveMap string
	kind                     string
	dryRun, yes, force       bool
	fromExport, passFile     string // import --from-export: an encrypted hand-over file
}

func (p *importFlags) register(fs *flag.FlagSet) {
	p.common.register(fs)
	fs.StringVar(&p.mapping, "map", "", "列と項目の対応表（JSON）。省略時は見出しが項目名の列を取り込む")
	fs.StringVar(&p.kind, "kind", "", "一覧の記録の種類: 事業者（business、省略時）、予約（reservation）、相談記録（consultation）。--map のときは対応表の種類")
	fs.BoolVar(&p.dryRun, "dry-run", false, "仮移行: すべての行を確かめるだけで、何も書き込まない")
	fs.BoolVar(&p.yes, "yes", false, "取り込む（確かめて問題のない行を、まとめて一度に）")
	fs.StringVar(&p.report, "report", "", "仮移行の報告書を出力するPDFファイル（--dry-run と）")
	fs.StringVar(&p.saveMap, "save-map", "", "使った対応表をこのファイルに保存する")
	fs.BoolVar(&p.force, "force", false, "出力先のファイルがあっても上書きする")
	fs.StringVar(&p.fromExport, "from-export", "", "取り込む暗号化ファイル（export で出力したもの）")
	fs.StringVar(&p.passFile, "passphrase-file", "", "暗号化ファイルのパスワードを1行で書いたファイル（--from-export と）")
}

// check refuses a command line that does not say exactly what to do.
func (p *importFlags) check(pos []string) error {
	switch {
	case p.dryRun == p.yes:
		return usagef("--dry-run（仮移行、書き込まない）か --yes（取り込む）のどちらか一つを指定してください。")
	case len(pos) != 1:
		return usagef("取り込むファイル（.csv か .xlsx）を一つ指定してください。")
	case p.report != "" && !p.dryRun:
		return usagef("--report は --dry-run と一緒に使います。")
	case p.kind != "" && p.mapping != "":
		return usagef("--kind は --map と一緒に使えません（対応表に記録の種類が書いてあります）。")
	}
	if _, ok := importKind(p.kind); !ok {
		return usagef("--kind は 事業者、予約、相談記録（business、reservation、consultation）のどれかです。")
	}
	for _, out := range []string{p.report, p.saveMap} {
		if p.force {
			continue
		}
		if err := mustNotExist(out); err != nil {
			return err
		}
	}
	return nil
}

// runImport rehearses (--dry-run) or does (--yes) the import of an
// office's existing list of businesses, or (--from-export) takes in an
// encrypted hand-over file.
func runImport(e *Env, args []string) error {
	var p importFlags
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	p.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if p.fromExport != "" {
		if p.dryRun || p.yes || len(pos) > 0 || p.mapping != "" {
			return usagef("--from-export は一覧の取り込み（--dry-run、--yes、--map、ファイル名）と一緒には使えません。")
		}
		return runImportHandover(e, &p.common, p.fromExport, p.passFile)
	}
	if err := p.check(pos); err != nil {
		return err
	}
	if err := p.common.check(); err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// As the window: a bulk import collects harder near 250 MB
		// instead of growing by half again (gui.go, memoryLimit).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(250 << 20))
	}
	t, err := migrate.ReadFile(pos[0])
	if err != nil {
		return err
	}
	kind, _ := importKind(p.kind)
	m := migrate.AutoMappingOf(kind, t.Headers)
	if p.mapping != "" {
		if m, err = migrate.LoadMapping(p.mapping); err != nil {
			return err
		}
	}
	o, s, err := e.open(&p.common)
	if err != nil {
		return err
	}
	defer o.Close()
	r, err := migrate.Rehearse(e.ctx, o, s, filepath.Base(pos[0]), t, m)
	if err != nil {
		return err
	}
	if p.saveMap != "" {
		if err := saveMapping(m, p.saveMap, p.force); err != nil {
			return err
		}
	}
	printRehearsal(e, r)
	if p.dryRun {
		return writeReport(e, o, s, r, p.report, p.force)
	}
	if r.Accepted() == 0 {
		fmt.Fprintln(e.Stdout, "取り込める行がないため、何も書き込みませんでした。")
		return nil
	}
	err = migrate.Import(e.ctx, o, s, r, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s %d 件を取り込みました。管理簿とアクセスログに記録しました。\n", record.Describe(m.Kind), r.Accepted())
	return nil
}

// importKind reads --kind: a kind's Japanese name or its English key (""
// is a business).
func importKind(v string) (record.Kind, bool) {
	switch strings.TrimSpace(v) {
	case "", "事業者", "business":
		return record.KindBusiness, true
	case "予約", "reservation":
		return record.KindReservation, true
	case "相談記録", "consultation":
		return record.KindConsultation, true
	}
	return "", false
}

func printRehearsal(e *Env, r *migrate.Rehearsal) {
	fmt.Fprintf(e.Stdout, "ファイル: %s（%s）\n", r.Source, r.Table.Encoding)
	if r.Table.HeaderLine > 0 {
		fmt.Fprintf(e.Stdout, "見出しの行: %d 行目\n", r.Table.HeaderLine)
	} else {
		fmt.Fprintln(e.Stdout, "見出しの行: 見つかりませんでした（最初の行を見出しとしました）")
	}
	for _, c := range r.Columns() {
		label := c.Label
		if label == "" {
			label = "（取り込まない）"
		}
		fmt.Fprintf(e.Stdout, "  列「%s」→ %s\n", c.Header, label)
	}
	fmt.Fprintf(e.Stdout, "記録の種類: %s\n", record.Describe(r.Mapping.Kind))
	fmt.Fprintf(e.Stdout, "読み込んだ行 %d 件、取り込める行 %d 件、取り込めない行 %d 件\n", r.Total(), r.Accepted(), len(r.Rejected))
	for _, x := range r.Rejected {
		fmt.Fprintf(e.Stdout, "  %d 行目: %s\n", x.Line, x.Reason)
	}
}

func writeReport(e *Env, o *office.Office, s *office.Session, r *migrate.Rehearsal, path string, force bool) error {
	if path == "" {
		fmt.Fprintln(e.Stdout, "仮移行のため、何も書き込んでいません。")
		return nil
	}
	pdf, err := o.PrintImportReport(e.ctx, s, r.Report())
	if err != nil {
		return err
	}
	if err := writeFile(path, pdf, force); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "仮移行のため、記録は書き込んでいません。報告書を %s に出力しました（管理簿に記録しました）。\n", path)
	return nil
}

func saveMapping(m migrate.Mapping, path string, force bool) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	return writeFile(path, b, force)
}
