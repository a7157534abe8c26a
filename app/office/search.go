package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Hit is one search result.
type Hit struct {
	ID     string      `json:"id"`
	Kind   record.Kind `json:"kind"`
	Title  string      `json:"title"`  // 事業所名, or for a consultation the business and date
	Detail string      `json:"detail"` // フリガナ, phone, or the consultation's status
	// Address is a business's 所在地 (prefecture, city and the rest), so
	// that two businesses of one name can be told apart.
	Address string `json:"address,omitempty"`
}

// MinPhoneDigits is how many digits a phone-number query needs: shorter
// ones find nothing (the phone index holds runs of 4 digits).
const MinPhoneDigits = 4

// ShortPhoneQuery reports whether query is a phone number (digits and
// separators) with fewer than MinPhoneDigits digits, which searches
// nothing: the window then says how many digits it needs.
func ShortPhoneQuery(query string) bool {
	q := strings.TrimSpace(query)
	return q != "" && looksLikePhone(q) && len(record.NormalizePhone(q)) < MinPhoneDigits
}

// businessHit is the search hit of b.
func businessHit(b *record.Business) Hit {
	return Hit{ID: b.ID, Kind: record.KindBusiness, Title: b.Name, Detail: b.Kana + "　" + b.Phone,
		Address: strings.TrimSpace(b.Prefecture + b.City + b.Address)}
}

// DefaultSearchLimit is how many hits a search returns when asked for 0.
const DefaultSearchLimit = 50

// Search finds businesses by part of the name, フリガナ or phone number, or any
// record by its id. A query of company-form words alone (株式会社, (有), …),
// which names are indexed without, is ErrCompanyFormOnly. Everyone who works the front desk may search; the query
// is not written to the access log (it may be a person's name), only that a
// search happened and how many hits it had. It searches without holding the
// office and stops when ctx ends.
//
// Every call is one access-log event, and the office does not merge
// successive calls: the log must account for every list of results a
// person saw, and each call's results are shown. A window that searches as
// the person types therefore waits for the typing to pause before it calls
// (ui/widgets.Debounce), so one typed query is one search and one event. A
// call that ctx ends before it is done returns no results and logs nothing.
func (o *Office) Search(ctx context.Context, s *Session, query string, limit int) ([]Hit, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	hits, err := o.search(w, strings.TrimSpace(query), limit)
	if err != nil {
		return nil, err
	}
	err = o.locked(w, func() error { return o.logRead(audit.ActSearch, "", fmt.Sprintf("records hits=%d", len(hits))) })
	if err != nil {
		return nil, err
	}
	return hits, nil
}

func (o *Office) search(w *work, q string, limit int) ([]Hit, error) {
	s := w.s
	if q == "" {
		return nil, nil
	}
	if hit, ok, err := o.searchID(s, q); err != nil || ok {
		if ok {
			return []Hit{hit}, err
		}
		return nil, err
	}
	var ids []string
	var match func(*record.Business) bool
	if digits := record.NormalizePhone(q); looksLikePhone(q) && len(digits) >= MinPhoneDigits {
		cands, err := o.intersect(ixPhone4, windows(digits, 4))
		if err != nil {
			return nil, err
		}
		ids = cands
		match = func(b *record.Business) bool { return strings.Contains(record.NormalizePhone(b.Phone), digits) }
	} else {
		name, kana := record.NormalizeName(q), record.NormalizeKana(q)
		if name == "" && record.NormalizeText(q) != "" {
			return nil, ErrCompanyFormOnly // 株式会社 alone: names are indexed without it
		}
		byName, err := o.candidates(ixName, name)
		if err != nil {
			return nil, err
		}
		byKana, err := o.candidates(ixKana, kana)
		if err != nil {
			return nil, err
		}
		ids = sortedUnique(append(byName, byKana...))
		match = func(b *record.Business) bool {
			return (name != "" && strings.Contains(record.NormalizeName(b.Name), name)) ||
				(kana != "" && strings.Contains(record.NormalizeKana(b.Kana), kana))
		}
	}
	return o.verifyBusinesses(w, ids, match, limit)
}

// verifyBusinesses decrypts the candidates and keeps those that match,
// reporting progress (StepScan).
func (o *Office) verifyBusinesses(w *work, ids []string, match func(*record.Business) bool, limit int) ([]Hit, error) {
	s := w.s
	var hits []Hit
	for i, id := range ids {
		if err := ctxErr(w.ctx); err != nil {
			return nil, err
		}
		w.report(StepScan, i, len(ids))
		var b record.Business
		if _, err := o.load(s, id, record.KindBusiness, &b); err != nil {
			return nil, err
		}
		if b.MergedInto != "" || !match(&b) {
			continue
		}
		hits = append(hits, businessHit(&b))
		if len(hits) >= limit {
			break
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int { return strings.Compare(a.Detail, b.Detail) })
	return hits, nil
}

func looksLikePhone(q string) bool {
	for _, r := range q {
		if !unicode.IsDigit(r) && !strings.ContainsRune("-‐－ー()（）+ 　", r) {
			return false
		}
	}
	return true
}

// candidates intersects the ids holding every bigram of the normalised text.
// A one-rune query scans the bigrams starting with that rune.
func (o *Office) candidates(index, norm string) ([]string, error) {
	grams := record.Bigrams(norm)
	if len(grams) == 0 {
		return nil, nil
	}
	if len([]rune(norm)) == 1 {
		ids, err := o.store.FindPrefix(index, norm, 0)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", index, err)
		}
		return sortedUnique(ids), nil
	}
	return o.intersect(index, grams)
}

func (o *Office) intersect(index string, terms []string) ([]string, error) {
	ids, err := o.store.Intersect(index, terms, "", 0)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", index, err)
	}
	return ids, nil
}

func (o *Office) searchID(s *Session, q string) (Hit, bool, error) {
	k, ok := record.KindOfID(strings.ToUpper(q))
	if !ok {
		return Hit{}, false, nil
	}
	id := strings.ToUpper(q)
	v, err := o.store.Head(id)
	if err != nil {
		return Hit{}, false, nil
	}
	if k == record.KindBusiness {
		var b record.Business
		if err := o.openVersion(s, v, string(k), &b); err != nil {
			return Hit{}, false, err
		}
		b.ID = id
		return businessHit(&b), true, nil
	}
	return Hit{ID: id, Kind: k, Title: record.Describe(k) + " " + id}, true, nil
}

// legacyBlindCandidates finds records indexed by the earlier release, whose
// case text was indexed as plain-keyed terms under each case key version:
// vault.BlindIndex.LegacyToken of each bigram.
func (o *Office) legacyBlindCandidates(s *Session, text string) ([]string, error) {
	var ids []string
	grams := bigramsOf(text)
	for _, v := range s.keys.Versions(vault.ClassCase) {
		b, ok := blindKeysFor(s, v)
		if !ok {
			continue
		}
		tokens := make([]string, len(grams))
		for i, g := range grams {
			tokens[i] = b.LegacyToken(g)
		}
		b.Close()
		found, err := o.store.Intersect(ixBlind, tokens, "", 0)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", ixBlind, err)
		}
		for _, id := range found {
			ids = append(ids, strings.TrimSuffix(id, caseSuffix))
		}
	}
	return ids, nil
}

// SearchCases finds consultation records whose content (相談の概要, 案内した制度,
// 所感, 備考, next action, loan) contains text. Only people holding the case
// key can search, through the blind index. It returns the limit newest
// (by date, then id) of all the records that match (see newestCases). It
// searches without holding the office, reports each candidate checked
// (StepScan, no total) and stops when ctx ends.
func (o *Office) SearchCases(ctx context.Context, s *Session, text string, limit int) ([]ConsultationSummary, error) {
	w, err := o.begin(ctx, s, PermCase)
	if err != nil {
		return nil, err
	}
	defer w.end()
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	norm := record.NormalizeText(text)
	if len([]rune(norm)) < 2 {
		return nil, nil
	}
	var found []*record.Consultation
	checked := 0
	accept := func(id string) (bool, error) {
		if err := ctxErr(w.ctx); err != nil {
			return false, err
		}
		checked++
		w.report(StepScan, checked, 0)
		var k record.ConsultationCase // the content first: most candidates fail on it
		if ok, err := o.loadCase(s, id, record.KindConsultation, &k); err != nil || !ok || !caseContains(&k, norm) {
			return false, err
		}
		c, err := o.consultation(s, id)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil || c.Case == nil || !caseContains(c.Case, norm) {
			return false, err
		}
		found = append(found, c)
		return true, nil
	}
	legacy, err := o.legacyBlindCandidates(s, text)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	complete, err := o.newestCases(s, norm, len(legacy), limit, seen, accept)
	if err != nil {
		return nil, err
	}
	if !complete {
		if err := o.blindScan(s, norm, seen, func(id string) (bool, error) { _, err := accept(id); return false, err }); err != nil {
			return nil, err
		}
		for _, id := range legacy {
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, err := accept(id); err != nil {
				return nil, err
			}
		}
	}
	out := o.newestSummaries(s, found, limit)
	err = o.locked(w, func() error { return o.logRead(audit.ActSearch, "", fmt.Sprintf("case text hits=%d", len(out))) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func caseContains(c *record.ConsultationCase, norm string) bool {
	for _, t := range caseTexts(c) {
		if strings.Contains(record.NormalizeText(t), norm) {
			return true
		}
	}
	return false
}
