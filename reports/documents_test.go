package reports

import (
	"testing"
	"time"
)

// document is one document rendered from dummy data.
type document struct {
	name   string
	render func(t *testing.T) []byte
}

// must returns a function that fails the test on a render error.
func must(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// documents lists every document with its dummy data.
func documents(t *testing.T) []document { return documentsWith(New()) }

// documentsWith lists every document rendered by r.
func documentsWith(r *Renderer) []document {
	f := testFooter()
	return []document{
		{"consultation", func(t *testing.T) []byte {
			return must(t)(r.ConsultationSheet(testSheetInput(longJapanese(200)), f))
		}},
		{"session-sheet", func(t *testing.T) []byte {
			in := testSheetInput("")
			return must(t)(r.BlankSheet(in, f))
		}},
		{"blank-sheet", func(t *testing.T) []byte {
			return must(t)(r.BlankSheet(SheetInput{}, f))
		}},
		{"reservation", func(t *testing.T) []byte {
			return must(t)(r.ReservationSheet(testReservationInput(), f))
		}},
		{"schedule", func(t *testing.T) []byte {
			return must(t)(r.DaySchedule(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), testScheduleRows(), f))
		}},
		{"attendance", func(t *testing.T) []byte {
			return must(t)(r.Attendance(testAttendanceInput(), f))
		}},
		{"statistics", func(t *testing.T) []byte {
			return must(t)(r.Statistics(testStatsInput(), f))
		}},
		{"ledger", func(t *testing.T) []byte {
			return must(t)(r.Ledger("個人情報取扱管理簿", testLedgerRows(45), f))
		}},
		{"deletion", func(t *testing.T) []byte {
			return must(t)(r.DeletionReport(testDeletionInput(), f))
		}},
		{"enrollment", func(t *testing.T) []byte {
			return must(t)(r.EnrollmentSheet(testEnrollmentInput(), f))
		}},
		{"import-report", func(t *testing.T) []byte {
			return must(t)(r.ImportReport(testImportReport(60), f))
		}},
		{"password-notice", func(t *testing.T) []byte {
			return must(t)(r.PasswordNotice(PasswordNoticeInput{Recipient: "さくら区 産業振興課", Sender: "監督 花子（kantoku）",
				FileDocID: "L-TEST000001", ExportedAt: time.Date(2026, 10, 2, 8, 30, 0, 0, time.UTC), Records: 3,
				Method: "USBメモリで手渡し", Passphrase: "7KQ2M-ZX4RD-9PTWA-HN3EC-UYB5F"}, f))
		}},
	}
}
