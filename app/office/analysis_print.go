package office

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// PrintAccessAnalysis renders the access-log analysis of month
// (AnalyseAccess, which logs the opening) as a PDF, with a ledger row and
// a print event like every print.
func (o *Office) PrintAccessAnalysis(ctx context.Context, s *Session, month string) ([]byte, error) {
	a, err := o.AnalyseAccess(ctx, s, month)
	if err != nil {
		return nil, err
	}
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return nil, err
	}
	defer w.end()
	in := a.Report()
	return o.print(w, printed{content: in.Title, object: a.Month.String()},
		func(f reports.Footer) ([]byte, error) { return o.render.AccessAnalysis(in, f) })
}

// Stamp writes an instant as the analysis shows it: "2026-09-05 21:03" in
// Japan time, "—" for zero.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(record.JST()).Format("2006-01-02 15:04")
}

// personName writes "name（login）", the login alone for an id that names
// no one, and 登録のないログインID for the failed logins of such ids.
func (a *AccessAnalysis) personName(login string) string {
	if login == "" {
		return "登録のないログインID"
	}
	if n, ok := a.Names[login]; ok {
		return n + "（" + login + "）"
	}
	return login
}

// Report is the analysis as the PDF prints it, in Japanese.
func (a *AccessAnalysis) Report() reports.AnalysisInput {
	m := a.Month
	last := m.End().AddDate(0, 0, -1)
	in := reports.AnalysisInput{
		Title:  fmt.Sprintf("アクセスログ分析（%d年%d月）", m.Year, int(m.Month)),
		Period: fmt.Sprintf("%s〜%s", m.Start().Format("2006-01-02"), last.Format("2006-01-02")),
		Hours:  "平日 " + a.Hours.String() + "（土日・祝日は終日時間外）",
		Events: a.Events,
	}
	n := strconv.Itoa
	bulk := reports.AnalysisSection{Title: "大量閲覧", Columns: []string{"利用者", "開始", "終了", "記録数"}, Widths: []float64{70, 40, 40, 30},
		Criterion: fmt.Sprintf("%d分以内に%d件以上の異なる記録を閲覧したもの", int(audit.BulkViewWindow.Minutes()), audit.BulkViewRecords),
		Empty:     "該当はありません。"}
	for _, x := range a.BulkViews {
		bulk.Rows = append(bulk.Rows, []string{a.personName(x.User), Stamp(x.From), Stamp(x.To), n(x.Records)})
	}
	outside := reports.AnalysisSection{Title: "時間外の操作", Columns: []string{"利用者", "最初", "最後", "操作数"}, Widths: []float64{70, 40, 40, 30},
		Criterion: "勤務時間外・土日・祝日の操作（1人1日1行）", Empty: "該当はありません。"}
	for _, x := range a.Outside {
		outside.Rows = append(outside.Rows, []string{a.personName(x.User), Stamp(x.First), Stamp(x.Last), n(x.Events)})
	}
	logins := reports.AnalysisSection{Title: "ログイン失敗・ロック", Columns: []string{"ログインID", "失敗", "ロック", "最初", "最後"},
		Widths:    []float64{60, 20, 20, 40, 40},
		Criterion: fmt.Sprintf("同じログインIDで%d回以上の失敗、またはロック", audit.FailedLoginsReported), Empty: "該当はありません。"}
	for _, x := range a.FailedLogins {
		logins.Rows = append(logins.Rows, []string{a.personName(x.Login), n(x.Failures), n(x.Lockouts), Stamp(x.First), Stamp(x.Last)})
	}
	outputs := reports.AnalysisSection{Title: "印刷・書き出し", Columns: []string{"利用者", "印刷", "書き出し", "最後"}, Widths: []float64{80, 30, 30, 40},
		Criterion: "利用者ごとの件数", Empty: "印刷・書き出しはありません。"}
	for _, x := range a.Outputs {
		outputs.Rows = append(outputs.Rows, []string{a.personName(x.User), n(x.Prints), n(x.Exports), Stamp(x.Last)})
	}
	in.Sections = []reports.AnalysisSection{bulk, outside, logins, outputs, a.deviceSection(), a.chainSection()}
	return in
}

// deviceSection lists the devices that have not synced.
func (a *AccessAnalysis) deviceSection() reports.AnalysisSection {
	s := reports.AnalysisSection{Title: "同期していない端末", Columns: []string{"端末", "最後の同期"}, Widths: []float64{120, 60},
		Criterion: fmt.Sprintf("%s時点で%d日を超えて同期していない端末", Stamp(a.AsOf), int(audit.StaleSync.Hours()/24)),
		Empty:     "該当はありません。"}
	if !a.Synced {
		s.Empty = "同期情報なし（この端末は中央サーバーと同期していません）"
	}
	for _, d := range a.Devices {
		if d.Stale {
			s.Rows = append(s.Rows, []string{deviceLabel(d.Device, d.This), Stamp(d.LastContact)})
		}
	}
	return s
}

// chainSection lists the chains that do not verify.
func (a *AccessAnalysis) chainSection() reports.AnalysisSection {
	s := reports.AnalysisSection{Title: "改ざん・チェックポイントの問題", Columns: []string{"端末", "内容"}, Widths: []float64{60, 120},
		Criterion: fmt.Sprintf("%d台の端末のログを検証", len(a.Chains)), Empty: "問題はありません。"}
	for _, c := range a.Chains {
		if c.Broken != nil {
			s.Rows = append(s.Rows, []string{deviceLabel(c.Device, c.This), c.Broken.Error()})
		}
	}
	return s
}

// deviceLabel is a device id, marked when it is this PC.
func deviceLabel(id string, this bool) string {
	if this {
		return id + "（この端末）"
	}
	return id
}
