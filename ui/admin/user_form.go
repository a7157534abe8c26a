package admin

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// userForm adds an account (user == nil) or manages one: disable or enable
// it, reset its password and, optionally, its roles.
type userForm struct {
	ctx         Host
	user        *office.User
	ff          *widgets.FieldForm
	login, name *widget.Entry
	roles       *widgets.ChoiceGroup
	changeRoles *widget.Check
	pw1, pw2    *widget.Entry
	msg         *widget.Label
	done        func()
}

func newUserForm(ctx Host, u *office.User) *userForm {
	uf := &userForm{ctx: ctx, user: u, ff: widgets.NewFieldForm(), login: widget.NewEntry(), name: widget.NewEntry(),
		pw1: widget.NewPasswordEntry(), pw2: widget.NewPasswordEntry(), msg: widget.NewLabel("")}
	uf.msg.Wrapping = fyne.TextWrapWord
	var rc widgets.Choices
	for _, r := range office.AllRoles() {
		rc.Add(string(r), tr(r.Label()))
	}
	uf.roles = widgets.NewIDGroup(rc)
	uf.changeRoles = widget.NewCheck(tr("役割も変更する"), func(on bool) { uf.syncRoles(on) })
	if u == nil {
		uf.ff.Add("ログインID", uf.login)
		uf.ff.Add("氏名", uf.name)
		uf.ff.Add("役割", uf.roles.Group)
	} else {
		uf.roles.Set(rolesToIDs(u.Roles))
		uf.ff.Add("役割", container.NewVBox(uf.changeRoles, uf.roles.Group))
		uf.syncRoles(false)
	}
	uf.ff.Add("新しいパスワード", uf.pw1)
	uf.ff.Add("パスワード（確認）", uf.pw2)
	return uf
}

func rolesToIDs(rs []office.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func (uf *userForm) syncRoles(on bool) {
	if on {
		uf.roles.Group.Enable()
	} else {
		uf.roles.Group.Disable()
	}
}

// first is the field that gets the focus.
func (uf *userForm) first() fyne.Focusable {
	if uf.user == nil {
		return uf.login
	}
	return uf.pw1
}

func (uf *userForm) object(back func()) fyne.CanvasObject {
	title := tr("利用者を追加")
	ok := widget.NewButtonWithIcon(tr("追加"), theme.ContentAddIcon(), uf.save)
	buttons := []*widget.Button{ok}
	if uf.user != nil {
		title = tr("利用者 %s（%s）", uf.user.Login, uf.user.Name)
		ok.SetText(tr("パスワードを再設定"))
		ok.SetIcon(theme.AccountIcon())
		buttons = append(buttons, uf.disableButton())
	}
	buttons = append(buttons, widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), back))
	head := container.NewVBox(widgets.Heading(title), widget.NewLabel(tr("パスワードは%d文字以上です。", office.MinPasswordLen)))
	return widgets.WithDirty(widgets.FormView(head, container.NewVBox(uf.ff.Object(), uf.msg), buttons...), uf)
}

// Unsaved implements widgets.Dirty: a typed login id, name or password,
// or roles to change.
func (uf *userForm) Unsaved() bool {
	if uf.pw1.Text != "" || uf.pw2.Text != "" {
		return true
	}
	if uf.user == nil {
		return uf.login.Text != "" || uf.name.Text != "" || len(uf.roles.Values()) > 0
	}
	chosen, had := uf.roles.Values(), rolesToIDs(uf.user.Roles)
	slices.Sort(chosen)
	slices.Sort(had)
	return uf.changeRoles.Checked && !slices.Equal(chosen, had)
}

// Save implements widgets.Dirty: the form's main button.
func (uf *userForm) Save(done func(ok bool)) { done(uf.store()) }

func (uf *userForm) disableButton() *widget.Button {
	if uf.user.Disabled {
		return widget.NewButtonWithIcon(tr("有効にする"), theme.ConfirmIcon(), func() { uf.setDisabled(false) })
	}
	b := widget.NewButtonWithIcon(tr("無効にする"), theme.CancelIcon(), func() { uf.setDisabled(true) })
	b.Importance = widget.DangerImportance
	return b
}

func (uf *userForm) setDisabled(disabled bool) {
	if err := uf.ctx.Office().SetDisabled(uf.ctx.Context(), uf.ctx.Session(), uf.user.Login, disabled); err != nil {
		uf.msg.SetText(widgets.ErrText(err))
		return
	}
	uf.done()
}

// save adds the account, changes its roles (with the password left empty)
// or resets the password; problems are shown in
// Japanese (office.ErrCannotGrant explains which admin may grant case roles).
func (uf *userForm) save() { uf.store() }

// store is save; it reports success.
func (uf *userForm) store() bool {
	if uf.pw1.Text != uf.pw2.Text {
		uf.ff.ShowErrors(&record.FieldError{Field: "パスワード（確認）", Msg: tr("確認のパスワードが一致しません。")})
		return false
	}
	pw := []byte(uf.pw1.Text)
	defer clear(pw)
	var roles []office.Role
	for _, r := range uf.roles.Values() {
		roles = append(roles, office.Role(r))
	}
	var err error
	if uf.user == nil {
		err = uf.ctx.Office().AddUser(uf.ctx.Context(), uf.ctx.Session(), office.NewUser{Login: widgets.Trimmed(uf.login), Name: widgets.Trimmed(uf.name), Roles: roles, Password: pw})
	} else {
		if !uf.changeRoles.Checked {
			roles = nil
		} else if len(roles) == 0 {
			uf.ff.ShowErrors(&record.FieldError{Field: "役割", Msg: tr("役割を一つ以上選んでください。")})
			return false
		}
		if len(pw) == 0 && roles != nil {
			// Roles change without the person's password: keys of new
			// roles are sent to the person's public key, keys of lost
			// roles are renewed.
			err = uf.ctx.Office().SetRoles(uf.ctx.Context(), uf.ctx.Session(), uf.user.Login, roles)
		} else {
			err = uf.ctx.Office().ResetPassword(uf.ctx.Context(), uf.ctx.Session(), uf.user.Login, roles, pw)
		}
	}
	if err != nil {
		uf.ff.ShowErrors(err)
		return false
	}
	uf.pw1.SetText("")
	uf.pw2.SetText("")
	name, login := widgets.Trimmed(uf.name), widgets.Trimmed(uf.login)
	if uf.user != nil {
		name, login = uf.user.Name, uf.user.Login
	}
	uf.ctx.Notify(tr("利用者を保存しました：%s（%s）", name, login))
	uf.done()
	return true
}
