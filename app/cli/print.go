package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// printFlags are the flags of print and report.
type printFlags struct {
	common
	id, date, out string
	force         bool
}

func (p *printFlags) register(fs *flag.FlagSet) {
	p.common.register(fs)
	fs.StringVar(&p.id, "id", "", "記録の番号（相談記録・予約・セミナー）")
	fs.StringVar(&p.date, "date", "", "日付 YYYY-MM-DD（予定表）")
	fs.StringVar(&p.out, "out", "", "出力するPDFファイル")
	fs.BoolVar(&p.force, "force", false, "出力先のファイルがあっても上書きする")
}

// runPrint renders one of the office's sheets to a PDF file.
func runPrint(e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("print の後に sheet, blank-sheet, day-sheets, reservation, schedule, attendance, ledger のどれかを指定してください。")
	}
	doc, args := args[0], args[1:]
	var p printFlags
	fs := flag.NewFlagSet("print", flag.ContinueOnError)
	p.register(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	needs := map[string]string{"sheet": "id", "blank-sheet": "id", "reservation": "id", "attendance": "id", "schedule": "date", "day-sheets": "date", "ledger": ""}
	need, ok := needs[doc]
	if !ok {
		return usagef("print %s という帳票はありません。", doc)
	}
	if need == "id" && p.id == "" {
		return usagef("--id で記録の番号を指定してください。")
	}
	if need == "date" && p.date == "" {
		return usagef("--date で日付（例: 2026-10-01）を指定してください。")
	}
	return e.writePDF(&p, func(o *office.Office, s *office.Session) ([]byte, error) {
		id := strings.ToUpper(p.id)
		switch doc {
		case "sheet":
			return o.PrintSheet(e.ctx, s, id)
		case "blank-sheet":
			return o.PrintBlankSheet(e.ctx, s, id)
		case "reservation":
			return o.PrintReservation(e.ctx, s, id)
		case "attendance":
			return o.PrintAttendance(e.ctx, s, id)
		case "schedule":
			return o.PrintSchedule(e.ctx, s, p.date)
		case "day-sheets":
			return o.PrintDaySheets(e.ctx, s, p.date)
		}
		return o.PrintLedger(e.ctx, s)
	})
}

// runReport renders the statistics of a month or a 年度.
func runReport(e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("report の後に monthly か yearly を指定してください。")
	}
	kind, args := args[0], args[1:]
	var p printFlags
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	p.register(fs)
	month := fs.String("month", "", "月 YYYY-MM（monthly）")
	fy := fs.String("fiscal-year", "", "年度 YYYY（yearly、4月〜翌3月）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var period string
	switch {
	case kind == "monthly" && *month != "":
		period = *month
	case kind == "yearly" && *fy != "":
		period = "FY" + *fy
	case kind == "monthly":
		return usagef("--month で月（例: 2026-10）を指定してください。")
	case kind == "yearly":
		return usagef("--fiscal-year で年度（例: 2026）を指定してください。")
	default:
		return usagef("report %s という報告はありません。", kind)
	}
	return e.writePDF(&p, func(o *office.Office, s *office.Session) ([]byte, error) {
		return o.PrintStatistics(e.ctx, s, period)
	})
}

// writePDF checks the output path before logging in (so nothing is printed,
// and nothing written to the ledger, for a file that would be refused),
// renders, and writes the file with mode 0600.
func (e *Env) writePDF(p *printFlags, render func(*office.Office, *office.Session) ([]byte, error)) error {
	if p.out == "" {
		return usagef("--out で出力するPDFファイルを指定してください。")
	}
	if !p.force {
		if err := mustNotExist(p.out); err != nil {
			return err
		}
	}
	o, s, err := e.open(&p.common)
	if err != nil {
		return err
	}
	defer o.Close()
	pdf, err := render(o, s)
	if err != nil {
		return err
	}
	if err := writeFile(p.out, pdf, p.force); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s に出力しました（%d KB）。管理簿に記録しました。\n", p.out, (len(pdf)+1023)/1024)
	return nil
}

// writeFile writes data to path through a temporary file in the same folder,
// so a crash never leaves half a PDF; without force an existing file is kept.
func writeFile(path string, data []byte, force bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".madoguchi-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !force {
		if err := os.Link(tmp.Name(), path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return office.ErrFileExists
			}
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
