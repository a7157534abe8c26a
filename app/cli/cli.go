// Package cli implements the madoguchi subcommands: the same office core as
// the desktop window, for admins, scripts and tests. Passwords come from
// --password-file or standard input, never from a flag value or the
// environment. Errors are one Japanese line on standard error and a non-zero
// exit status that tells scripts what went wrong.
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
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Exit statuses, so scripts can tell failures apart.
const (
	ExitOK           = 0
	ExitError        = 1
	ExitUsage        = 2
	ExitWrongPass    = 3
	ExitLocked       = 4
	ExitInUse        = 5
	ExitDamaged      = 6
	ExitNoVault      = 7
	ExitForbidden    = 8
	ExitAuditBroken  = 9
	ExitNotFound     = 10
	ExitInvalidInput = 11
)

// Env is what a command may touch: its arguments and standard streams.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// KDF overrides the Argon2id cost of new passwords (tests only).
	KDF vault.KDFParams

	lines *bufio.Reader // standard input, read one line per password
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
		{"search", "事業者を名前・フリガナ・電話番号・番号で探す（--case で相談内容を検索）", runSearch},
		{"show", "記録を番号で表示する", runShow},
		{"audit", "アクセスログの検証・表示 (audit verify|log)", runAudit},
		{"print", "帳票をPDFに出力する (print sheet|blank-sheet|day-sheets|reservation|schedule|attendance|ledger)", runPrint},
		{"report", "統計報告をPDFに出力する (report monthly|yearly)", runReport},
		{"help", "この説明を表示する", nil},
	}
}

// Run executes one subcommand and returns the process exit status.
func Run(args []string, e *Env) int {
	if e.Stdin == nil {
		e.Stdin = os.Stdin
	}
	e.lines = bufio.NewReader(e.Stdin)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e.ctx = ctx
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
			return report(e.Stderr, err)
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
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nパスワードは --password-file ファイル か標準入力（1行）で渡します。")
	fmt.Fprintln(w, "例: madoguchi search --vault ./office --as yamada --password-file pw.txt テスト")
}

// usageError is a mistake in the command line itself.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// report prints one Japanese line for err and returns the exit status.
func report(w io.Writer, err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "エラー: %s madoguchi help で使い方を確かめてください。\n", ue.msg)
		return ExitUsage
	}
	msg := office.Message(err)
	fmt.Fprintf(w, "エラー: %s\n", strings.ReplaceAll(msg, "\n", " / "))
	return exitCode(err)
}

func exitCode(err error) int {
	var broken auditBroken
	switch {
	case errors.As(err, &broken):
		return ExitAuditBroken
	case errors.Is(err, office.ErrWrongPassword):
		return ExitWrongPass
	case errors.Is(err, office.ErrLocked), errors.Is(err, office.ErrDisabled):
		return ExitLocked
	case errors.Is(err, office.ErrVaultInUse):
		return ExitInUse
	case errors.Is(err, office.ErrDamagedKeyring), errors.Is(err, local.ErrWrongKey), errors.Is(err, office.ErrTampered),
		errors.Is(err, office.ErrForged), errors.Is(err, office.ErrDamagedStore):
		return ExitDamaged
	case errors.Is(err, office.ErrNoVault):
		return ExitNoVault
	case errors.Is(err, office.ErrForbidden), errors.Is(err, office.ErrCannotGrant):
		return ExitForbidden
	case errors.Is(err, office.ErrNotFound):
		return ExitNotFound
	case isInvalid(err):
		return ExitInvalidInput
	}
	return ExitError
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
