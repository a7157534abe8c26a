package office

import (
	"context"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// ScanCases is SearchCases without an index, the floor of
// BenchmarkOfficeCaseSearch: it decrypts the content of every consultation
// record and counts those holding text. It writes no access-log event. (A
// function, not a method: the permission test walks the methods.)
func ScanCases(o *Office, s *Session, text string) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(context.Background(), s, PermCase); err != nil {
		return 0, err
	}
	ids, err := o.store.IDs(string(record.KindConsultation))
	if err != nil {
		return 0, err
	}
	norm, n := record.NormalizeText(text), 0
	for _, id := range ids {
		var c record.ConsultationCase
		ok, err := o.loadCase(s, id, record.KindConsultation, &c)
		if err != nil {
			return n, err
		}
		if ok && caseContains(&c, norm) {
			n++
		}
	}
	return n, nil
}
