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
	for i, d := range r.drafts {
		line := r.draftLines[i]
		reject := func(why string) {
			r.Rejected = append(r.Rejected, Rejected{Line: line, Name: d.name(), Reason: why})
		}
		bizID, why := pickBusiness(d.link, matches[i])
		if why != "" {
			reject(why)
			continue
		}
		venue, consultant := "", ""
		if d.link.Venue != "" {
			if venue = venueByName[foldName(d.link.Venue)]; venue == "" {
				reject(fmt.Sprintf("会場「%s」が会場の一覧にありません（先に会場を登録してください）", d.link.Venue))
				continue
			}
		}
		if d.link.Consultant != "" {
			if consultant = staffByName[foldName(d.link.Consultant)]; consultant == "" {
				reject(fmt.Sprintf("相談員「%s」が相談員・専門家の一覧にありません（先に登録してください）", d.link.Consultant))
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
			reject("承認済のまま取り込むことはできません（状態を確定にして取り込み、監督者があらためて承認してください）")
			continue
		case d.cons != nil:
			d.cons.BusinessID, d.cons.VenueID, d.cons.ConsultantID = bizID, venue, consultant
			if d.cons.Status == "" {
				d.cons.Status = record.StConfirmed
			}
			verr = d.cons.Validate()
		}
		if verr != nil {
			reject(reason(verr))
			continue
		}
		r.Linked = append(r.Linked, d.rec())
		r.Lines = append(r.Lines, line)
	}
	r.drafts, r.draftLines = nil, nil
	return nil
}

// pickBusiness chooses the one stored business a row names: by its phone
// number when the row gives one and exactly one business has it, else by
// its name. The reason is "" when one was found.
func pickBusiness(l link, found []office.BusinessSummary) (string, string) {
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
		return byPhone[0].ID, ""
	case len(byPhone) == 0 && len(byName) == 1:
		return byName[0].ID, ""
	case len(byPhone) > 1 || len(byName) > 1:
		return "", fmt.Sprintf("「%s」に当たる事業者が複数あります（電話番号の列で一つに絞ってください）", who)
	}
	return "", fmt.Sprintf("事業者「%s」が登録されていません（先に事業者の一覧を取り込んでください）", who)
}

// foldName is how names of venues and people are compared: widths folded,
// without spaces.
func foldName(s string) string {
	return strings.Join(strings.Fields(record.FoldWidth(s)), "")
}
