package admin

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestUsersScreen: the admin adds an account through the form, a password
// mismatch and a consultant grant by an admin without the case key are
// explained in Japanese, and an account is disabled.
func TestUsersScreen(t *testing.T) {
	f := newFixture(t)
	f.As("admin", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newUsersScreen(ctx)
		ctx.Window().SetContent(sc.pager)
		sc.pager.OnShortcut(widgets.ShortcutNew)
		uf := sc.edit
		test.Type(uf.login, "uketsuke2")
		test.Type(uf.name, "受付 四郎")
		uitest.TapOption(t, uf.roles.Group, uf.roles.Choices.Labels, "受付")
		test.Type(uf.pw1, "long-enough-pw")
		test.Type(uf.pw2, "long-enough-px")
		sc.pager.OnShortcut(widgets.ShortcutSave)
		if uf.ff.Errs["パスワード（確認）"].Hidden {
			t.Fatal("password mismatch not shown")
		}
		if !strings.Contains(uf.ff.General.Text, "パスワード（確認）") || ctx.Window().Canvas().Focused() != uf.pw2 {
			t.Errorf("mismatch: top line %q, focus on %T, want the confirmation field", uf.ff.General.Text, ctx.Window().Canvas().Focused())
		}
		uf.pw2.SetText("long-enough-pw")
		sc.pager.OnShortcut(widgets.ShortcutSave)
		if sc.edit != nil || len(sc.users) != 6 {
			t.Fatalf("user not added: %q", uf.ff.General.Text)
		}
		if got := ctx.LastNotice(); got != "利用者を保存しました：受付 四郎（uketsuke2）" {
			t.Errorf("after adding a user the window says %q", got)
		}
		i := indexOfUser(sc.users, "uketsuke2")
		sc.table.List.Select(i)
		test.Tap(uitest.Button(t, sc.pager.Top(), "無効にする"))
		if !sc.users[i].Disabled || sc.table.Rows[i][2] != "無効" {
			t.Fatalf("not disabled: %+v", sc.users[i])
		}
	})
}

// TestChangeRolesWithoutPassword: an admin demotes a consultant to
// reception without knowing or resetting their password.
func TestChangeRolesWithoutPassword(t *testing.T) {
	f := newFixture(t)
	f.As("admin", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newUsersScreen(ctx)
		ctx.Window().SetContent(sc.pager)
		i := indexOfUser(sc.users, "soudan")
		sc.open(i)
		uf := sc.edit
		test.Tap(uf.changeRoles)
		uf.roles.Set([]string{string(office.RoleReception)})
		sc.pager.OnShortcut(widgets.ShortcutSave)
		if sc.edit != nil {
			t.Fatalf("roles not changed: %q", uf.ff.General.Text)
		}
		if got := sc.users[indexOfUser(sc.users, "soudan")].Roles; len(got) != 1 || got[0] != office.RoleReception {
			t.Fatalf("roles after change: %v", got)
		}
	})
	f.As("soudan", func(s *office.Session) {
		if s.May(office.PermCase) {
			t.Fatal("demoted consultant still reads case content")
		}
	})
}

func indexOfUser(us []office.User, login string) int {
	for i, u := range us {
		if u.Login == login {
			return i
		}
	}
	return -1
}

// TestCannotGrantMessage: an admin without the case key cannot create a
// consultant, and the form says why.
func TestCannotGrantMessage(t *testing.T) {
	f := newFixture(t)
	f.As("admin", func(s *office.Session) {
		uitest.Must(t, f.Office().AddUser(context.Background(), s, office.NewUser{Login: "kanri2", Name: "管理 二", Roles: []office.Role{office.RoleAdmin}, Password: []byte(uitest.Password)}))
	})
	f.As("kanri2", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newUsersScreen(ctx)
		sc.add()
		uf := sc.edit
		test.Type(uf.login, "soudan2")
		test.Type(uf.name, "相談 二")
		uitest.TapOption(t, uf.roles.Group, uf.roles.Choices.Labels, "相談員")
		uf.pw1.SetText("long-enough-pw")
		uf.pw2.SetText("long-enough-pw")
		uf.save()
		if !strings.Contains(uf.ff.General.Text, "鍵を持たない管理者") {
			t.Fatalf("ErrCannotGrant not explained: %q", uf.ff.General.Text)
		}
	})
}

// TestMastersScreen: a coordinator adds a support program and a venue
// error is shown next to its field.
func TestMastersScreen(t *testing.T) {
	f := newFixture(t)
	f.As("coord", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		m := newProgramTab(ctx)
		m.pager.OnShortcut(widgets.ShortcutNew)
		name := m.form.ff.Errs["支援策名"]
		m.pager.OnShortcut(widgets.ShortcutSave)
		if name.Hidden || m.form == nil {
			t.Fatal("empty program name accepted")
		}
		formEntry(t, m.form.ff, "支援策名").SetText("雇用調整助成金")
		m.pager.OnShortcut(widgets.ShortcutSave)
		if m.form != nil || len(m.table.Rows) != 5 {
			t.Fatalf("program not saved: %d rows", len(m.table.Rows))
		}
		v := newVenueTab(ctx)
		v.show(v.open(0))
		formEntry(t, v.form.ff, "同時相談数").SetText("ふたつ")
		v.pager.OnShortcut(widgets.ShortcutSave)
		if v.form == nil || v.form.ff.Errs["同時相談数"].Hidden {
			t.Fatal("bad capacity accepted")
		}
	})
}

// formEntry finds the first entry in the row labelled label of ff.
func formEntry(t *testing.T, ff *widgets.FieldForm, label string) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	for _, it := range ff.Form.Items {
		if it.Text != label {
			continue
		}
		uitest.Walk(it.Widget, func(x fyne.CanvasObject) {
			if e, ok := x.(*widget.Entry); ok && found == nil {
				found = e
			}
		})
	}
	if found == nil {
		t.Fatalf("no entry %q", label)
	}
	return found
}

// TestStatsAndAudit: the supervisor sees a month's statistics with bars and
// the access log, and the chain check reports 正常.
func TestStatsAndAudit(t *testing.T) {
	f := newFixture(t)
	f.As("soudan", func(s *office.Session) {
		c, err := f.Office().DraftFromReservation(context.Background(), s, f.Reservation)
		uitest.Must(t, err)
		c.Case.Topics, c.Case.Summary, c.Status = []string{"制度の詳細"}, "概要", record.StConfirmed
		uitest.Must(t, f.Office().SaveConsultation(context.Background(), s, c))
	})
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		st := newStatsScreen(ctx)
		ctx.Wait() // the count runs off the UI goroutine
		if st.period() != "2026-10" || st.stats == nil || st.stats.Consultations != 1 {
			t.Fatalf("stats of %s: %+v", st.period(), st.stats)
		}
		st.kind.SetSelected("年度")
		if st.period() != "FY2026" {
			t.Errorf("year period %s", st.period())
		}
		test.Tap(st.runB)
		ctx.Wait()
		if st.runB.Disabled() || st.busy.Visible() || st.stats == nil || st.stats.Consultations != 1 || !strings.Contains(st.stats.Title, "年度") {
			t.Fatalf("year count: button disabled %v, busy %v, %+v", st.runB.Disabled(), st.busy.Visible(), st.stats)
		}
		au := newAuditScreen(ctx)
		ctx.Wait()
		if len(au.events) == 0 {
			t.Fatal("no events in the access log")
		}
		au.runVerify()
		ctx.Wait()
		if !strings.HasPrefix(au.verify.Text, "正常（") {
			t.Fatalf("verify: %q", au.verify.Text)
		}
	})
}
