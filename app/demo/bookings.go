package demo

import (
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// bookings makes the past reservations with their consultation records (and
// some no-shows), spread evenly over the workdays so no consultant or room is
// booked twice. It calls emit with about every thousand records so a large
// demo never holds them all in memory.
func (g *gen) bookings(days []time.Time, emit func([]any) error) error {
	m := g.sz.Consultations
	total := m + m/11
	perDay := len(g.venues) * slotsPerDay
	capacity := len(days) * perDay
	var out []any
	made := 0
	for j := 0; j < total && made < m; j++ {
		k := j * capacity / max(total, 1)
		day := days[k/perDay]
		venue := (k / slotsPerDay) % len(g.venues)
		res := g.reservation(day, venue, k%slotsPerDay)
		if j%12 == 11 {
			res.Status = record.ResNoShow
			out = append(out, res)
		} else {
			res.Status = record.ResVisited
			out = append(out, res, g.consultation(res, day))
			made++
		}
		if len(out) >= bookingBatch {
			if err := emit(out); err != nil {
				return err
			}
			out = nil
		}
	}
	return emit(append(out, g.upcoming()...))
}

// bookingBatch is how many booking records the generator hands over at once.
const bookingBatch = 10000

func (g *gen) reservation(day time.Time, venue, slot int) *record.Reservation {
	start := day.Add(9*time.Hour + time.Duration(slot)*30*time.Minute)
	b := g.biz[g.pick(len(g.biz))]
	r := &record.Reservation{
		Date: day.Format("2006-01-02"), Start: start.Format("15:04"), End: start.Add(30 * time.Minute).Format("15:04"),
		VenueID: g.venues[venue].ID, ConsultantID: g.staff[venue].ID, BusinessID: b.ID,
		Channel: record.Channels()[g.pick(len(record.Channels()))], ReceivedOn: day.AddDate(0, 0, -g.pick(14)-1).Format("2006-01-02"),
		ReceivedBy: "uketsuke", Status: record.ResBooked,
		Checks: record.ReservationChecks{
			Subsidy: record.CheckAnswers()[g.pick(3)], Loan: record.CheckAnswers()[g.pick(3)],
			WantedProgram: programsText[g.pick(len(programsText))], VisitCount: 1 + g.pick(4),
		},
	}
	r.ID = record.NewID(record.KindReservation)
	r.CreatedAt = day.AddDate(0, 0, -1).UTC()
	return r
}

func (g *gen) consultation(res *record.Reservation, day time.Time) *record.Consultation {
	status := record.StApproved
	if age := g.today.Sub(day); age < 14*24*time.Hour {
		status = []string{record.StConfirmed, record.StConfirmed, record.StDraft}[g.pick(3)]
	}
	topic, prog := topicsText[g.pick(len(topicsText))], programsText[g.pick(len(programsText))]
	c := &record.Consultation{
		BusinessID: res.BusinessID, ReservationID: res.ID, ConsultantID: res.ConsultantID, VenueID: res.VenueID,
		Date: res.Date, Start: res.Start, End: res.End, Minutes: 30, Mode: record.Modes()[g.pick(3)],
		Category: record.Categories()[g.pick(4)], Status: status,
		Case: &record.ConsultationCase{
			Topics:     g.some(record.Topics()[:4], 2),
			Programs:   []string{g.programs[g.pick(len(g.programs))].ID},
			Troubles:   g.some(record.Troubles()[:5], 2),
			SalesDrop:  record.SalesDrops()[g.pick(4)],
			Summary:    topic + "について相談。",
			Guidance:   prog + "の概要を説明した。",
			Impression: impressions[g.pick(len(impressions))],
		},
	}
	if g.pick(8) == 0 {
		c.Case.Loan = record.Loan{Lender: "日本政策金融公庫", Amount: int64(100+g.pick(50)*10) * 10000, Purpose: "運転資金", Status: record.LoanStatuses()[g.pick(4)]}
	}
	c.ID = record.NewID(record.KindConsultation)
	c.CreatedAt = day.UTC()
	return c
}

// some picks up to n distinct items of list, at least one.
func (g *gen) some(list []string, n int) []string {
	k := 1 + g.pick(n)
	start := g.pick(len(list))
	out := make([]string, 0, k)
	for i := 0; i < k; i++ {
		out = append(out, list[(start+i)%len(list)])
	}
	return out
}

// upcoming makes today's schedule (some visitors already in) and the next
// few days' reservations.
func (g *gen) upcoming() []any {
	var out []any
	for d := 0; d < 8; d++ {
		day := g.today.AddDate(0, 0, d)
		if d > 0 && !workday(day) {
			continue // the office is closed; today is shown whatever day it is
		}
		for v := range g.venues[:min(3, len(g.venues))] {
			for slot := 0; slot < slotsPerDay; slot += 3 + g.pick(2) {
				r := g.reservation(day, v, slot)
				if d == 0 && slot < 4 {
					r.Status = record.ResVisited
				}
				out = append(out, r)
			}
		}
	}
	return out
}

func (g *gen) dispatch(i int) *record.Dispatch {
	req := g.today.AddDate(0, 0, -g.pick(300)-1)
	st := record.DispatchStatuses()[g.pick(4)]
	d := &record.Dispatch{
		BusinessID: g.biz[g.pick(len(g.biz))].ID, AdviserID: g.advisers[i%len(g.advisers)].ID,
		Theme: topicsText[g.pick(len(topicsText))] + "の助言", RequestedOn: req.Format("2006-01-02"), Status: st, Hours: 2,
		Case: &record.DispatchCase{Report: "現地で" + topicsText[g.pick(len(topicsText))] + "について助言した。"},
	}
	if st != record.DisRequested {
		d.ApprovedOn = req.AddDate(0, 0, 3).Format("2006-01-02")
	}
	if st == record.DisHeld || st == record.DisDone {
		d.HeldOn = req.AddDate(0, 0, 14).Format("2006-01-02")
	}
	d.ID = record.NewID(record.KindDispatch)
	return d
}

func (g *gen) seminars() []any {
	var out []any
	titles := []string{"はじめての補助金申請", "インボイス制度の実務", "SNSで販路拡大", "事業承継の進め方", "資金繰り表の作り方", "創業セミナー"}
	for i, title := range titles {
		day := g.today.AddDate(0, 0, (i-3)*14)
		s := &record.Seminar{Title: title, Date: day.Format("2006-01-02"), Start: "14:00", End: "16:00",
			VenueID: g.venues[0].ID, Capacity: 20, Lecturer: g.advisers[i%len(g.advisers)].Name}
		s.ID = record.NewID(record.KindSeminar)
		out = append(out, s)
		for a := 0; a < 8+g.pick(15); a++ {
			b := g.biz[g.pick(len(g.biz))]
			name, _ := g.person()
			app := &record.Application{SeminarID: s.ID, BusinessID: b.ID, BusinessName: b.Name, PersonName: name,
				Phone: b.Phone, Email: b.Email, AppliedOn: day.AddDate(0, 0, -10+a%7).Format("2006-01-02"), Status: record.AppApplied}
			if a >= s.Capacity {
				app.Status = record.AppWaiting
			}
			if i < 3 && app.Status == record.AppApplied {
				app.Status = []string{record.AppAttended, record.AppAttended, record.AppAbsent}[g.pick(3)]
			}
			app.ID = record.NewID(record.KindApplication)
			out = append(out, app)
		}
	}
	return out
}
