package admin

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// newVenueTab is the 会場 master: name, address, capacity, in use.
func newVenueTab(ctx Host) *masterTab {
	var vs []record.Venue
	m := &masterTab{ctx: ctx, title: "会場"}
	m.rows = func() ([][]string, error) {
		var err error
		vs, err = ctx.Office().Venues(ctx.Context(), ctx.Session())
		rows := make([][]string, len(vs))
		for i, v := range vs {
			rows[i] = []string{v.Name, strconv.Itoa(v.Capacity), activeText(v.Active), v.Address}
		}
		return rows, err
	}
	m.open = func(i int) *masterForm { v := vs[i]; return venueForm(ctx, &v) }
	m.blank = func() *masterForm { return venueForm(ctx, &record.Venue{Capacity: 1, Active: true}) }
	return m.init([]string{"会場名", "同時相談数", "状態", "所在地"}, []float32{200, 100, 80})
}

func venueForm(ctx Host, v *record.Venue) *masterForm {
	f := &masterForm{ff: widgets.NewFieldForm()}
	name, addr, capa := widget.NewEntry(), widget.NewEntry(), numberEntry(v.Capacity)
	active := widget.NewCheck(tr("使用中"), nil)
	name.SetText(v.Name)
	addr.SetText(v.Address)
	active.SetChecked(v.Active)
	f.ff.Add("会場名", name)
	f.ff.Add("所在地", addr)
	f.ff.Add("同時相談数", widgets.Sized(capa, 80))
	f.ff.Add("状態", active)
	f.save = func() error {
		n, ok := record.ParseWholeNumber(capa.Text)
		if !ok {
			return &record.FieldError{Field: "同時相談数", Msg: tr("同時相談数は数字で入力してください")}
		}
		x := *v
		x.Name, x.Address, x.Capacity, x.Active = widgets.Trimmed(name), widgets.Trimmed(addr), int(n), active.Checked
		return ctx.Office().SaveVenue(ctx.Context(), ctx.Session(), &x)
	}
	return f
}

// newStaffTab is the 相談員・専門家 master.
func newStaffTab(ctx Host) *masterTab {
	var st []record.Staff
	m := &masterTab{ctx: ctx, title: "相談員・専門家"}
	m.rows = func() ([][]string, error) {
		var err error
		st, err = ctx.Office().Staff(ctx.Context(), ctx.Session())
		rows := make([][]string, len(st))
		for i, s := range st {
			rows[i] = []string{s.Name, s.Kana, tr(s.Role), tr(s.Qualification), s.Login, activeText(s.Active)}
		}
		return rows, err
	}
	m.open = func(i int) *masterForm { s := st[i]; return staffForm(ctx, &s) }
	m.blank = func() *masterForm { return staffForm(ctx, &record.Staff{Role: record.StaffRoles()[0], Active: true}) }
	return m.init([]string{"氏名", "フリガナ", "区分", "資格", "ログインID", "状態"}, []float32{150, 170, 80, 150, 110})
}

func staffForm(ctx Host, s *record.Staff) *masterForm {
	f := &masterForm{ff: widgets.NewFieldForm()}
	name, kana, login := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	role := widgets.NewRadio(record.StaffRoles())
	quals := widgets.TextChoices(record.Qualifications())
	qual := quals.NewSelect(nil)
	active := widget.NewCheck(tr("使用中"), nil)
	name.SetText(s.Name)
	kana.SetText(s.Kana)
	login.SetText(s.Login)
	role.Set(s.Role)
	widgets.SetSelectValue(quals, qual, s.Qualification)
	active.SetChecked(s.Active)
	login.SetPlaceHolder(tr("この人が使うログインID（任意）"))
	f.ff.Add("氏名", name)
	f.ff.Add("フリガナ", kana)
	f.ff.Add("区分", role.Group)
	f.ff.Add("資格", qual)
	f.ff.Add("ログインID", login)
	f.ff.Add("状態", active)
	f.save = func() error {
		x := *s
		x.Name, x.Kana, x.Role = widgets.Trimmed(name), widgets.Trimmed(kana), role.Value()
		x.Qualification, x.Login, x.Active = widgets.SelectValue(quals, qual), widgets.Trimmed(login), active.Checked
		return ctx.Office().SaveStaff(ctx.Context(), ctx.Session(), &x)
	}
	return f
}

// newProgramTab is the 支援策 master: level, name, in use.
func newProgramTab(ctx Host) *masterTab {
	var ps []record.Program
	m := &masterTab{ctx: ctx, title: "支援策"}
	m.rows = func() ([][]string, error) {
		var err error
		ps, err = ctx.Office().Programs(ctx.Context(), ctx.Session())
		rows := make([][]string, len(ps))
		for i, p := range ps {
			rows[i] = []string{tr(p.Level), activeText(p.Active), p.Name}
		}
		return rows, err
	}
	m.open = func(i int) *masterForm { p := ps[i]; return programForm(ctx, &p) }
	m.blank = func() *masterForm {
		return programForm(ctx, &record.Program{Level: record.ProgramLevels()[0], Active: true})
	}
	return m.init([]string{"実施主体", "状態", "支援策名"}, []float32{110, 80})
}

func programForm(ctx Host, p *record.Program) *masterForm {
	f := &masterForm{ff: widgets.NewFieldForm()}
	level, name := widgets.NewRadio(record.ProgramLevels()), widget.NewEntry()
	active := widget.NewCheck(tr("使用中"), nil)
	level.Set(p.Level)
	name.SetText(p.Name)
	active.SetChecked(p.Active)
	f.ff.Add("実施主体", level.Group)
	f.ff.Add("支援策名", name)
	f.ff.Add("状態", active)
	f.save = func() error {
		x := *p
		x.Level, x.Name, x.Active = level.Value(), widgets.Trimmed(name), active.Checked
		return ctx.Office().SaveProgram(ctx.Context(), ctx.Session(), &x)
	}
	return f
}

// newClosedDayTab is the 休業日 master: the office's own closed days
// (年末年始, …) beside the public holidays, which the calendar knows.
func newClosedDayTab(ctx Host) *masterTab {
	var cs []record.ClosedDay
	m := &masterTab{ctx: ctx, title: "休業日"}
	m.rows = func() ([][]string, error) {
		var err error
		cs, err = ctx.Office().ClosedDays(ctx.Context(), ctx.Session())
		rows := make([][]string, len(cs))
		for i, c := range cs {
			rows[i] = []string{c.From, c.To, activeText(c.Active), c.Name}
		}
		return rows, err
	}
	m.open = func(i int) *masterForm { c := cs[i]; return closedDayForm(ctx, &c) }
	m.blank = func() *masterForm { return closedDayForm(ctx, &record.ClosedDay{Active: true}) }
	return m.init([]string{"開始日", "終了日", "状態", "名称"}, []float32{120, 120, 80})
}

func closedDayForm(ctx Host, c *record.ClosedDay) *masterForm {
	f := &masterForm{ff: widgets.NewFieldForm()}
	name, from, to := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	active := widget.NewCheck(tr("使用中"), nil)
	name.SetText(c.Name)
	from.SetText(c.From)
	to.SetText(c.To)
	active.SetChecked(c.Active)
	name.SetPlaceHolder(tr("例: 年末年始"))
	from.SetPlaceHolder("2026-12-29")
	to.SetPlaceHolder(tr("1日だけなら空欄"))
	f.ff.Add("名称", name)
	f.ff.Add("開始日", widgets.Sized(from, 160))
	f.ff.Add("終了日", widgets.Sized(to, 160))
	f.ff.Add("状態", active)
	f.save = func() error {
		x := *c
		var err error
		if x.From, err = isoDate("開始日", widgets.Trimmed(from)); err != nil {
			return err
		}
		if x.To, err = isoDate("終了日", widgets.Trimmed(to)); err != nil {
			return err
		}
		x.Name, x.Active = widgets.Trimmed(name), active.Checked
		return ctx.Office().SaveClosedDay(ctx.Context(), ctx.Session(), &x)
	}
	return f
}

// isoDate reads a date as people type it (2026-12-29, 令和8年12月29日) as
// 2026-12-29; empty stays empty.
func isoDate(label, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	d, err := record.ParseDate(label, s)
	if err != nil {
		return "", err
	}
	return d.Format(time.DateOnly), nil
}
