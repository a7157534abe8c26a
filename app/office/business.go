package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Index names used in the store. Plain indexes live inside the encrypted
// store; case text is indexed only through keyed (blind) tokens.
const (
	ixName      = "name"   // bigrams of the normalised business name
	ixKana      = "kana"   // bigrams of the normalised フリガナ
	ixNameExact = "namex"  // whole normalised name, for duplicate detection
	ixPhone     = "phone"  // whole normalised phone number
	ixPhone4    = "phone4" // every 4-digit window of the phone number
	ixBusiness  = "biz"    // business id, on records that belong to a business
	ixDate      = "date"   // ISO date of reservations, consultations, seminars
	ixStaff     = "staff"  // consultant/adviser id + "|" + date
	ixVenue     = "venue"  // venue id + "|" + date
	ixStatus    = "status" // status of consultations and dispatches
	ixSeminar   = "seminar"
	ixBlind     = "blind" // HMAC(search key, bigram) tokens over case text
	ixResv      = "resv"  // reservation id on consultation records
)

// BusinessSummary is what lists and duplicate warnings show of a business.
type BusinessSummary struct {
	ID, Name, Kana, Phone, City string
}

func summarize(b *record.Business) BusinessSummary {
	return BusinessSummary{ID: b.ID, Name: b.Name, Kana: b.Kana, Phone: b.Phone, City: b.City}
}

func businessTerms(b *record.Business) []local.Term {
	var t []local.Term
	name := record.NormalizeName(b.Name)
	for _, g := range record.Bigrams(name) {
		t = append(t, local.Term{Index: ixName, Value: g})
	}
	for _, g := range record.Bigrams(record.NormalizeKana(b.Kana)) {
		t = append(t, local.Term{Index: ixKana, Value: g})
	}
	if name != "" {
		t = append(t, local.Term{Index: ixNameExact, Value: name})
	}
	if b.MergedInto != "" {
		t = append(t, local.Term{Index: ixMerged, Value: b.MergedInto})
	}
	if p := record.NormalizePhone(b.Phone); p != "" {
		t = append(t, local.Term{Index: ixPhone, Value: p})
		for _, w := range windows(p, 4) {
			t = append(t, local.Term{Index: ixPhone4, Value: w})
		}
	}
	return t
}

// windows returns the unique substrings of s of n bytes (s is ASCII digits).
func windows(s string, n int) []string {
	if len(s) < n {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for i := 0; i+n <= len(s); i++ {
		if w := s[i : i+n]; !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// SaveBusinessOptions tune SaveBusiness.
type SaveBusinessOptions struct {
	// AllowDuplicate registers a new business even though it looks like an
	// existing one (the person looked at the matches and said it differs).
	AllowDuplicate bool
}

// SaveBusiness creates (empty ID) or updates a business. A new business that
// has the same normalised name or phone number as an existing one is refused
// with a *DuplicateError listing them, unless opt.AllowDuplicate. An update
// must carry the Rev it was read at. The case part (date of birth) is
// written only when b.Case is set and the person holds the case key.
func (o *Office) SaveBusiness(ctx context.Context, s *Session, b *record.Business, opt SaveBusinessOptions) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return err
	}
	b.Postal = record.NormalizePostal(b.Postal)
	if err := b.Validate(); err != nil {
		return err
	}
	if b.ID == "" && !opt.AllowDuplicate {
		matches, err := o.similar(s, b)
		if err != nil {
			return err
		}
		if len(matches) > 0 {
			return &DuplicateError{Matches: matches}
		}
	}
	creating := o.stamp(s, &b.Meta, record.KindBusiness)
	parts := []part{{id: b.ID, kind: string(record.KindBusiness), value: b, terms: businessTerms(b)}}
	if b.Case != nil && s.May(PermCase) {
		parts = append(parts, part{id: b.ID + caseSuffix, kind: caseKind(record.KindBusiness), value: b.Case})
	}
	rev, err := o.saveParts(s, expect(creating, b.Rev), actionFor(creating), "business", parts...)
	if err != nil {
		if creating {
			b.ID = ""
		}
		return err
	}
	b.Rev = rev
	return nil
}

func expect(creating bool, rev string) string {
	if creating {
		return ""
	}
	return rev
}

// SimilarBusinesses lists existing businesses with the same normalised name
// or phone number as b (ignoring b itself): the duplicate warning that a
// registration form shows while the person types.
func (o *Office) SimilarBusinesses(ctx context.Context, s *Session, b *record.Business) ([]BusinessSummary, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	return o.similar(s, b)
}

func (o *Office) similar(s *Session, b *record.Business) ([]BusinessSummary, error) {
	var ids []string
	if n := record.NormalizeName(b.Name); n != "" {
		found, err := o.store.Find(ixNameExact, n)
		if err != nil {
			return nil, fmt.Errorf("find similar: %w", err)
		}
		ids = append(ids, found...)
	}
	if p := record.NormalizePhone(b.Phone); p != "" {
		found, err := o.store.Find(ixPhone, p)
		if err != nil {
			return nil, fmt.Errorf("find similar: %w", err)
		}
		ids = append(ids, found...)
	}
	var out []BusinessSummary
	for _, id := range sortedUnique(ids) {
		if id == b.ID {
			continue
		}
		var other record.Business
		if _, err := o.load(s, id, record.KindBusiness, &other); err != nil {
			return nil, err
		}
		if other.MergedInto == "" {
			out = append(out, summarize(&other))
		}
	}
	return out, nil
}

// Business reads a business. Its case part (date of birth) is filled only for
// a person with the case key, and that view is logged.
func (o *Office) Business(ctx context.Context, s *Session, id string) (*record.Business, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	return o.business(s, id, true)
}

func (o *Office) business(s *Session, id string, withCase bool) (*record.Business, error) {
	var b record.Business
	rev, err := o.load(s, id, record.KindBusiness, &b)
	if err != nil {
		return nil, err
	}
	b.Rev = rev
	if withCase && s.May(PermCase) {
		var c record.BusinessCase
		ok, err := o.loadCase(s, id, record.KindBusiness, &c)
		if err != nil {
			return nil, err
		}
		if ok {
			b.Case = &c
			if err := o.logRead(audit.ActViewCase, id, "business"); err != nil {
				return nil, err
			}
		}
	}
	return &b, nil
}

// BusinessHistory returns every saved version of a business's contact part,
// oldest first.
func (o *Office) BusinessHistory(ctx context.Context, s *Session, id string) ([]record.Business, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	bs, revs, err := history[record.Business](o, s, id, record.KindBusiness)
	for i := range bs {
		bs[i].Rev = revs[i]
	}
	return bs, err
}

// Businesses lists every business (merged ones excluded), by フリガナ. It
// reads without holding the office.
func (o *Office) Businesses(ctx context.Context, s *Session) ([]BusinessSummary, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	ids, err := o.store.IDs(string(record.KindBusiness))
	if err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	// One record at a time: only the summaries stay (a list of 20,000
	// whole records would hold tens of MB at once).
	out := make([]BusinessSummary, 0, len(ids))
	for _, id := range ids {
		if err := ctxErr(w.ctx); err != nil {
			return nil, err
		}
		var b record.Business
		if _, err := o.load(s, id, record.KindBusiness, &b); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		if b.MergedInto == "" {
			out = append(out, summarize(&b))
		}
	}
	sortSummaries(out)
	return out, nil
}

// sortSummaries sorts by normalised フリガナ, then id. Each key is
// normalised once (not at every comparison).
func sortSummaries(out []BusinessSummary) {
	type keyed struct {
		key string
		s   BusinessSummary
	}
	ks := make([]keyed, len(out))
	for i, b := range out {
		ks[i] = keyed{record.NormalizeKana(b.Kana) + b.ID, b}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i := range ks {
		out[i] = ks[i].s
	}
}
