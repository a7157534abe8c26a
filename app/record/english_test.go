package record

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

// japanese reports Japanese letters in s, apart from the 和暦 example
// the date message gives on purpose.
func japanese(s string) bool {
	s = strings.ReplaceAll(s, "令和8年10月1日", "")
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
	})
}

// TestValidationInEnglish makes every record kind fail as many checks as
// it has, and holds each message to an English sentence that names its
// field in English, while the Japanese stays as it was.
func TestValidationInEnglish(t *testing.T) {
	long := strings.Repeat("あ", 20001)
	bad := []interface{ Validate() error }{
		&Business{Name: long, Kana: "", Phone: "12", Form: "x", Category: "x", Industry: "x", Prefecture: "x",
			Postal: "1", Email: "a b", Employees: -1, Address: long, RepName: long, Note: long, Case: &BusinessCase{RepBirth: "x"}},
		&Business{Email: "ｍａｉｌ@example.jp"},
		&Business{Email: "no-at-sign"},
		&Business{Email: strings.Repeat("a", 300) + "@example.jp"},
		&Reservation{Date: "x", Start: "x", End: "y", Channel: "x", Status: "x", ReceivedOn: "x",
			Checks: ReservationChecks{Subsidy: "x", Loan: "x", WantedProgram: long, VisitCount: -1}, Note: long},
		&Reservation{Date: "2026-10-01", Start: "10:00", End: "09:00"},
		&Consultation{Date: "x", Start: "x", End: "x", Status: StConfirmed, Mode: "x", Category: "x",
			Case: &ConsultationCase{Topics: []string{"x"}, Troubles: []string{"x"}, SalesDrop: "x", Loan: Loan{Status: "x", Amount: -1},
				Guidance: long, Impression: long, Note: long, NextDue: "x"}},
		&Consultation{Status: StConfirmed},
		&Consultation{Case: &ConsultationCase{Topics: []string{Topics()[0], Topics()[0]}}},
		&Dispatch{Hours: 101, RequestedOn: "x", ApprovedOn: "x", HeldOn: "x", Status: "x"},
		&Seminar{Date: "x", Start: "x", End: "x"},
		&Application{Phone: "1", Email: "x", AppliedOn: "x", Status: "x"},
		&Venue{},
		&Staff{Role: "x"},
		&Program{Level: "x"},
		&ClosedDay{From: "2026-01-01", To: "2028-01-01"},
	}
	seen := 0
	for _, v := range bad {
		var ps Problems
		if !errors.As(v.Validate(), &ps) {
			t.Fatalf("%T passed its checks", v)
		}
		for _, e := range ps {
			var fe *FieldError
			if !errors.As(e, &fe) {
				t.Errorf("%T: %v is not a FieldError", v, e)
				continue
			}
			seen++
			if fe.In(false) != fe.Msg || !japanese(fe.Msg) {
				t.Errorf("%T: the Japanese changed: %q", v, fe.Msg)
			}
			if en := fe.In(true); en == "" || japanese(en) || !strings.Contains(en, ": ") {
				t.Errorf("%T: %q in English is %q", v, fe.Msg, en)
			}
		}
		if en := ps.In(true); strings.Count(en, "\n") != len(ps)-1 {
			t.Errorf("%T: Problems.In joins %d messages as %q", v, len(ps), en)
		}
	}
	if seen < 60 {
		t.Errorf("only %d messages checked", seen)
	}
}
