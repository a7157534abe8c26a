package casework

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestConsultListPrintsListedSheets: a coordinator prints the two listed
// records' 相談票 in one PDF; a consultant has no such button; more than
// maxSheetBatch listed asks first.
func TestConsultListPrintsListedSheets(t *testing.T) {
	f := newFixture(t)
	f.As("soudan", func(s *office.Session) {
		r := &record.Reservation{Date: "2026-10-01", Start: "13:00", End: "14:00", VenueID: f.Venue, ConsultantID: f.Consultant,
			BusinessID: f.Business, Channel: "窓口", Checks: record.ReservationChecks{VisitCount: 2}}
		uitest.Must(t, f.Office().SaveReservation(context.Background(), s, r))
		_, err := f.Office().SetReservationStatus(context.Background(), s, r.ID, record.ResVisited)
		uitest.Must(t, err)
		for _, id := range []string{f.Reservation, r.ID} {
			c, err := f.Office().DraftFromReservation(context.Background(), s, id)
			uitest.Must(t, err)
			c.Case.Summary, c.Status = "概要", record.StConfirmed
			uitest.Must(t, f.Office().SaveConsultation(context.Background(), s, c))
		}
		if sc := newConsultScreen(f.Host(s, fyne.NewSize(1100, 760))); sc.printAll != nil {
			t.Error("a consultant sees 表示中の相談票をまとめて印刷")
		}
	})
	f.As("coord", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1100, 760))
		sc := newConsultScreen(ctx)
		ctx.Wait()
		ctx.Window().SetContent(sc.pager)
		if len(sc.rows) != 2 {
			t.Fatalf("listed %d records, want 2", len(sc.rows))
		}
		name, _ := uitest.TapForPDF(t, ctx, uitest.FindButton(t, ctx.Window().Content(), "表示中の相談票をまとめて印刷"))
		if name != "相談票_20260901-20261001.pdf" {
			t.Errorf("file name %q", name)
		}
		rows := sc.rows
		for len(sc.rows) <= maxSheetBatch {
			sc.rows = append(sc.rows, rows...)
		}
		test.Tap(sc.printAll)
		top := ctx.Window().Canvas().Overlays().Top()
		if top == nil || !uitest.HasLabel(top, tr("一度に印刷できるのは %d 件までです。表示中の %d 件のうち、新しい順に %d 件を印刷します。残りは期間などを絞り込んで印刷してください。",
			maxSheetBatch, len(sc.rows), maxSheetBatch)) {
			t.Fatal("no question before printing more than maxSheetBatch")
		}
		widgets.CloseTopOverlay(ctx.Window().Canvas())
		ctx.Wait()
	})
}

// TestPDFNamesSayWhatTheyAre: the saved PDFs are named for the business
// or seminar and the date, never by an id.
func TestPDFNamesSayWhatTheyAre(t *testing.T) {
	f := newFixture(t)
	f.As("soudan", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1100, 760))
		sc := newConsultScreen(ctx)
		ctx.Wait()
		ctx.Window().SetContent(sc.pager)
		name, _ := uitest.TapForPDF(t, ctx, uitest.Button(t, sc.visited, "空欄の相談票"))
		if name != "相談票（記入用）_テスト商店_20261001.pdf" {
			t.Errorf("blank sheet: %q", name)
		}
		c, err := f.Office().DraftFromReservation(context.Background(), s, f.Reservation)
		uitest.Must(t, err)
		c.Case.Summary, c.Status = "概要", record.StConfirmed
		uitest.Must(t, f.Office().SaveConsultation(context.Background(), s, c))
		sc.show(c)
		name, _ = uitest.TapForPDF(t, ctx, uitest.Button(t, sc.pager.Top(), "相談票を印刷"))
		if name != "相談票_テスト商店_20261001.pdf" {
			t.Errorf("sheet: %q", name)
		}
	})
	f.As("coord", func(s *office.Session) {
		sem := &record.Seminar{Title: "創業塾: 資金計画", Date: "2026-10-20", Start: "14:00", End: "16:00", Capacity: 10, Online: true}
		uitest.Must(t, f.Office().SaveSeminar(context.Background(), s, sem))
		ctx := f.Host(s, fyne.NewSize(1100, 760))
		sc := newSeminarScreen(ctx)
		ctx.Window().SetContent(sc.pager)
		sc.table.List.Select(0)
		name, _ := uitest.TapForPDF(t, ctx, uitest.Button(t, sc.pager.Top(), "出席者名簿を印刷"))
		if name != "出席者名簿_創業塾： 資金計画_20261020.pdf" {
			t.Errorf("attendance: %q", name)
		}
	})
}
