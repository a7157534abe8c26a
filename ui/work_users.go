package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// usersScreen is the admin's 利用者 screen: accounts, adding one, disabling
// and enabling, and resetting a password (optionally with new roles).
type usersScreen struct {
	ctx   *Context
	pager *Pager
	table *Table
	users []office.User
	edit  *userForm // the open form, if any
}

// buildUsers builds the 利用者 screen.
func buildUsers(ctx *Context) fyne.CanvasObject { return newUsersScreen(ctx).pager }

func newUsersScreen(ctx *Context) *usersScreen {
	sc := &usersScreen{ctx: ctx}
	sc.table = NewTable([]string{"ログインID", "氏名", "状態", "役割"}, []float32{140, 160, 170}, sc.open)
	add := widget.NewButtonWithIcon(tr("利用者を追加"), theme.ContentAddIcon(), sc.add)
	top := container.NewVBox(Heading(tr("利用者")), container.NewHBox(add))
	sc.pager = NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()),
		map[string]func(){ShortcutNew: sc.add, ShortcutSearch: func() { Focus(ctx, sc.table.List) }})
	sc.refresh()
	return sc
}

// roleLabels joins the Japanese names of roles.
func roleLabels(rs []office.Role) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = tr(r.Label())
	}
	return strings.Join(out, "・")
}

// userState is 有効, 無効 or ロック中（…まで）.
func userState(u office.User) string {
	switch {
	case u.Disabled:
		return tr("無効")
	case !u.LockedUntil.IsZero():
		return tr("ロック中（%s まで）", u.LockedUntil.In(record.JST()).Format("15:04"))
	}
	return tr("有効")
}

func (sc *usersScreen) refresh() {
	us, err := sc.ctx.Office.Users(context.Background(), sc.ctx.Session)
	if err != nil {
		ShowError(sc.ctx.Window, err)
	}
	sc.users = us
	rows := make([][]string, len(us))
	for i, u := range us {
		rows[i] = []string{u.Login, u.Name, userState(u), roleLabels(u.Roles)}
	}
	sc.table.Set(rows)
}

func (sc *usersScreen) add() { sc.show(newUserForm(sc.ctx, nil)) }

func (sc *usersScreen) open(i int) {
	u := sc.users[i]
	sc.show(newUserForm(sc.ctx, &u))
}

func (sc *usersScreen) show(uf *userForm) {
	sc.edit = uf
	uf.done = sc.back
	sc.pager.Push(uf.object(sc.back), map[string]func(){ShortcutSave: uf.save})
	sc.ctx.Window.Canvas().Focus(uf.first())
}

func (sc *usersScreen) back() {
	sc.edit = nil
	sc.pager.Pop()
	sc.refresh()
}
