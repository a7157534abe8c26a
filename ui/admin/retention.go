package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// retentionScreen is 「保存期間を過ぎた記録」: the records past their
// retention (ids, kinds, dates: never content) and their erasure, after a
// question that names the count, with a progress bar, and the 消去報告書
// to save.
type retentionScreen struct {
	ctx     Host
	log     *erasureLog
	table   *widgets.Table
	rules   *widget.Label
	status  *widget.Label
	busy    *widgets.Progress
	eraseB  *widget.Button
	rulesB  *widget.Button
	idsB    *widget.Button
	current office.RetentionRules
	expired []office.ExpiredRecord
}

// buildRetention builds the 「保存期間を過ぎた記録」 screen.
func buildRetention(ctx Host) fyne.CanvasObject {
	return widgets.NewPager(newRetentionScreen(ctx).object(), nil)
}

func newRetentionScreen(ctx Host) *retentionScreen {
	sc := &retentionScreen{ctx: ctx, rules: widget.NewLabel(""), status: widget.NewLabel(""), busy: widgets.NewProgress()}
	sc.rules.Wrapping, sc.status.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	sc.table = widgets.NewTable([]string{"番号", "種別", "基準日", "保存期限"}, []float32{150, 130, 120, 120}, nil)
	sc.eraseB = widget.NewButtonWithIcon(tr("消去…"), theme.DeleteIcon(), sc.askErase)
	sc.eraseB.Importance = widget.DangerImportance
	sc.rulesB = widget.NewButtonWithIcon(tr("保存期間を変える…"), theme.SettingsIcon(), sc.editRules)
	sc.idsB = widget.NewButtonWithIcon(tr("番号を指定して消去…"), theme.DeleteIcon(), sc.askEraseIDs)
	sc.log = newErasureLog(ctx)
	sc.refresh()
	return sc
}

func (sc *retentionScreen) object() fyne.CanvasObject {
	reload := widget.NewButtonWithIcon(tr("再読込"), theme.ViewRefreshIcon(), sc.refresh)
	top := container.NewVBox(widgets.Heading(tr("保存期間を過ぎた記録")), sc.rules,
		container.NewHBox(reload, sc.rulesB, sc.eraseB, sc.idsB), sc.status, sc.busy)
	expired := container.NewBorder(top, nil, nil, nil, sc.table.Object())
	return container.NewAppTabs(
		container.NewTabItem(tr("保存期間を過ぎた記録"), expired),
		container.NewTabItem(tr("消去の記録"), sc.log.object()))
}

// refresh reads the rules and the expired records off the UI goroutine.
func (sc *retentionScreen) refresh() {
	sc.eraseB.Disable()
	type listing struct {
		rules   office.RetentionRules
		expired []office.ExpiredRecord
	}
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (listing, error) {
		r, err := sc.ctx.Office().Retention(c, sc.ctx.Session())
		if err != nil {
			return listing{}, err
		}
		ex, err := sc.ctx.Office().Expired(c, sc.ctx.Session())
		return listing{r, ex}, err
	}, func(l listing, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		sc.show(l.rules, l.expired)
	}, widgets.WithProgress(sc.busy))
}

// show puts the rules and the list on screen.
func (sc *retentionScreen) show(r office.RetentionRules, ex []office.ExpiredRecord) {
	sc.expired, sc.current = ex, r
	sc.rules.SetText(tr("保存期間: 相談記録 %d年、予約 %d年、専門家派遣 %d年、セミナー申込 %d年（各記録の日付から）、事業者 最後の記録から %d年",
		r.Consultation, r.Reservation, r.Dispatch, r.Application, r.Business))
	rows := make([][]string, len(ex))
	for i, e := range ex {
		rows[i] = []string{e.ID, tr(record.Describe(e.Kind)), e.Last, e.Until}
	}
	sc.table.Set(rows)
	if len(ex) == 0 {
		sc.status.SetText(tr("保存期間を過ぎた記録はありません。"))
		sc.eraseB.Disable()
		return
	}
	sc.status.SetText(tr("%d件の記録が保存期間を過ぎています。", len(ex)))
	sc.eraseB.Enable()
}

// askErase plans the erasure of every listed record and asks, naming the
// count, before anything is erased.
func (sc *retentionScreen) askErase() {
	ids := make([]string, len(sc.expired))
	for i, e := range sc.expired {
		ids[i] = e.ID
	}
	sc.eraseB.Disable()
	sc.plan(ids, office.ReasonRetention, func() { sc.eraseB.Enable() })
}

// askEraseIDs asks for the numbers of records to erase on request (個別の
// 消去: a business that asks to be forgotten, with every record that
// belongs to it), then plans and asks again, naming the count.
func (sc *retentionScreen) askEraseIDs() {
	entry := widget.NewEntry()
	entry.SetPlaceHolder("B-0123456789, C-…")
	entry.Validator = func(v string) error {
		if len(splitRecordIDs(v)) == 0 {
			return errors.New(tr("消去する記録の番号を入れてください"))
		}
		return nil
	}
	d := dialog.NewForm(tr("番号を指定して消去"), tr("次へ"), tr("やめる"),
		[]*widget.FormItem{widget.NewFormItem(tr("記録の番号"), entry)}, func(ok bool) {
			if ok {
				sc.plan(splitRecordIDs(entry.Text), office.ReasonRequest, nil)
			}
		}, sc.ctx.Window())
	d.Resize(fyne.NewSize(520, 200))
	d.Show()
}

// splitRecordIDs splits record numbers separated by commas or spaces.
func splitRecordIDs(v string) []string {
	var out []string
	for _, id := range strings.FieldsFunc(record.FoldWidth(v), func(r rune) bool { return r == ',' || r == '、' || r == ' ' }) {
		out = append(out, strings.ToUpper(id))
	}
	return out
}

// plan plans the erasure of ids for reason and asks, naming the count,
// before anything is erased; done, when set, runs when the plan is back.
func (sc *retentionScreen) plan(ids []string, reason string, done func()) {
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (office.ErasePlan, error) {
		return sc.ctx.Office().PlanErase(c, sc.ctx.Session(), ids, reason)
	}, func(plan office.ErasePlan, err error) {
		if done != nil {
			done()
		}
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		msg := tr("%d件の記録（版数 計%d）を、このパソコンから消去します。中央サーバーとほかのパソコンからは次の同期で消去されます。消去した記録は元に戻せません。",
			len(plan.Items), plan.Versions())
		d := dialog.NewConfirm(tr("記録の消去"), msg, func(ok bool) {
			if ok {
				sc.erase(plan)
			}
		}, sc.ctx.Window())
		d.SetConfirmText(tr("%d件を消去する", len(plan.Items)))
		d.SetDismissText(tr("やめる"))
		d.Show()
	}, widgets.WithProgress(sc.busy))
}

// erase carries the plan out with the progress bar moving, then offers the
// 消去報告書 to save and lists again.
func (sc *retentionScreen) erase(plan office.ErasePlan) {
	sc.eraseB.Disable()
	sc.status.SetText(tr("消去しています…"))
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (office.ErasureResult, error) {
		return sc.ctx.Office().Erase(c, sc.ctx.Session(), plan)
	}, func(res office.ErasureResult, err error) {
		if err != nil {
			sc.status.SetText("")
			sc.ctx.ShowError(err)
			sc.refresh()
			return
		}
		hash := res.Order.Hash()
		sc.status.SetText(tr("%d件の記録（版数 計%d）を消去しました。消去報告書を保存してください。", len(plan.Items), res.Versions))
		name := fmt.Sprintf("消去報告書_%s.pdf", sc.ctx.Today().Format("2006-01-02"))
		sc.ctx.SavePDF(name, func(c context.Context) ([]byte, error) {
			return sc.ctx.Office().PrintErasureReport(c, sc.ctx.Session(), hash)
		})
		sc.refreshKeepStatus()
		sc.log.refresh()
	}, widgets.WithProgress(sc.busy))
}

// refreshKeepStatus lists again without replacing the status line.
func (sc *retentionScreen) refreshKeepStatus() {
	status := sc.status.Text
	widgets.Run(sc.ctx.Runner(), func(c context.Context) ([]office.ExpiredRecord, error) {
		return sc.ctx.Office().Expired(c, sc.ctx.Session())
	}, func(ex []office.ExpiredRecord, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		r, _ := sc.ctx.Office().Retention(sc.ctx.Context(), sc.ctx.Session())
		sc.show(r, ex)
		sc.status.SetText(status)
	})
}

// ruleFields are the rules in the order the screen names them.
func ruleFields(r *office.RetentionRules) []struct {
	label string
	years *int
} {
	return []struct {
		label string
		years *int
	}{
		{"相談記録（相談日から）", &r.Consultation}, {"予約（予約日から）", &r.Reservation},
		{"専門家派遣（実施日から）", &r.Dispatch}, {"セミナー申込（開催日から）", &r.Application},
		{"事業者（最後の記録から）", &r.Business},
	}
}

// editRules asks for new retention rules (years, 1 to 100 each) and saves
// them; the change is signed and reaches the other PCs at their next sync.
func (sc *retentionScreen) editRules() {
	rules := sc.current
	var items []*widget.FormItem
	var entries []*widget.Entry
	for _, f := range ruleFields(&rules) {
		e := widget.NewEntry()
		e.SetText(strconv.Itoa(*f.years))
		e.Validator = func(v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(record.FoldWidth(v)))
			if err != nil || n < 1 || n > 100 {
				return errors.New(tr("1 から 100 までの年数を入れてください"))
			}
			return nil
		}
		entries = append(entries, e)
		items = append(items, widget.NewFormItem(tr(f.label), e))
	}
	d := dialog.NewForm(tr("保存期間"), tr("保存する"), tr("やめる"), items, func(ok bool) {
		if !ok {
			return
		}
		for i, f := range ruleFields(&rules) {
			*f.years, _ = strconv.Atoi(strings.TrimSpace(record.FoldWidth(entries[i].Text)))
		}
		sc.saveRules(rules)
	}, sc.ctx.Window())
	d.Resize(fyne.NewSize(480, 360))
	d.Show()
}

// saveRules saves the rules off the UI goroutine and lists again.
func (sc *retentionScreen) saveRules(r office.RetentionRules) {
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (struct{}, error) {
		return struct{}{}, sc.ctx.Office().SetRetention(c, sc.ctx.Session(), r)
	}, func(_ struct{}, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		sc.status.SetText(tr("保存期間を変えました。ほかのパソコンには次の同期で届きます。"))
		sc.refreshKeepStatus()
	}, widgets.WithProgress(sc.busy))
}
