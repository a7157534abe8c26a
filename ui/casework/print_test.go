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
		if name != "相談票_2026-09-01_2026-10-01.pdf" {
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
