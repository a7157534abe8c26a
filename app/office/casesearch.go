package office

import (
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// caseWalkYears is how far back newestCases walks the dates before it
// leaves the rest to the blind index.
const caseWalkYears = 10

// newestCases is the fast way to the newest matches of a case search when
// many records match: it offers accept (which reports a match) the
// consultation records by date, newest first, a month at a time, and stops
// once limit of them matched. It gives up (complete false) after offering
// as many records as the blind index has candidates (legacy more from the
// earlier release's index), so it never costs more than reading those
// candidates; SearchCases then reads them, skipping the ids marked in seen.
// With complete true, the matches found are the newest limit of all.
func (o *Office) newestCases(s *Session, norm string, legacy, limit int, seen map[string]bool,
	accept func(id string) (bool, error)) (complete bool, err error) {
	budget, err := o.blindRarest(s, norm)
	if err != nil || budget+legacy <= limit {
		return false, err
	}
	budget += legacy
	now := o.opt.now().In(jst)
	month := time.Date(now.Year()+1, now.Month(), 1, 0, 0, 0, 0, jst)
	matched, offered := 0, 0
	for range 12 * (caseWalkYears + 1) {
		ids, err := o.consultationsOfMonth(month.Format("2006-01"))
		if err != nil {
			return false, err
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			if offered >= budget {
				return false, nil
			}
			offered++
			seen[id] = true
			ok, err := accept(id)
			if err != nil {
				return false, err
			}
			if ok {
				if matched++; matched >= limit {
					return true, nil
				}
			}
		}
		month = month.AddDate(0, -1, 0)
	}
	return false, nil
}

// consultationsOfMonth lists the consultation records dated in month
// ("2026-10"), newest first (by date, then id).
func (o *Office) consultationsOfMonth(month string) ([]string, error) {
	prefix := record.IDPrefix(record.KindConsultation)
	var keys []string
	err := o.store.Terms(ixDate, month, func(date, id string) bool {
		if strings.HasPrefix(id, prefix) {
			keys = append(keys, date+"\x00"+id)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(keys)
	slices.Reverse(keys)
	for i, k := range keys {
		_, keys[i], _ = strings.Cut(k, "\x00")
	}
	return keys, nil
}

// blindRarest returns how many entries the rarest bigram of norm has in the
// blind index, summed over the case key versions s holds: how many ids
// blindScan offers at most.
func (o *Office) blindRarest(s *Session, norm string) (int, error) {
	grams := record.Bigrams(norm)
	total := 0
	for _, v := range s.keys.Versions(vault.ClassCase) {
		b, _ := blindKeysFor(s, v)
		var best uint32
		for i, g := range grams {
			n, err := o.blindCount(b, g)
			if err != nil {
				return 0, err
			}
			if i == 0 || n < best {
				best = n
			}
		}
		total += int(best)
	}
	return total, nil
}

// newestSummaries sorts found newest first (by date, then id) and sums up
// the first limit of them.
func (o *Office) newestSummaries(s *Session, found []*record.Consultation, limit int) []ConsultationSummary {
	slices.SortFunc(found, func(a, b *record.Consultation) int { return strings.Compare(b.Date+b.ID, a.Date+a.ID) })
	out := make([]ConsultationSummary, 0, min(len(found), limit))
	for _, c := range found[:min(len(found), limit)] {
		out = append(out, o.consultationSummary(s, c))
	}
	return out
}
