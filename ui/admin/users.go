package admin

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// usersScreen is the admin's 利用者 screen: accounts, adding one, disabling
// and enabling, and resetting a password (optionally with new roles).
type usersScreen struct {
	ctx   Host
	pager *widgets.Pager
	table *widgets.Table
	users []office.User
	edit  *userForm // the open form, if any
}

// buildUsers builds the 利用者 screen.
func buildUsers(ctx Host) fyne.CanvasObject { return newUsersScreen(ctx).pager }

func newUsersScreen(ctx Host) *usersScreen {
	sc := &usersScreen{ctx: ctx}
	sc.table = widgets.NewTable([]string{"ログインID", "氏名", "状態", "役割"}, []float32{140, 160, 170}, sc.open)
	add := widget.NewButtonWithIcon(tr("利用者を追加"), theme.ContentAddIcon(), sc.add)
	top := container.NewVBox(widgets.Heading(tr("利用者")), container.NewHBox(add))
	sc.pager = widgets.NewPager(container.NewBorder(top, nil, nil, nil, sc.table.Object()),
		map[string]func(){widgets.ShortcutNew: sc.add, widgets.ShortcutSearch: func() { widgets.Focus(ctx, sc.table.List) }})
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
	us, err := sc.ctx.Office().Users(sc.ctx.Context(), sc.ctx.Session())
	if err != nil {
		sc.ctx.ShowError(err)
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
	sc.pager.Push(uf.object(sc.back), map[string]func(){widgets.ShortcutSave: uf.save})
	sc.ctx.Window().Canvas().Focus(uf.first())
}

func (sc *usersScreen) back() {
	sc.edit = nil
	sc.pager.Pop()
	sc.refresh()
}
