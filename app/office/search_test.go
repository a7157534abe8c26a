package office

import (
	"errors"
	"testing"
)

// TestSearchCompanyFormOnly: names are indexed without their legal form,
// so a query of such words alone finds nothing and says why; with a name
// beside them it finds the business.
func TestSearchCompanyFormOnly(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		f.business(s, "株式会社青空商店", "カブシキガイシャアオゾラショウテン", "03-5555-0601")
		for _, q := range []string{"株式会社", "(株)", "㈱", " 有限会社 ", "カブシキガイシャ", "株式会社　合同会社"} {
			hits, err := f.o.Search(s, q, 0)
			if !errors.Is(err, ErrCompanyFormOnly) || hits != nil {
				t.Errorf("%q: %v, %v", q, hits, err)
			}
		}
		for _, q := range []string{"株式会社青空", "青空商店", "(株)青空"} {
			if hits, err := f.o.Search(s, q, 0); err != nil || len(hits) != 1 {
				t.Errorf("%q: %v, %v", q, hits, err)
			}
		}
		if hits, err := f.o.Search(s, "　", 0); err != nil || len(hits) != 0 {
			t.Errorf("blank: %v, %v", hits, err)
		}
	})
}
