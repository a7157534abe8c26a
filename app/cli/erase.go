package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// runErase erases records (消去) with a signed purge order: the records
// named by --id (a business with every record that belongs to it), or every
// record past its retention with --expired. Without --yes it only lists
// what would be erased; with it, it erases and writes the 消去報告書 to
// --report.
func runErase(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("erase", flag.ContinueOnError)
	c.register(fs)
	id := fs.String("id", "", "消去する記録の番号（複数はカンマ区切り。事業者はその記録もすべて）")
	expired := fs.Bool("expired", false, "保存期間を過ぎた記録をすべて消去する")
	yes := fs.Bool("yes", false, "確認のうえ本当に消去する（付けなければ一覧と件数を表示するだけ）")
	report := fs.String("report", "", "消去報告書のPDFファイル（--yes のとき必須）")
	force := fs.Bool("force", false, "消去報告書のファイルがあっても上書きする")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *id == "" && !*expired:
		return usagef("--id で記録の番号を指定するか、--expired を付けてください。")
	case *id != "" && *expired:
		return usagef("--id と --expired は一緒に使えません。")
	case *yes && *report == "":
		return usagef("--report で消去報告書のPDFファイルを指定してください。")
	}
	if *yes && !*force {
		if err := absent(*report); err != nil {
			return err
		}
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	ids, reason := splitIDs(*id), office.ReasonRequest
	if *expired {
		reason = office.ReasonRetention
		ex, err := o.Expired(e.ctx, s)
		if err != nil {
			return err
		}
		ids = nil
		for _, r := range ex {
			ids = append(ids, r.ID)
		}
		if len(ids) == 0 {
			fmt.Fprintln(e.Stdout, "保存期間を過ぎた記録はありません。")
			return nil
		}
	}
	plan, err := o.PlanErase(e.ctx, s, ids, reason)
	if err != nil {
		return err
	}
	listPlan(e, plan)
	if !*yes {
		fmt.Fprintln(e.Stdout, "まだ何も消去していません。消去するには --yes と --report を付けてもう一度実行してください。")
		return nil
	}
	res, err := o.Erase(e.ctx, s, plan)
	if err != nil {
		return err
	}
	hash := res.Order.Hash()
	fmt.Fprintf(e.Stdout, "%d件の記録（版数 計%d）を消去しました（消去指示 %s）。\n", len(plan.Items), res.Versions, hash[:16])
	pdf, err := o.PrintErasureReport(e.ctx, s, hash)
	if err != nil {
		return err
	}
	if err := writeFile(*report, pdf, *force); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "消去報告書を %s に出力しました。管理簿に記録しました。中央サーバーとほかのパソコンからは次の同期で消去されます。\n", *report)
	return nil
}

// absent refuses a path that exists (office.ErrFileExists).
func absent(path string) error {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return office.ErrFileExists
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("check %s: %w", path, err)
	}
	return nil
}

// splitIDs splits a comma-separated list of record ids.
func splitIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// listPlan prints what the plan erases: one line per record, then the
// count. It prints ids, kinds and dates only.
func listPlan(e *Env, plan office.ErasePlan) {
	fmt.Fprintln(e.Stdout, "番号\t種別\t版数\t基準日")
	for _, it := range plan.Items {
		fmt.Fprintf(e.Stdout, "%s\t%s\t%d\t%s\n", it.ID, kindLabel(string(it.Kind)), it.Versions, it.Last)
	}
	fmt.Fprintf(e.Stdout, "消去する記録: %d件（版数 計%d）\n", len(plan.Items), plan.Versions())
}
