package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// link finds, for every row of a reservation or consultation file, its
// business in the vault (one business with the row's name or phone
// number, as the registration form's duplicate check finds them), its
// venue and consultant (by name in the masters), and then validates the
// record; a row that names no business, or more than one, or a venue or
// consultant the masters do not have, is rejected with the reason.
func (r *Rehearsal) link(ctx context.Context, o *office.Office, s *office.Session) error {
	probe := make([]*record.Business, len(r.drafts))
	for i, d := range r.drafts {
		probe[i] = &record.Business{Name: d.link.Name, Phone: d.link.Phone}
	}
	matches, err := o.ImportDuplicates(ctx, s, probe)
	if err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	venues, err := o.Venues(ctx, s)
	if err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	staff, err := o.Staff(ctx, s)
	if err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	venueByName := map[string]string{}
	for _, v := range venues {
		venueByName[foldName(v.Name)] = v.ID
	}
	staffByName := map[string]string{}
	for _, p := range staff {
		staffByName[foldName(p.Name)] = p.ID
	}
	seenDays := map[string][]office.ConsultationSummary{}
	for i, d := range r.drafts {
		line := r.draftLines[i]
		reject := func(why reason) { r.Rejected = append(r.Rejected, rejected(line, d.name(), why)) }
		bizID, why := pickBusiness(d.link, matches[i])
		if why.ja != "" {
			reject(why)
			continue
		}
		venue, consultant := "", ""
		if d.link.Venue != "" {
			if venue = venueByName[foldName(d.link.Venue)]; venue == "" {
				reject(reason{fmt.Sprintf("会場「%s」が会場の一覧にありません（先に会場を登録してください）", d.link.Venue),
					fmt.Sprintf("Venue %q is not in the list of venues (register it first).", d.link.Venue)})
				continue
			}
		}
		if d.link.Consultant != "" {
			if consultant = staffByName[foldName(d.link.Consultant)]; consultant == "" {
				reject(reason{fmt.Sprintf("相談員「%s」が相談員・専門家の一覧にありません（先に登録してください）", d.link.Consultant),
					fmt.Sprintf("Consultant %q is not in the list of consultants and advisers (register them first).", d.link.Consultant)})
				continue
			}
		}
		var verr error
		switch {
		case d.res != nil:
			d.res.BusinessID, d.res.VenueID, d.res.ConsultantID = bizID, venue, consultant
			if d.res.Status == "" {
				d.res.Status = record.ResBooked
			}
			verr = d.res.Validate()
		case d.cons != nil && d.cons.Status == record.StApproved:
			reject(reason{"承認済のまま取り込むことはできません（状態を確定にして取り込み、監督者があらためて承認してください）",
				"An approved record cannot be imported as approved (import it as confirmed, and a supervisor approves it again)."})
			continue
		case d.cons != nil:
			d.cons.BusinessID, d.cons.VenueID, d.cons.ConsultantID = bizID, venue, consultant
			if d.cons.Status == "" {
				d.cons.Status = record.StConfirmed
			}
			verr = d.cons.Validate()
		}
		if verr != nil {
			reject(reasonOf(verr))
			continue
		}
		if d.cons != nil {
			same, err := storedConsultation(ctx, o, s, d.cons, seenDays)
			if err != nil {
				return err
			}
			if same != "" {
				r.Rejected = append(r.Rejected, duplicate(line, d.name(), reason{
					fmt.Sprintf("登録済みの相談記録（%s）と同じようです（事業者、相談日と開始時刻が同じです）", same),
					fmt.Sprintf("Looks like the stored consultation %s (the same business, day and start).", same)}))
				continue
			}
		}
		r.Linked = append(r.Linked, d.rec())
		r.Lines = append(r.Lines, line)
		r.names = append(r.names, d.name())
	}
	r.drafts, r.draftLines = nil, nil
	return r.checkBookings(ctx, o, s, venues)
}

// checkBookings rejects the reservations that the counter would refuse:
// their consultant busy or their venue full at that time, by a stored
// reservation or by an earlier row of the file.
func (r *Rehearsal) checkBookings(ctx context.Context, o *office.Office, s *office.Session, venues []record.Venue) error {
	var rs []*record.Reservation
	for _, x := range r.Linked {
		if res, ok := x.(*record.Reservation); ok {
			rs = append(rs, res)
		}
	}
	if len(rs) == 0 {
		return nil
	}
	problems, err := o.BookingProblems(ctx, s, rs)
	if err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	capacity := map[string]int{}
	for _, v := range venues {
		capacity[v.ID] = max(v.Capacity, 1)
	}
	type taken struct {
		line       int
		start, end string
	}
	byVenue, byStaff := map[string][]taken{}, map[string][]taken{}
	clash := func(list []taken, res *record.Reservation) []taken {
		var out []taken
		for _, t := range list {
			if record.Overlaps(t.start, t.end, res.Start, res.End) {
				out = append(out, t)
			}
		}
		return out
	}
	var kept []any
	var lines []int
	for i, res := range rs {
		line := r.Lines[i]
		var why reason
		if problems[i] != nil {
			why = reasonOf(problems[i])
		} else if res.Active() {
			if c := clash(byStaff[res.ConsultantID+"|"+res.Date], res); res.ConsultantID != "" && len(c) > 0 {
				why = reason{fmt.Sprintf("相談員の予約がファイルの%d行目と重なります", c[0].line),
					fmt.Sprintf("The consultant is booked by line %d of the file at the same time.", c[0].line)}
			} else if c := clash(byVenue[res.VenueID+"|"+res.Date], res); len(c) >= capacity[res.VenueID] {
				why = reason{fmt.Sprintf("会場がファイルの%d行目の予約で埋まっています（定員 %d）", c[0].line, capacity[res.VenueID]),
					fmt.Sprintf("The venue is full with line %d of the file (capacity %d).", c[0].line, capacity[res.VenueID])}
			}
		}
		if why.ja != "" {
			r.Rejected = append(r.Rejected, rejected(line, r.names[i], why))
			continue
		}
		if res.Active() {
			t := taken{line, res.Start, res.End}
			byVenue[res.VenueID+"|"+res.Date] = append(byVenue[res.VenueID+"|"+res.Date], t)
			if res.ConsultantID != "" {
				byStaff[res.ConsultantID+"|"+res.Date] = append(byStaff[res.ConsultantID+"|"+res.Date], t)
			}
		}
		kept, lines = append(kept, res), append(lines, line)
	}
	r.Linked, r.Lines, r.names = kept, lines, nil
	return nil
}

// pickBusiness chooses the one stored business a row names: by its phone
// number when the row gives one and exactly one business has it, else by
// its name. The reason is empty when one was found.
func pickBusiness(l link, found []office.BusinessSummary) (string, reason) {
	who := l.Name
	if who == "" {
		who = l.Phone
	}
	var byPhone, byName []office.BusinessSummary
	for _, b := range found {
		if l.Phone != "" && record.NormalizePhone(b.Phone) == record.NormalizePhone(l.Phone) {
			byPhone = append(byPhone, b)
		}
		if l.Name != "" && record.NormalizeName(b.Name) == record.NormalizeName(l.Name) {
			byName = append(byName, b)
		}
	}
	switch {
	case len(byPhone) == 1:
		return byPhone[0].ID, reason{}
	case len(byPhone) == 0 && len(byName) == 1:
		return byName[0].ID, reason{}
	case len(byPhone) > 1 || len(byName) > 1:
		return "", reason{fmt.Sprintf("「%s」に当たる事業者が複数あります（電話番号の列で一つに絞ってください）", who),
			fmt.Sprintf("Several businesses match %q (narrow it down with the phone number column).", who)}
	}
	return "", reason{fmt.Sprintf("事業者「%s」が登録されていません（先に事業者の一覧を取り込んでください）", who),
		fmt.Sprintf("Business %q is not registered (import the list of businesses first).", who)}
}

// foldName is how names of venues and people are compared: widths folded,
// without spaces.
func foldName(s string) string {
	return strings.Join(strings.Fields(record.FoldWidth(s)), "")
}

// storedConsultation returns the id of a stored consultation of the same
// business, day and start as c ("" when there is none), reading each
// business's day once.
func storedConsultation(ctx context.Context, o *office.Office, s *office.Session, c *record.Consultation, days map[string][]office.ConsultationSummary) (string, error) {
	key := c.BusinessID + "|" + c.Date
	list, ok := days[key]
	if !ok {
		var err error
		list, err = o.Consultations(ctx, s, office.ConsultationFilter{BusinessID: c.BusinessID, From: c.Date, To: c.Date})
		if err != nil {
			return "", fmt.Errorf("rehearse: %w", err)
		}
		days[key] = list
	}
	for _, x := range list {
		if x.Start == c.Start {
			return x.ID, nil
		}
	}
	return "", nil
}
