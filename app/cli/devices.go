package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// runDevices lists or revokes the office's devices on the central server:
// the person logs in over the channel with their password; only an
// admin's session may do either.
func runDevices(e *Env, args []string) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "revoke") {
		return usagef("devices list または devices revoke を指定してください。")
	}
	sub := args[0]
	var c common
	fs := flag.NewFlagSet("devices "+sub, flag.ContinueOnError)
	c.register(fs)
	var device string
	var asJSON bool
	if sub == "revoke" {
		fs.StringVar(&device, "device", "", "取り消す端末の番号（devices list で確かめる）")
	} else {
		fs.BoolVar(&asJSON, "json", false, "JSON で出力する")
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("余分な引数があります: %v", pos)
	}
	if err := c.check(); err != nil {
		return err
	}
	if sub == "revoke" && device == "" {
		return usagef("--device で取り消す端末の番号を指定してください。")
	}
	creds, err := syncclient.Load(c.vault)
	if err != nil {
		return err
	}
	pw, err := e.readSecret(c.passwordFile, "パスワード")
	if err != nil {
		return err
	}
	cl := syncclient.New(creds)
	defer cl.Close()
	se, err := cl.Login(e.ctx, c.as, string(pw))
	clear(pw)
	if err != nil {
		return err
	}
	if sub == "revoke" {
		if err := cl.RevokeDevice(e.ctx, se, device); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "端末 %s の登録を取り消しました。この端末は次の接続で拒否されます。\n", device)
		return nil
	}
	ds, err := cl.Devices(e.ctx, se)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ds)
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "名前\t端末番号\t登録日時\t最終接続\t取消")
	for _, d := range ds {
		rev := "-"
		if d.Revoked {
			rev = "取消済み " + when(d.RevokedAt)
		}
		mark := ""
		if d.ID == cl.Device() {
			mark = "（この端末）"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\n", d.Name, mark, d.ID, when(d.Enrolled), when(d.LastContact), rev)
	}
	return tw.Flush()
}
