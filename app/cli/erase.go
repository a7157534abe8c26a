package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// runErase erases records (消去) with a signed purge order: the records
// named by --id (a business with every record that belongs to it), or every
// record past its retention with --expired. Without --yes it only lists
// what would be erased; with it, it erases and writes the 消去報告書 to
// --report. --list lists the erasures done (with the server's receipt, once
// sync has it), and --order with --report prints an erasure's report again.
func runErase(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("erase", flag.ContinueOnError)
	c.register(fs)
	id := fs.String("id", "", "消去する記録の番号（複数はカンマ区切り。事業者はその記録もすべて）")
	expired := fs.Bool("expired", false, "保存期間を過ぎた記録をすべて消去する")
	yes := fs.Bool("yes", false, "確認のうえ本当に消去する（付けなければ一覧と件数を表示するだけ）")
	report := fs.String("report", "", "消去報告書のPDFファイル（--yes のとき必須）")
	force := fs.Bool("force", false, "消去報告書のファイルがあっても上書きする")
	list := fs.Bool("list", false, "これまでの消去（サーバーの受領を含む）を一覧する")
	resend := fs.Bool("resend", false, "これまでの消去指示を次の同期でサーバーへもう一度送る（サーバーを古いバックアップから戻したあと）")
	order := fs.String("order", "", "この消去指示（--list の番号の先頭8文字以上）の消去報告書をもう一度出力する（--report と一緒に）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *resend {
		if *list || *order != "" || *id != "" || *expired || *yes {
			return usagef("--resend はほかのオプション（--list、--order、--id、--expired、--yes）と一緒に使えません。")
		}
		o, s, err := e.open(&c)
		if err != nil {
			return err
		}
		defer o.Close()
		n, err := o.ResendPurges(e.ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%d件の消去指示を、次の同期でサーバーへもう一度送ります。\n", n)
		return nil
	}
	if *list || *order != "" {
		switch {
		case *list && *order != "":
			return usagef("--list と --order は一緒に使えません。")
		case *id != "" || *expired || *yes:
			return usagef("--list と --order は --id、--expired、--yes と一緒に使えません。")
		case *order != "" && *report == "":
			return usagef("--report で消去報告書のPDFファイルを指定してください。")
		case *order != "" && len(*order) < 8:
			return usagef("--order には消去指示の番号を8文字以上指定してください。")
		}
		return erasures(e, &c, *order, *report, *force)
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

// erasures lists the erasures done on this vault, or prints the report of
// the one whose order hash starts with order again.
func erasures(e *Env, c *common, order, report string, force bool) error {
	if report != "" && !force {
		if err := absent(report); err != nil {
			return err
		}
	}
	o, s, err := e.open(c)
	if err != nil {
		return err
	}
	defer o.Close()
	list, err := o.Erasures(e.ctx, s)
	if err != nil {
		return err
	}
	if order == "" {
		if len(list) == 0 {
			fmt.Fprintln(e.Stdout, "消去した記録はありません。")
			return nil
		}
		fmt.Fprintln(e.Stdout, "消去指示\t日時\t指示者\t記録\t版数\tサーバーの受領")
		for _, x := range list {
			receipt := x.Receipt
			if receipt == "" {
				receipt = "未受領（次の同期でサーバーへ送ります）"
			}
			fmt.Fprintf(e.Stdout, "%s\t%s\t%s\t%d\t%d\t%s\n", x.Hash[:16], x.At.In(record.JST()).Format("2006-01-02 15:04"), x.By, x.Records, x.Versions, receipt)
		}
		return nil
	}
	var found []office.Erasure
	for _, x := range list {
		if strings.HasPrefix(x.Hash, strings.ToLower(order)) {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("消去指示 %s: %w", order, office.ErrNotFound)
	case 1:
	default:
		return usagef("消去指示 %s に当たる消去が %d 件あります。番号をもっと長く指定してください。", order, len(found))
	}
	pdf, err := o.PrintErasureReport(e.ctx, s, found[0].Hash)
	if err != nil {
		return err
	}
	if err := writeFile(report, pdf, force); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "消去報告書を %s に出力しました。管理簿に記録しました。\n", report)
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
