package office

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestSearchCompanyFormOnly: names are indexed without their legal form,
// so a query of such words alone finds nothing and says why; with a name
// beside them it finds the business.
func TestSearchCompanyFormOnly(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		f.business(s, "株式会社青空商店", "カブシキガイシャアオゾラショウテン", "03-5555-0601")
		for _, q := range []string{"株式会社", "(株)", "㈱", " 有限会社 ", "カブシキガイシャ", "株式会社　合同会社"} {
			hits, err := f.o.Search(context.Background(), s, q, 0)
			if !errors.Is(err, ErrCompanyFormOnly) || hits != nil {
				t.Errorf("%q: %v, %v", q, hits, err)
			}
		}
		for _, q := range []string{"株式会社青空", "青空商店", "(株)青空"} {
			if hits, err := f.o.Search(context.Background(), s, q, 0); err != nil || len(hits) != 1 {
				t.Errorf("%q: %v, %v", q, hits, err)
			}
		}
		if hits, err := f.o.Search(context.Background(), s, "　", 0); err != nil || len(hits) != 0 {
			t.Errorf("blank: %v, %v", hits, err)
		}
	})
}

// TestCaseSearchNewestFirst: a case search returns the newest matches (by
// date) of all that match, whatever order the records were written in:
// through the walk by date when many match, through the blind index when
// few do or when the newest records do not match.
func TestCaseSearchNewestFirst(t *testing.T) {
	f := newFixture(t)
	var biz string
	f.as("uketsuke", func(s *Session) {
		biz = f.business(s, "新旧確認商店", "シンキュウカクニンショウテン", "03-5555-0701").ID
	})
	f.as("soudan", func(s *Session) {
		save := func(date, summary string) string {
			c := &record.Consultation{BusinessID: biz, ConsultantID: f.staff, Date: date, Status: record.StDraft,
				Case: &record.ConsultationCase{Summary: summary}}
			if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		// Written newest first: the blind index holds the oldest as its
		// newest entries.
		var want []string
		for _, d := range []string{"2026-09-30", "2026-09-20", "2026-08-10", "2026-07-01", "2026-01-15"} {
			want = append(want, save(d, "事業承継の相談"))
		}
		// Newer records that do not match, with the words apart.
		var others []string
		for _, d := range []string{"2026-10-01", "2026-09-29", "2026-09-28", "2026-09-27", "2026-09-26", "2026-09-25"} {
			others = append(others, save(d, "承継と事業の話"))
		}
		idsOf := func(hits []ConsultationSummary) []string {
			var ids []string
			for _, h := range hits {
				ids = append(ids, h.ID)
			}
			return ids
		}
		for _, tc := range []struct {
			query string
			limit int
			want  []string
		}{
			{"承継", 3, []string{others[0], want[0], others[1]}}, // the walk by date finds them
			{"事業承継", 2, want[:2]},                              // the walk gives up, the index finds them
			{"事業承継", 5, want},                                  // exactly the candidates
			{"事業承継", 50, want},                                 // fewer matches than asked for
			{"事業承継の相談", 3, want[:3]},                           // rarest bigram "の相" is in the matches only
		} {
			hits, err := f.o.SearchCases(context.Background(), s, tc.query, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := idsOf(hits); !slices.Equal(got, tc.want) {
				t.Errorf("%q limit %d: %v, want %v", tc.query, tc.limit, got, tc.want)
			}
		}
	})
}
