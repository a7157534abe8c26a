package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

func runInit(e *Env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	var dir, admin, name, pwFile string
	fs.StringVar(&dir, "vault", "", "作るフォルダ")
	fs.StringVar(&admin, "admin", "", "最初の管理者のログインID")
	fs.StringVar(&name, "name", "", "最初の管理者の氏名（省略時はログインID）")
	fs.StringVar(&pwFile, "password-file", "", "最初の管理者のパスワードのファイル")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if dir == "" || admin == "" {
		return usagef("--vault と --admin を指定してください。")
	}
	if err := office.CheckLogin(admin); err != nil {
		return err
	}
	if name == "" {
		name = admin
	}
	pw, err := e.readSecret(pwFile, "パスワード")
	if err != nil {
		return err
	}
	defer clear(pw)
	if err := office.Init(dir, admin, name, pw, e.options()); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "窓口データを %s に作りました。管理者 %s（システム管理者・監督者）でログインできます。\n", dir, admin)
	return nil
}

func runUser(e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("user の後に add, list, roles, disable, enable, reset のどれかを指定してください。")
	}
	sub, args := args[0], args[1:]
	var c common
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	c.register(fs)
	var login, name, roles, newPwFile string
	fs.StringVar(&login, "login", "", "対象のログインID")
	fs.StringVar(&name, "name", "", "氏名")
	fs.StringVar(&roles, "role", "", "役割 reception|consultant|coordinator|supervisor|admin（複数はカンマ区切り）")
	fs.StringVar(&newPwFile, "new-password-file", "", "新しいパスワードのファイル（省略時は標準入力の次の行）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if sub != "list" && login == "" {
		return usagef("--login で対象のログインIDを指定してください。")
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	switch sub {
	case "list":
		return listUsers(e, o, s)
	case "add":
		rs, err := office.ParseRoles(roles)
		if err != nil {
			return err
		}
		pw, err := e.readSecret(newPwFile, "新しいパスワード")
		if err != nil {
			return err
		}
		defer clear(pw)
		if err := o.AddUser(e.ctx, s, office.NewUser{Login: login, Name: name, Roles: rs, Password: pw}); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "利用者 %s（%s）を登録しました。\n", login, roleLabels(rs))
	case "roles":
		rs, err := office.ParseRoles(roles)
		if err != nil {
			return err
		}
		if err := o.SetRoles(e.ctx, s, login, rs); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "利用者 %s の役割を %s にしました（外れた役割の鍵は更新しました）。\n", login, roleLabels(rs))
	case "disable", "enable":
		if err := o.SetDisabled(e.ctx, s, login, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "利用者 %s を%sにしました。\n", login, map[string]string{"disable": "無効", "enable": "有効"}[sub])
	case "reset":
		var rs []office.Role
		if roles != "" {
			if rs, err = office.ParseRoles(roles); err != nil {
				return err
			}
		}
		pw, err := e.readSecret(newPwFile, "新しいパスワード")
		if err != nil {
			return err
		}
		defer clear(pw)
		if err := o.ResetPassword(e.ctx, s, login, rs, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "利用者 %s のパスワードを再設定しました。\n", login)
	default:
		return usagef("user %s というコマンドはありません。", sub)
	}
	return nil
}

func roleLabels(rs []office.Role) string {
	ls := make([]string, len(rs))
	for i, r := range rs {
		ls[i] = r.Label()
	}
	return strings.Join(ls, "・")
}

func listUsers(e *Env, o *office.Office, s *office.Session) error {
	us, err := o.Users(e.ctx, s)
	if err != nil {
		return err
	}
	for _, u := range us {
		state := "有効"
		if u.Disabled {
			state = "無効"
		} else if !u.LockedUntil.IsZero() {
			state = "ロック中 " + u.LockedUntil.In(record.JST()).Format("15:04まで")
		}
		fmt.Fprintf(e.Stdout, "%s\t%s\t%s\t%s\n", u.Login, u.Name, roleLabels(u.Roles), state)
	}
	return nil
}

func runSearch(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	c.register(fs)
	asJSON := fs.Bool("json", false, "JSONで出力する")
	inCase := fs.Bool("case", false, "相談内容（相談の概要・案内した制度・所感・備考）を検索する")
	limit := fs.Int("limit", office.DefaultSearchLimit, "最大件数")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("検索する言葉を指定してください。")
	}
	query := strings.Join(pos, " ")
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	if *inCase {
		hits, err := o.SearchCases(e.ctx, s, query, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e, hits)
		}
		for _, h := range hits {
			fmt.Fprintf(e.Stdout, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Date, h.BusinessName, h.ConsultantName, h.Status)
		}
		fmt.Fprintf(e.Stdout, "%d 件\n", len(hits))
		return nil
	}
	hits, err := o.Search(e.ctx, s, query, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e, hits)
	}
	for _, h := range hits {
		fmt.Fprintf(e.Stdout, "%s\t%s\t%s\n", h.ID, h.Title, h.Detail)
	}
	fmt.Fprintf(e.Stdout, "%d 件\n", len(hits))
	return nil
}

// writeJSON writes v as indented JSON; a nil slice is an empty array, so
// that "no results" is [] and not null.
func writeJSON(e *Env, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = reflect.MakeSlice(rv.Type(), 0, 0).Interface()
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func runShow(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	c.register(fs)
	asJSON := fs.Bool("json", false, "JSONで出力する")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("表示する記録の番号を1つ指定してください（例: B-0123456789）。")
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	rec, err := o.Record(e.ctx, s, strings.ToUpper(pos[0]))
	if err != nil {
		return err
	}
	shown, err := recordFields(rec)
	if err != nil {
		return err
	}
	names := recordNames(e.ctx, o, s, shown)
	if *asJSON {
		return writeJSON(e, withNames(shown, names))
	}
	printFields(e, shown, names, "")
	return nil
}

func runAudit(e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("audit の後に verify, log, analyse のどれかを指定してください。")
	}
	sub, args := args[0], args[1:]
	if sub == "analyse" {
		return runAuditAnalyse(e, args)
	}
	var c common
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	c.register(fs)
	user := fs.String("user", "", "この利用者のイベントだけ")
	action := fs.String("action", "", "この操作のイベントだけ（login.fail, view.case など）")
	since := fs.String("since", "", "この日（YYYY-MM-DD）以降")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	o, s, err := e.open(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	switch sub {
	case "verify":
		n, err := o.VerifyAudit(e.ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "アクセスログは正常です（%d 件のイベントを確認しました）。\n", n)
		return nil
	case "log":
		f := audit.Filter{User: *user, Action: *action}
		if *since != "" {
			t, err := time.ParseInLocation("2006-01-02", *since, record.JST())
			if err != nil {
				return usagef("--since は 2026-10-01 の形で指定してください。")
			}
			f.From = t
		}
		evs, err := o.AuditEvents(e.ctx, s, f)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			fmt.Fprintf(e.Stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", ev.Seq, ev.At.In(record.JST()).Format("2006-01-02 15:04:05"), ev.User, ev.Action, ev.Object, ev.Detail)
		}
		return nil
	}
	return usagef("audit %s というコマンドはありません。", sub)
}
