package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
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
	if sub == "revoke" {
		return e.revokeDevice(&c, creds, device)
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

// revokeDevice revokes a device: the admin logs in on this PC and signs
// the revocation into the user table (so that the device can check it
// before it wipes itself), then on the server, which refuses the device
// from its next request and stores the new table.
func (e *Env) revokeDevice(c *common, creds syncclient.Creds, device string) error {
	if device == creds.Device {
		return syncclient.ErrOwnDevice
	}
	o, s, pw, err := e.openKeep(c)
	if err != nil {
		return err
	}
	defer o.Close()
	defer clear(pw)
	cl := syncclient.New(creds)
	defer cl.Close()
	se, err := cl.Login(e.ctx, c.as, string(pw))
	if err != nil {
		return err
	}
	if !se.Admin {
		return fmt.Errorf("%w: %w", syncclient.ErrRefused, syncclient.ErrForbidden)
	}
	if err := cl.RevokeDevice(e.ctx, se, device); err != nil {
		return err
	}
	if err := o.RevokeDevice(e.ctx, s, device); err != nil {
		return err
	}
	table, serial, err := o.SignedTable(e.ctx, s)
	if err != nil {
		return err
	}
	if err := cl.PutTable(e.ctx, se, server.TableMessage{Serial: serial, Data: table}); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "端末 %s の登録を取り消しました。この端末は次の接続で拒否され、管理者の署名を確かめたうえで窓口データを消去します。\n", device)
	return nil
}
