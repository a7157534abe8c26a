package office

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// recordTerms returns the index terms of a record's contact part: the one
// place that says how each kind is indexed, for saves, imports and the
// versions sync brings (termsFor). Case parts have no plain terms (their
// text goes to the blind index).
func recordTerms(rec any) []local.Term {
	switch r := rec.(type) {
	case *record.Business:
		return businessTerms(r)
	case *record.Reservation:
		return reservationTerms(r)
	case *record.Consultation:
		return consultationTerms(r)
	case *record.Dispatch:
		return dispatchTerms(r)
	case *record.Seminar:
		return []local.Term{{Index: ixDate, Value: r.Date}}
	case *record.Application:
		return []local.Term{{Index: ixSeminar, Value: r.SeminarID}, {Index: ixBusiness, Value: r.BusinessID}}
	case *record.LedgerEntry:
		return []local.Term{{Index: ixDate, Value: r.At.In(jst).Format("2006-01-02")}}
	}
	return nil
}

// newRecord returns a new record of a contact kind for decoding, nil for a
// kind without plain terms (masters, case parts, approvals, unknown kinds).
func newRecord(kind string) any {
	switch record.Kind(kind) {
	case record.KindBusiness:
		return &record.Business{}
	case record.KindReservation:
		return &record.Reservation{}
	case record.KindConsultation:
		return &record.Consultation{}
	case record.KindDispatch:
		return &record.Dispatch{}
	case record.KindSeminar:
		return &record.Seminar{}
	case record.KindApplication:
		return &record.Application{}
	case record.KindLedger:
		return &record.LedgerEntry{}
	}
	return nil
}

// termsFor returns the index terms of a decrypted version of kind, as a
// save of the same record computes them.
func termsFor(kind string, plain []byte) ([]local.Term, error) {
	if strings.Contains(kind, ".") {
		return nil, nil // a case part or an approval
	}
	rec := newRecord(kind)
	if rec == nil {
		return nil, nil
	}
	if err := json.Unmarshal(plain, rec); err != nil {
		return nil, fmt.Errorf("decode %s: %w", kind, err)
	}
	return recordTerms(rec), nil
}
