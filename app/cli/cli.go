// Package cli implements the madoguchi subcommands: the same office core as
// the desktop window, for admins, scripts and tests. Passwords come from
// --password-file or standard input, never from a flag value or the
// environment. An error is a Japanese line on standard error (エラー:),
// sometimes followed by a hint (ヒント:), and a non-zero exit status that
// tells scripts what went wrong (office.ExitStatus). Unexpected errors go in
// full to the support log; --verbose prints them too (詳細:).
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Exit statuses, so scripts can tell failures apart; office decides which
// error gives which (README.md, "Exit status").
const (
	ExitOK           = office.ExitOK
	ExitError        = office.ExitUnexpected
	ExitUsage        = office.ExitUsage
	ExitWrongPass    = office.ExitWrongPass
	ExitLocked       = office.ExitLocked
	ExitInUse        = office.ExitInUse
	ExitDamaged      = office.ExitDamaged
	ExitNoVault      = office.ExitNoVault
	ExitForbidden    = office.ExitForbidden
	ExitAuditBroken  = office.ExitAuditBroken
	ExitNotFound     = office.ExitNotFound
	ExitInvalidInput = office.ExitInvalid
	ExitNewer        = office.ExitNewer
	ExitCanceled     = office.ExitCanceled
)

// Env is what a command may touch: its arguments and standard streams.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// KDF overrides the Argon2id cost of new passwords (tests only).
	KDF vault.KDFParams
	// LogPath is the support log; empty means office.SupportLogPath.
	LogPath string

	lines   *bufio.Reader // standard input, read one line per password
	verbose bool          // --verbose: print the full error too
	rescan  bool          // sync --rescan
	// ctx ends when the person presses Ctrl+C: long work stops and the
	// vault closes cleanly.
	ctx context.Context
}

type command struct {
	name    string
	summary string
	run     func(e *Env, args []string) error
}

func commands() []command {
	return []command{
		{"init", "新しい窓口データ（保管庫）を作る", runInit},
		{"user", "利用者の追加・一覧・役割変更・無効化・パスワード再設定 (user add|list|roles|disable|enable|reset)", runUser},
		{"demo", "ダミーデータを入れる（試用・性能測定用）", runDemo},
		{"backup", "暗号化したバックアップファイルを書く（管理者）", runBackup},
		{"restore", "バックアップファイルを確かめ、新しいフォルダに復元する（管理者のパスワード）", runRestore},
		{"search", "事業者を名前・フリガナ・電話番号・番号で探す（--case で相談内容を検索）", runSearch},
		{"show", "記録を番号で表示する", runShow},
		{"audit", "アクセスログの検証・表示・月次分析のPDF (audit verify|log|analyse)", runAudit},
		{"print", "帳票をPDFに出力する (print sheet|blank-sheet|day-sheets|reservation|schedule|attendance|ledger)", runPrint},
		{"report", "統計報告をPDFに出力する (report monthly|yearly)", runReport},
		{"erase", "記録を消去し消去報告書をPDFに出力する（監督者・管理者。--id 番号 か --expired、--yes なしでは一覧のみ。--list でこれまでの消去、--order で報告書の再出力、--resend でサーバーへ再送）", runErase},
		{"retention", "保存期間の表示・変更（監督者・管理者。--set 相談記録=7,予約=3。変更はほかのパソコンにも同期で届く）", runRetention},
		{"export", "記録を暗号化ファイルで引き渡す（相手先・方法を管理簿に記録。--notice でパスワード通知書）", runExport},
		{"import", "事業者の一覧（CSV・Excel）を取り込む: --dry-run で仮移行（書き込まない）、--yes で取り込み。--from-export で暗号化ファイル", runImport},
		{"enroll", "このパソコンを中央サーバーに登録する（管理者。登録コードは server enroll で発行）", runEnroll},
		{"join", "中央サーバーから窓口データを作り、このパソコンを参加させる（登録コードは server enroll で発行）", runJoin},
		{"sync", "中央サーバーと一度同期する（利用者一覧、受信、送信）", runSync},
		{"conflicts", "同期で競合した記録の一覧・表示・解決、重複の可能性がある事業者の一覧・統合 (conflicts list|show|resolve|duplicates|merge)", runConflicts},
		{"devices", "中央サーバーに登録された端末の一覧・登録取消（管理者） (devices list|revoke)", runDevices},
		{"server", "中央サーバー (server init|enroll|check|backup|restore、または server --data フォルダ --listen :8443 で起動)", runServer},
		{"help", "この説明を表示する", nil},
	}
}

// Run executes one subcommand and returns the process exit status.
func Run(args []string, e *Env) int {
	if e.Stdin == nil {
		e.Stdin = os.Stdin
	}
	e.lines = bufio.NewReader(e.Stdin)
	parent := e.ctx // set by tests
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	e.ctx = ctx
	args, e.verbose = cutVerbose(args)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.Stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			err := c.run(e, args[1:])
			if err == nil {
				return ExitOK
			}
			return e.report(c.name, args[1:], err)
		}
	}
	fmt.Fprintf(e.Stderr, "エラー: 「%s」というコマンドはありません。madoguchi help で使い方を確かめてください。\n", args[0])
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "窓口 (madoguchi) — 中小企業相談窓口の記録管理")
	fmt.Fprintln(w, "\n使い方: madoguchi [コマンド] [オプション]")
	fmt.Fprintln(w, "コマンドなしで起動すると画面を開きます（--demo でダミーデータの試用画面）。")
	fmt.Fprintln(w, "\nコマンド:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nパスワードは --password-file ファイル か標準入力（1行）で渡します。")
	fmt.Fprintln(w, "--verbose を付けると、エラーの詳しい内容も表示します。")
	fmt.Fprintln(w, "例: madoguchi search --vault ./office --as yamada --password-file pw.txt テスト")
}

// usageError is a mistake in the command line itself.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// cutVerbose removes --verbose (or -verbose) from the arguments before
// "--", wherever it stands, and reports whether it was there.
func cutVerbose(args []string) ([]string, bool) {
	out := make([]string, 0, len(args))
	verbose := false
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...), verbose
		}
		if a == "--verbose" || a == "-verbose" {
			verbose = true
			continue
		}
		out = append(out, a)
	}
	return out, verbose
}

// report prints err for a person and returns the exit status: a Japanese
// line that says what to do (office.Message), a hint about this command
// line where one helps, where the support log holds the details of an
// error the line cannot explain, and with --verbose the full error.
func (e *Env) report(cmd string, args []string, err error) int {
	w := e.Stderr
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "エラー: %s madoguchi help で使い方を確かめてください。\n", ue.msg)
		return ExitUsage
	}
	if r, ok := netRowOf(err); ok {
		fmt.Fprintf(w, "エラー: %s\n", r.ja)
		if r.logged {
			if path := e.logError(operation(cmd, args), err); path != "" {
				fmt.Fprintf(w, "ヒント: %s\n", office.LogHint(office.Japanese, path))
			}
		}
		if e.verbose {
			fmt.Fprintf(w, "詳細: %v\n", err)
		}
		return r.exit
	}
	fmt.Fprintf(w, "エラー: %s\n", strings.ReplaceAll(office.Message(err), "\n", " / "))
	if h := hint(err); h != "" {
		fmt.Fprintf(w, "ヒント: %s\n", h)
	}
	if office.ClassOf(err).Logged() {
		if path := e.logError(operation(cmd, args), err); path != "" {
			fmt.Fprintf(w, "ヒント: %s\n", office.LogHint(office.Japanese, path))
		}
	}
	if e.verbose {
		fmt.Fprintf(w, "詳細: %v\n", err)
	}
	return office.ExitStatus(err)
}

// operation names the command for the support log: the command and its
// subcommand ("print schedule"), never an argument a person typed.
func operation(cmd string, args []string) string {
	if len(args) > 0 && subcommands[cmd][args[0]] {
		return cmd + " " + args[0]
	}
	return cmd
}

// subcommands are the words that may follow a command.
var subcommands = map[string]map[string]bool{
	"user":      {"add": true, "list": true, "roles": true, "disable": true, "enable": true, "reset": true},
	"audit":     {"verify": true, "log": true, "analyse": true},
	"print":     {"sheet": true, "blank-sheet": true, "day-sheets": true, "reservation": true, "schedule": true, "attendance": true, "ledger": true},
	"report":    {"monthly": true, "yearly": true},
	"server":    {"init": true, "enroll": true, "check": true},
	"devices":   {"list": true, "revoke": true},
	"conflicts": {"list": true, "show": true, "resolve": true, "duplicates": true, "merge": true},
}

// logError writes err to the support log and returns its path, or "" when
// it could not be written (said on standard error with --verbose).
func (e *Env) logError(op string, err error) string {
	path := e.LogPath
	if path == "" {
		p, perr := office.SupportLogPath()
		if perr != nil {
			e.logFailed(perr)
			return ""
		}
		path = p
	}
	if werr := (office.SupportLog{Path: path}).Record(op, err); werr != nil {
		e.logFailed(werr)
		return ""
	}
	return path
}

func (e *Env) logFailed(err error) {
	if e.verbose {
		fmt.Fprintf(e.Stderr, "詳細: サポート用のログを書けませんでした（%v）\n", err)
	}
}

// hint adds to office.Message what helps on the command line: the command
// or option to use.
func hint(err error) string {
	for _, h := range hints {
		if errors.Is(err, h.err) {
			return h.text
		}
	}
	return ""
}

var hints = []struct {
	err  error
	text string
}{
	{office.ErrNoVault, "新しく作るには madoguchi init --vault フォルダ --admin ログインID を使います。"},
	{office.ErrFileExists, "上書きする場合は --force を付けてください。"},
	{office.ErrUnknownRole, "--role は reception, consultant, coordinator, supervisor, admin から選びます（複数はカンマ区切り）。"},
	{office.ErrBadPeriod, "--month は 2026-10、--fiscal-year は 2026 の形で指定してください。"},
	{office.ErrWrongPassword, "パスワードは --password-file のファイルの1行目か、標準入力の1行です。"},
	{office.ErrBackupDamaged, "restore はすべてのブロックを確かめてから書き込みます。別の日のバックアップファイルで試してください。"},
	{office.ErrCompanyFormOnly, "例: 「株式会社山田商店」は「山田商店」で見つかります。"},
}

// parse parses flags that may stand before or after the positional
// arguments ("search QUERY --vault DIR" works as well as the other order).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("オプションが正しくありません（%v）。", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
