package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// runEnroll registers this PC's vault with the central server of a code:
// an administrator logs in, the PC makes its device key, and the
// credentials go to VAULT/device. Nothing of the vault is sent yet (that
// is sync's work).
func runEnroll(e *Env, args []string) error {
	var c common
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	c.register(fs)
	var name string
	fs.StringVar(&name, "name", "", "このパソコンの名前（省略時はコンピューター名）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("登録コードを1つ指定してください。")
	}
	if name == "" {
		if name, err = os.Hostname(); err != nil || name == "" {
			name = "PC"
		}
	}
	o, s, pw, err := e.openKeep(&c)
	if err != nil {
		return err
	}
	defer o.Close()
	defer clear(pw)
	if !s.HasRole(office.RoleAdmin) {
		return office.ErrForbidden
	}
	creds, err := syncclient.Enroll(e.ctx, o.Dir(), pos[0], name)
	if err != nil {
		return err
	}
	cl := syncclient.New(creds)
	defer cl.Close()
	ans, err := cl.Ping(e.ctx)
	if err != nil {
		return err
	}
	if err := o.RecordEnrollment(e.ctx, s, ans.Name, creds.Device); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "このパソコン（%s）を %s のサーバーに登録しました。端末番号: %s\n", name, ans.Name, creds.Device)
	// A first-admin code also registers this admin's server login; with
	// an ordinary code the server refuses and nothing more happens.
	err = cl.RegisterFirstAdmin(e.ctx, pos[0], c.as, string(pw), e.loginKDF())
	switch {
	case err == nil:
		fmt.Fprintf(e.Stdout, "%s をこの窓口の最初の管理者としてサーバーに登録しました。\n", c.as)
		// The login's salt is kept on this PC, for the window's sync to
		// derive the admin's key at their next login here.
		if salt, p, serr := cl.LoginSalt(e.ctx, c.as); serr == nil {
			_ = syncclient.SaveSalt(o.Dir(), c.as, syncclient.SavedSalt{Salt: salt, KDF: p})
		}
	case errors.Is(err, syncclient.ErrForbidden):
	case errors.Is(err, syncclient.ErrAdminExists):
		fmt.Fprintln(e.Stdout, "この窓口のサーバーにはすでに管理者がいるため、管理者の登録はしませんでした。")
	default:
		return err
	}
	return nil
}
