package office

import (
	"context"
	"fmt"
	"slices"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// ixMerged holds, on a merged business, the id of the business it was merged into.
const ixMerged = "merged"

// MergeBusiness records that business from is the same as business into (a
// duplicate entered twice, perhaps on two offline PCs). Nothing is deleted:
// from gets a new version marked MergedInto, both keep their histories, and
// the reservations and consultation records of from are listed under into
// from then on. Searches stop showing from.
func (o *Office) MergeBusiness(ctx context.Context, s *Session, from, into string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return err
	}
	if from == into {
		return &record.FieldError{Field: "統合先", Msg: "同じ事業者どうしは統合できません", En: "Merge into: a business cannot be merged into itself."}
	}
	target, err := o.business(s, into, false)
	if err != nil {
		return err
	}
	if target.MergedInto != "" {
		return &record.FieldError{Field: "統合先", Msg: "統合先の事業者はすでに別の事業者に統合されています", En: "Merge into: that business was already merged into another."}
	}
	b, err := o.business(s, from, false)
	if err != nil {
		return err
	}
	b.MergedInto = into
	o.stamp(s, &b.Meta, record.KindBusiness)
	rev, err := o.saveParts(s, b.Rev, audit.ActUpdate, "business merged into "+into,
		part{id: b.ID, kind: string(record.KindBusiness), value: b, terms: businessTerms(b)})
	if err != nil {
		return fmt.Errorf("merge %s into %s: %w", from, into, err)
	}
	b.Rev = rev
	return nil
}

// businessIDs returns a business's id and the ids of the businesses merged into it.
func (o *Office) businessIDs(id string) ([]string, error) {
	merged, err := o.store.Find(ixMerged, id)
	if err != nil {
		return nil, fmt.Errorf("find merged businesses: %w", err)
	}
	return append([]string{id}, merged...), nil
}

// idsOfBusiness returns the ids of the records that belong to a business,
// including those of businesses merged into it.
func (o *Office) idsOfBusiness(id string) ([]string, error) {
	bids, err := o.businessIDs(id)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, b := range bids {
		found, err := o.store.Find(ixBusiness, b)
		if err != nil {
			return nil, fmt.Errorf("find records of %s: %w", b, err)
		}
		ids = append(ids, found...)
	}
	slices.Sort(ids)
	return ids, nil
}
