package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// TestPermissionTable pins permRoles to the matrix of docs/DATA.md, so that
// a change of who may do what is a deliberate edit of both.
func TestPermissionTable(t *testing.T) {
	want := map[Permission]string{ // reception consultant coordinator supervisor admin
		PermFrontDesk:       "RCO S-",
		PermCase:            "-CO S-",
		PermDispatchApprove: "--O S-",
		PermSeminar:         "--O S-",
		PermApplications:    "R-O S-",
		PermApprove:         "--- S-",
		PermStats:           "--O S-",
		PermMasters:         "--O -A",
		PermUsers:           "--- -A",
		PermAudit:           "--- SA",
		PermLedger:          "--O SA",
		PermSync:            "RCO SA",
		PermErase:           "--- SA",
		PermBackup:          "--- -A",
		PermMigrate:         "--- SA",
		PermExport:          "--O S-",
	}
	if len(permRoles) != len(want) {
		t.Fatalf("permRoles has %d rows, the matrix %d", len(permRoles), len(want))
	}
	for p, row := range want {
		row = strings.ReplaceAll(row, " ", "")
		for i, r := range AllRoles() {
			if got := slices.Contains(permRoles[p], r); got != (row[i] != '-') {
				t.Errorf("permission %d, role %s: allowed=%v, the matrix says %c", p, r, got, row[i])
			}
		}
	}
}

// permAny marks a method every logged-in person may call, whatever the role:
// the masters and the seminar list, which every screen shows.
const permAny Permission = -1

// openToEveryone are the exported methods of *Office that take no session,
// so there is no role to check; each with the reason.
var openToEveryone = map[string]string{
	"Login":  "starts a session: the password decides who it is, the roles come from the signed user table",
	"Logout": "ends whatever session is open; the idle lock calls it",
	"Close":  "is Logout",
	"Dir":    "the folder the caller opened, no record data",
	"Device": "the device id from keyring.json, no record data",
	"KDF":    "the Argon2id cost the office uses for new passwords, a setting",
}

// permCase is one call of an office method with valid arguments.
type permCase struct {
	method string     // the exported method it covers
	name   string     // the sub-case when one method has several rows ("Record/dispatch")
	perm   Permission // the row of permRoles the method checks, or permAny
	// event is the access-log action an allowed call writes for role, ""
	// when it writes nothing at all (then the store must be unchanged).
	event func(r Role) string
	// call makes the call and returns the id the event names ("" to not check).
	call func(e *permEnv) (string, error)
}

func (c permCase) label() string {
	if c.name != "" {
		return c.method + "/" + c.name
	}
	return c.method
}

func action(a string) func(Role) string { return func(Role) string { return a } }

var noEvent = action("")

// caseView is the event of a read that opens case content for a case role
// and only the contact part for the others.
func caseView(r Role) string {
	if caseRole(r) {
		return audit.ActViewCase
	}
	return ""
}

// permEnv holds the session of one role and records made for it beforehand
// by the first admin (admin and supervisor), fresh for each role, so every
// allowed write has something to work on.
type permEnv struct {
	f    *fixture
	ctx  context.Context
	s    *Session
	pass int
	k    int // numbers the businesses made by calls

	day                               string
	venue, staff, program             string // free for this pass's bookings
	biz, mergeFrom, mergeInto         string
	res, resStatus                    string
	cons, consApprove, consSendBack   string
	dispatch                          string
	seminar, app, appMark             string
	userReset, userRoles, userDisable string
	userAdd                           string
	eraseRes, eraseApply, erased      string
	order                             []byte // a supervisor's purge order of eraseApply
	erasedOrder                       string // the hash of an order carried out (erased)
}

func (e *permEnv) newBusiness() *record.Business {
	e.k++
	return dummyBusiness(fmt.Sprintf("権限確認%d-%d商店", e.pass, e.k), "ケンゲンカクニンショウテン", fmt.Sprintf("03-5557-%02d%02d", e.pass, e.k))
}

func (e *permEnv) newConsultation(status string) *record.Consultation {
	return &record.Consultation{BusinessID: e.biz, ConsultantID: e.staff, Date: e.day, Start: "09:00", End: "09:30",
		Mode: "窓口", Status: status, Case: &record.ConsultationCase{Summary: "権限確認の相談"}}
}

func (e *permEnv) newDispatch() *record.Dispatch {
	return &record.Dispatch{BusinessID: e.biz, AdviserID: e.staff, Theme: "販路開拓の助言", RequestedOn: e.day,
		Status: record.DisRequested, Case: &record.DispatchCase{Report: "権限確認の報告"}}
}

func (e *permEnv) newSeminar() *record.Seminar {
	return &record.Seminar{Title: "権限確認セミナー", Date: e.day, Start: "14:00", End: "16:00", VenueID: e.venue, Capacity: 10}
}

func (e *permEnv) newApplication() *record.Application {
	return &record.Application{SeminarID: e.seminar, BusinessID: e.biz, BusinessName: "権限確認商店", PersonName: "申込 花子",
		Phone: "03-5557-0000", AppliedOn: e.day, Status: record.AppApplied}
}

func (e *permEnv) newReservation(start, end string) *record.Reservation {
	return &record.Reservation{Date: e.day, Start: start, End: end, VenueID: e.venue, ConsultantID: e.staff, BusinessID: e.biz,
		Channel: "電話", Status: record.ResBooked, ReceivedOn: e.day,
		Checks: record.ReservationChecks{Subsidy: "している", Loan: "していない", VisitCount: 1}}
}

// noConflict turns ErrNoConflict into success.
func noConflict[T any](v T, err error) (T, error) {
	if errors.Is(err, ErrNoConflict) {
		return v, nil
	}
	return v, err
}

// err2 drops a result and keeps the error, naming no object.
func err2[T any](_ T, err error) (string, error) { return "", err }

// permCases lists every exported method of *Office that takes a session,
// with the permission it must check. A method missing here fails
// TestEveryMethodChecksItsPermission.
func permCases() []permCase {
	bg := func(e *permEnv) context.Context { return e.ctx }
	imp := func(name string, perm Permission, rec func(e *permEnv) any) permCase {
		return permCase{method: "Import", name: name, perm: perm, event: action("import"), call: func(e *permEnv) (string, error) {
			return "", e.f.o.Import(bg(e), e.s, []any{rec(e)}, nil)
		}}
	}
	rec := func(name string, perm Permission, event func(Role) string, id func(e *permEnv) string) permCase {
		return permCase{method: "Record", name: name, perm: perm, event: event, call: func(e *permEnv) (string, error) {
			_, err := e.f.o.Record(bg(e), e.s, id(e))
			return id(e), err
		}}
	}
	return []permCase{
		// The access log.
		{method: "VerifyAudit", perm: PermAudit, event: action("audit.verify"), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.VerifyAudit(bg(e), e.s))
		}},
		{method: "AuditEvents", perm: PermAudit, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.AuditEvents(bg(e), e.s, audit.Filter{Action: audit.ActLoginOK}))
		}},
		{method: "AuditFindings", perm: PermAudit, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.AuditFindings(bg(e), e.s, audit.Filter{}))
		}},
		{method: "DeviceLogs", perm: PermAudit, event: action(audit.ActDeviceLog), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.DeviceLogs(bg(e), e.s))
		}},
		{method: "DeviceLog", perm: PermAudit, event: action(audit.ActDeviceLog), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.DeviceLog(bg(e), e.s, "devB"))
		}},
		{method: "AnalyseAccess", perm: PermAudit, event: action(audit.ActAnalysis), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.AnalyseAccess(bg(e), e.s, "2026-09")
			return "2026-09", err
		}},
		{method: "PrintAccessAnalysis", perm: PermAudit, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintAccessAnalysis(bg(e), e.s, "2026-09"))
		}},
		{method: "AnalysisDue", perm: PermAudit, event: noEvent, call: func(e *permEnv) (string, error) {
			_, _, err := e.f.o.AnalysisDue(bg(e), e.s)
			return "", err
		}},

		// Businesses.
		{method: "SaveBusiness", perm: PermFrontDesk, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			b := e.newBusiness()
			err := e.f.o.SaveBusiness(bg(e), e.s, b, SaveBusinessOptions{})
			return b.ID, err
		}},
		{method: "SimilarBusinesses", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.SimilarBusinesses(bg(e), e.s, dummyBusiness("別名商店", "ベツメイショウテン", "03-5557-9999")))
		}},
		{method: "Business", perm: PermFrontDesk, event: caseView, call: func(e *permEnv) (string, error) {
			_, err := e.f.o.Business(bg(e), e.s, e.biz)
			return e.biz, err
		}},
		{method: "BusinessHistory", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.BusinessHistory(bg(e), e.s, e.biz))
		}},
		{method: "Businesses", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Businesses(bg(e), e.s))
		}},
		{method: "AuditNames", perm: PermAudit, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.AuditNames(bg(e), e.s, nil))
		}},
		{method: "UserName", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.UserName(bg(e), e.s, "uketsuke"))
		}},
		{method: "BusinessNames", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.BusinessNames(bg(e), e.s, []string{e.biz}))
		}},
		{method: "BusinessContact", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.BusinessContact(bg(e), e.s, e.biz))
		}},
		{method: "MergeBusiness", perm: PermFrontDesk, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			return e.mergeFrom, e.f.o.MergeBusiness(bg(e), e.s, e.mergeFrom, e.mergeInto)
		}},
		{method: "Search", perm: PermFrontDesk, event: action(audit.ActSearch), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Search(bg(e), e.s, "権限確認", 10))
		}},

		// Reservations.
		{method: "SaveReservation", perm: PermFrontDesk, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			r := e.newReservation("16:00", "17:00")
			err := e.f.o.SaveReservation(bg(e), e.s, r)
			return r.ID, err
		}},
		{method: "Reservation", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Reservation(bg(e), e.s, e.res))
		}},
		{method: "ReservationsBetween", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ReservationsBetween(bg(e), e.s, e.day, e.day))
		}},
		{method: "ReservationsOn", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ReservationsOn(bg(e), e.s, e.day))
		}},
		{method: "ReservationsOfBusiness", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ReservationsOfBusiness(bg(e), e.s, e.biz))
		}},
		{method: "SetReservationStatus", perm: PermFrontDesk, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.SetReservationStatus(bg(e), e.s, e.resStatus, record.ResVisited))
		}},
		{method: "UndoVisit", perm: PermFrontDesk, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.UndoVisit(bg(e), e.s, e.resStatus, "その他")
			return e.resStatus, err
		}},
		{method: "TakeWalkIn", perm: PermFrontDesk, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			r, err := e.f.o.TakeWalkIn(bg(e), e.s, WalkIn{BusinessID: e.biz, VenueID: e.venue, ConsultantID: e.staff})
			if r == nil {
				return "", err
			}
			return r.ID, err
		}},

		// Consultation records.
		{method: "DraftFromReservation", perm: PermCase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.DraftFromReservation(bg(e), e.s, e.res))
		}},
		{method: "SaveConsultation", perm: PermCase, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			c := e.newConsultation(record.StDraft)
			err := e.f.o.SaveConsultation(bg(e), e.s, c)
			return c.ID, err
		}},
		{method: "Consultation", perm: PermFrontDesk, event: caseView, call: func(e *permEnv) (string, error) {
			_, err := e.f.o.Consultation(bg(e), e.s, e.cons)
			return e.cons, err
		}},
		{method: "ConsultationHistory", perm: PermCase, event: action(audit.ActViewCase), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.ConsultationHistory(bg(e), e.s, e.cons)
			return e.cons, err
		}},
		{method: "Consultations", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Consultations(bg(e), e.s, ConsultationFilter{BusinessID: e.biz}))
		}},
		{method: "VisitedWithoutRecord", perm: PermCase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.VisitedWithoutRecord(bg(e), e.s, e.day))
		}},
		{method: "SearchCases", perm: PermCase, event: action(audit.ActSearch), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.SearchCases(bg(e), e.s, "権限確認", 10))
		}},
		{method: "PendingApprovals", perm: PermApprove, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PendingApprovals(bg(e), e.s))
		}},
		{method: "Approve", perm: PermApprove, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			return e.consApprove, e.f.o.Approve(bg(e), e.s, e.consApprove)
		}},
		{method: "SendBack", perm: PermApprove, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			return e.consSendBack, e.f.o.SendBack(bg(e), e.s, e.consSendBack, "売上の数字を確認してください")
		}},

		// Dispatches.
		{method: "SaveDispatch", perm: PermCase, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			d := e.newDispatch()
			err := e.f.o.SaveDispatch(bg(e), e.s, d)
			return d.ID, err
		}},
		{method: "Dispatch", perm: PermCase, event: action(audit.ActViewCase), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.Dispatch(bg(e), e.s, e.dispatch)
			return e.dispatch, err
		}},
		{method: "Dispatches", perm: PermCase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Dispatches(bg(e), e.s))
		}},
		{method: "DispatchCount", perm: PermCase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.DispatchCount(bg(e), e.s, e.biz, e.f.clock.Now()))
		}},

		// Seminars.
		{method: "SaveSeminar", perm: PermSeminar, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			sem := e.newSeminar()
			err := e.f.o.SaveSeminar(bg(e), e.s, sem)
			return sem.ID, err
		}},
		{method: "Seminar", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Seminar(bg(e), e.s, e.seminar))
		}},
		{method: "Seminars", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Seminars(bg(e), e.s))
		}},
		{method: "SaveApplication", perm: PermApplications, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			a := e.newApplication()
			err := e.f.o.SaveApplication(bg(e), e.s, a)
			return a.ID, err
		}},
		{method: "Applications", perm: PermApplications, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Applications(bg(e), e.s, e.seminar))
		}},
		{method: "MarkAttendance", perm: PermApplications, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			return e.appMark, e.f.o.MarkAttendance(bg(e), e.s, e.appMark, true)
		}},

		// Masters.
		{method: "SaveVenue", perm: PermMasters, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			v := &record.Venue{Name: "権限確認室", Capacity: 1, Active: true}
			err := e.f.o.SaveVenue(bg(e), e.s, v)
			return v.ID, err
		}},
		{method: "SaveStaff", perm: PermMasters, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			st := &record.Staff{Name: "権限 確認", Kana: "ケンゲン カクニン", Role: "専門家", Active: true}
			err := e.f.o.SaveStaff(bg(e), e.s, st)
			return st.ID, err
		}},
		{method: "SaveProgram", perm: PermMasters, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			p := &record.Program{Level: "国", Name: "権限確認補助金", Active: true}
			err := e.f.o.SaveProgram(bg(e), e.s, p)
			return p.ID, err
		}},
		{method: "SaveClosedDay", perm: PermMasters, event: action(audit.ActCreate), call: func(e *permEnv) (string, error) {
			c := &record.ClosedDay{From: "2026-12-29", To: "2027-01-03", Name: "年末年始", Active: true}
			err := e.f.o.SaveClosedDay(bg(e), e.s, c)
			return c.ID, err
		}},
		{method: "ClosedDays", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.ClosedDays(bg(e), e.s)) }},
		{method: "Closures", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Closures(bg(e), e.s, "2026-12-28", "2027-01-04"))
		}},
		{method: "Venues", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.Venues(bg(e), e.s)) }},
		{method: "Staff", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.Staff(bg(e), e.s)) }},
		{method: "Programs", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.Programs(bg(e), e.s)) }},
		{method: "Names", perm: permAny, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.Names(bg(e), e.s)) }},

		// Printing and the ledger.
		{method: "PrintSheet", perm: PermCase, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.PrintSheet(bg(e), e.s, e.cons)
			return e.cons, err
		}},
		{method: "PrintSheets", perm: PermCase, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintSheets(bg(e), e.s, []string{e.cons, e.consApprove}))
		}},
		{method: "PrintBlankSheet", perm: PermFrontDesk, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.PrintBlankSheet(bg(e), e.s, e.res)
			return e.res, err
		}},
		{method: "PrintDaySheets", perm: PermFrontDesk, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintDaySheets(bg(e), e.s, e.day))
		}},
		{method: "PrintReservation", perm: PermFrontDesk, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.PrintReservation(bg(e), e.s, e.res)
			return e.res, err
		}},
		{method: "Backup", perm: PermBackup, event: action(audit.ActBackup), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.Backup(bg(e), e.s, filepath.Join(e.f.t.TempDir(), "b.mdgbak"))
			return "", err
		}},
		{method: "PrintEnrollmentSheet", perm: PermUsers, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintEnrollmentSheet(bg(e), e.s, EnrollmentSheet{Server: "窓口", Code: "MDG1.x", Expires: time.Now().Add(time.Hour)}))
		}},
		{method: "PrintSchedule", perm: PermFrontDesk, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintSchedule(bg(e), e.s, e.day))
		}},
		{method: "PrintAttendance", perm: PermApplications, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.PrintAttendance(bg(e), e.s, e.seminar)
			return e.seminar, err
		}},
		{method: "PrintStatistics", perm: PermStats, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintStatistics(bg(e), e.s, "2026-10"))
		}},
		{method: "SignedTable", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			_, _, err := e.f.o.SignedTable(bg(e), e.s)
			return "", err
		}},
		{method: "AdoptTable", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			b, _, err := e.f.o.SignedTable(context.Background(), e.s)
			if err != nil {
				return "", err
			}
			return err2(e.f.o.AdoptTable(bg(e), e.s, b)) // the same table: no change
		}},
		{method: "Replica", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Replica(e.s).State(bg(e), "cursor"))
		}},
		{method: "ConflictCount", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ConflictCount(bg(e), e.s))
		}},
		{method: "SyncStatus", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.SyncStatus(bg(e), e.s))
		}},
		{method: "Conflicts", perm: PermSync, event: action(audit.ActView), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Conflicts(bg(e), e.s))
		}},
		// A business without conflicts: allowed is ErrNoConflict, after the
		// permission check and before anything is logged or written.
		{method: "Conflict", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(noConflict(e.f.o.Conflict(bg(e), e.s, e.biz)))
		}},
		{method: "ResolveConflict", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			_, err := noConflict(0, e.f.o.ResolveConflict(bg(e), e.s, e.biz, nil))
			return "", err
		}},
		{method: "ResolveConflictWith", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			_, err := noConflict(0, e.f.o.ResolveConflictWith(bg(e), e.s, e.biz, nil, nil))
			return "", err
		}},
		{method: "Ledger", perm: PermLedger, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.Ledger(bg(e), e.s)) }},
		{method: "Export", perm: PermExport, event: action(audit.ActExport), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.Export(bg(e), e.s, ExportRequest{BusinessID: e.biz, Recipient: "さくら区 産業振興課"},
				[]byte(testPassphrase), io.Discard)
			return e.biz, err
		}},
		{method: "PrintPasswordNotice", perm: PermExport, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			res := ExportResult{DocID: "L-0000000009", Recipient: "さくら区", Records: 1, Method: "手渡し"}
			_, err := e.f.o.PrintPasswordNotice(bg(e), e.s, res, testPassphrase)
			return res.DocID, err
		}},
		{method: "ReceiveHandover", perm: PermFrontDesk, event: action("import.handover"), call: func(e *permEnv) (string, error) {
			file := handoverOf(e.f.t, dummyBusiness(fmt.Sprintf("受領確認%d商店", e.pass), "ジュリョウカクニンショウテン", "03-5558-0001"))
			_, err := e.f.o.ReceiveHandover(bg(e), e.s, bytes.NewReader(file), []byte(testPassphrase))
			return "", err
		}},
		{method: "PrintLedger", perm: PermLedger, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintLedger(bg(e), e.s))
		}},
		{method: "ImportWhole", perm: PermMigrate, event: action("import"), call: func(e *permEnv) (string, error) {
			b := e.newBusiness()
			b.Case = nil
			return "", e.f.o.ImportWhole(bg(e), e.s, []any{b}, ImportWholeOptions{Source: "権限確認.csv"})
		}},
		{method: "ImportDuplicates", perm: PermMigrate, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ImportDuplicates(bg(e), e.s, []*record.Business{e.newBusiness()}))
		}},
		{method: "PrintImportReport", perm: PermMigrate, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintImportReport(bg(e), e.s, reports.ImportReport{Source: "権限確認.csv", Kind: "事業者"}))
		}},
		{method: "Statistics", perm: PermStats, event: action(audit.ActView), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Statistics(bg(e), e.s, "FY2026"))
		}},

		// Users.
		{method: "Users", perm: PermUsers, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.Users(bg(e), e.s)) }},
		{method: "AddUser", perm: PermUsers, event: action(audit.ActUserAdd), call: func(e *permEnv) (string, error) {
			return "", e.f.o.AddUser(bg(e), e.s, NewUser{Login: e.userAdd, Name: "追加 太郎", Roles: []Role{RoleReception}, Password: []byte(testPassword)})
		}},
		{method: "ResetPassword", perm: PermUsers, event: action(audit.ActUserChange), call: func(e *permEnv) (string, error) {
			return "", e.f.o.ResetPassword(bg(e), e.s, e.userReset, nil, []byte("new-password-2"))
		}},
		{method: "SetRoles", perm: PermUsers, event: action(audit.ActUserChange), call: func(e *permEnv) (string, error) {
			return "", e.f.o.SetRoles(bg(e), e.s, e.userRoles, []Role{RoleAdmin})
		}},
		{method: "SetDisabled", perm: PermUsers, event: action(audit.ActUserChange), call: func(e *permEnv) (string, error) {
			return "", e.f.o.SetDisabled(bg(e), e.s, e.userDisable, true)
		}},
		{method: "RevokeDevice", perm: PermUsers, event: action(audit.ActUserChange), call: func(e *permEnv) (string, error) {
			return "", e.f.o.RevokeDevice(bg(e), e.s, "d-0123456789abcdef")
		}},
		{method: "ProbableDuplicates", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ProbableDuplicates(bg(e), e.s))
		}},
		{method: "RecordEnrollment", perm: PermSync, event: action(audit.ActEnroll), call: func(e *permEnv) (string, error) {
			return "", e.f.o.RecordEnrollment(bg(e), e.s, "テスト区 経営相談窓口", "d-0123456789abcdef")
		}},
		// Retention and erasure.
		{method: "Retention", perm: PermErase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Retention(bg(e), e.s))
		}},
		{method: "SetRetention", perm: PermErase, event: action(audit.ActUpdate), call: func(e *permEnv) (string, error) {
			return "", e.f.o.SetRetention(bg(e), e.s, DefaultRetention)
		}},
		{method: "Expired", perm: PermErase, event: action(audit.ActView), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Expired(bg(e), e.s))
		}},
		{method: "PlanErase", perm: PermErase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PlanErase(bg(e), e.s, []string{e.eraseRes}, ReasonRequest))
		}},
		{method: "Erase", perm: PermErase, event: action(audit.ActPurge), call: func(e *permEnv) (string, error) {
			plan := ErasePlan{Reason: ReasonRequest, Items: []PurgeItem{{ID: e.eraseRes, Kind: record.KindReservation, Versions: 1, Last: e.day}}}
			_, err := e.f.o.Erase(bg(e), e.s, plan)
			return e.eraseRes, err
		}},
		{method: "Erasures", perm: PermErase, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.Erasures(bg(e), e.s))
		}},
		{method: "PrintErasureReport", perm: PermErase, event: action(audit.ActPrint), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PrintErasureReport(bg(e), e.s, e.erasedOrder))
		}},
		{method: "ApplyPurgeOrder", perm: PermSync, event: action(audit.ActPurge), call: func(e *permEnv) (string, error) {
			_, err := e.f.o.ApplyPurgeOrder(bg(e), e.s, e.order)
			return e.eraseApply, err
		}},
		// Web booking: a reference this office never got is ErrNotFound
		// for the allowed, after the permission check and before anything
		// is logged or written.
		{method: "ApplyBookingRequests", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return "", e.f.o.ApplyBookingRequests(bg(e), e.s, "office-on-the-server", bookingproto.RequestsPage{})
		}},
		{method: "WebCursor", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) { return err2(e.f.o.WebCursor(bg(e), e.s)) }},
		{method: "WebRequests", perm: PermFrontDesk, event: action(audit.ActView), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.WebRequests(bg(e), e.s, true))
		}},
		{method: "WebRequestCount", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.WebRequestCount(bg(e), e.s))
		}},
		{method: "WebBusiness", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			_, err := e.f.o.WebBusiness(bg(e), e.s, "WB-NONE-0000")
			return "", notFound(err)
		}},
		{method: "ConfirmWebRequest", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			_, err := e.f.o.ConfirmWebRequest(bg(e), e.s, "WB-NONE-0000", WebConfirm{BusinessID: e.biz})
			return "", notFound(err)
		}},
		{method: "DeclineWebRequest", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return "", notFound(e.f.o.DeclineWebRequest(bg(e), e.s, "WB-NONE-0000", "都合がつかないため"))
		}},
		{method: "PendingWebStatus", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PendingWebStatus(bg(e), e.s))
		}},
		{method: "WebStatusSent", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return "", e.f.o.WebStatusSent(bg(e), e.s, bookingproto.StatusUpdate{Ref: "WB-NONE-0000", Status: bookingproto.StatusConfirmed})
		}},
		{method: "PurgesDue", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PurgesDue(bg(e), e.s))
		}},
		{method: "SetPurgeReceipt", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return "", notFound(e.f.o.SetPurgeReceipt(bg(e), e.s, strings.Repeat("0", 64), []byte("{}"), [32]byte{}))
		}},
		{method: "ResendPurges", perm: PermErase, event: action(audit.ActPurge), call: func(e *permEnv) (string, error) {
			return err2(e.f.o.ResendPurges(bg(e), e.s))
		}},
		{method: "BookingProblems", perm: PermMigrate, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.BookingProblems(bg(e), e.s, nil))
		}},
		{method: "BookingPublication", perm: PermFrontDesk, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.BookingPublication(bg(e), e.s, DefaultWebHours, "さくら区 経営相談窓口"))
		}},
		{method: "PublicationChanged", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.PublicationChanged(bg(e), e.s, &bookingproto.Publication{Serial: 1}))
		}},
		{method: "PublicationSent", perm: PermSync, event: action(ActWebBooking), call: func(e *permEnv) (string, error) {
			return "", e.f.o.PublicationSent(bg(e), e.s, &bookingproto.Publication{Serial: 1})
		}},
		{method: "RevokedBy", perm: PermSync, event: noEvent, call: func(e *permEnv) (string, error) {
			return err2(e.f.o.RevokedBy(bg(e), e.s, []byte("{}"), "d-0123456789abcdef"))
		}},

		// Record reads any kind by id, with the permission of that kind.
		rec("business", PermFrontDesk, caseView, func(e *permEnv) string { return e.biz }),
		rec("reservation", PermFrontDesk, noEvent, func(e *permEnv) string { return e.res }),
		rec("consultation", PermFrontDesk, caseView, func(e *permEnv) string { return e.cons }),
		rec("dispatch", PermCase, action(audit.ActViewCase), func(e *permEnv) string { return e.dispatch }),
		rec("seminar", permAny, noEvent, func(e *permEnv) string { return e.seminar }),
		rec("application", PermApplications, noEvent, func(e *permEnv) string { return e.app }),
		rec("venue", permAny, noEvent, func(e *permEnv) string { return e.venue }),
		rec("staff", permAny, noEvent, func(e *permEnv) string { return e.staff }),
		rec("program", permAny, noEvent, func(e *permEnv) string { return e.program }),

		// Import writes each record with the permission of its kind.
		imp("business", PermFrontDesk, func(e *permEnv) any { // contact part only: the case part needs the case key (TestImport)
			b := e.newBusiness()
			b.Case = nil
			return b
		}),
		imp("reservation", PermFrontDesk, func(e *permEnv) any { return e.newReservation("18:00", "19:00") }),
		imp("consultation", PermCase, func(e *permEnv) any { return e.newConsultation(record.StConfirmed) }),
		imp("dispatch", PermCase, func(e *permEnv) any { return e.newDispatch() }),
		imp("seminar", PermSeminar, func(e *permEnv) any { return e.newSeminar() }),
		imp("application", PermApplications, func(e *permEnv) any { return e.newApplication() }),
		imp("venue", PermMasters, func(e *permEnv) any { return &record.Venue{Name: "取込会場", Capacity: 1, Active: true} }),
		imp("staff", PermMasters, func(e *permEnv) any {
			return &record.Staff{Name: "取込 専門家", Kana: "トリコミ センモンカ", Role: "専門家", Active: true}
		}),
		imp("program", PermMasters, func(e *permEnv) any { return &record.Program{Level: "市区", Name: "取込補助金", Active: true} }),
	}
}

// notFound makes ErrNotFound, what an allowed call on an unknown
// reference returns, a success.
func notFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// TestEveryMethodChecksItsPermission calls every exported method of *Office
// that takes a session as every role. An allowed call must succeed and write
// its access-log event (read back through AuditEvents), or, for a read that
// logs nothing, leave the store as it was; a refused call must return
// ErrForbidden and write nothing at all: no event, no record version, no
// keyring change.
func TestEveryMethodChecksItsPermission(t *testing.T) {
	cases := permCases()
	// Every exported method is in the table or in the open list, not both.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method] = true
	}
	typ := reflect.TypeOf(&Office{})
	methods := map[string]bool{}
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		methods[m] = true
		_, open := openToEveryone[m]
		switch {
		case covered[m] && open:
			t.Errorf("%s is both in the permission table and open to everyone", m)
		case !covered[m] && !open:
			t.Errorf("exported method %s has no row in permCases (nor a reason in openToEveryone): add one", m)
		}
	}
	for m := range covered {
		if !methods[m] {
			t.Errorf("permCases names %s, which *Office does not have", m)
		}
	}
	for m := range openToEveryone {
		if !methods[m] {
			t.Errorf("openToEveryone names %s, which *Office does not have", m)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	f := newFixture(t)
	f.as("admin", func(s *Session) {
		if err := f.o.AddUser(context.Background(), s, NewUser{Login: "kanri", Name: "管理 専任", Roles: []Role{RoleAdmin}, Password: []byte(testPassword)}); err != nil {
			t.Fatal(err)
		}
	})
	logins := map[Role]string{RoleReception: "uketsuke", RoleConsultant: "soudan", RoleCoordinator: "coord",
		RoleSupervisor: "kantoku", RoleAdmin: "kanri"}
	parent := f.t
	defer func() { f.t = parent }()
	for pass, role := range AllRoles() {
		t.Run(string(role), func(t *testing.T) {
			f.t = t
			e := preparePass(f, pass+1)
			type pending struct {
				label, action, object string
				from, to              uint64
			}
			var checks []pending
			allowedN, refusedN := 0, 0
			e.s = f.login(logins[role])
			for _, c := range cases {
				allowed := c.perm == permAny || slices.Contains(permRoles[c.perm], role)
				want := c.event(role)
				before := storeStateOf(t, f.o)
				obj, err := c.call(e)
				after := storeStateOf(t, f.o)
				switch {
				case allowed && err != nil:
					t.Errorf("%s as %s: %v", c.label(), role, err)
				case allowed && want == "":
					allowedN++
					if d := before.diff(after); d != "" {
						t.Errorf("%s as %s is a read that logs nothing, but it changed %s", c.label(), role, d)
					}
				case allowed:
					allowedN++
					if after.head.Seq <= before.head.Seq {
						t.Errorf("%s as %s wrote no access-log event", c.label(), role)
						continue
					}
					checks = append(checks, pending{c.label(), want, obj, before.head.Seq, after.head.Seq})
				case !errors.Is(err, ErrForbidden):
					t.Errorf("%s as %s: got %v, want ErrForbidden", c.label(), role, err)
				default:
					refusedN++
					if d := before.diff(after); d != "" {
						t.Errorf("%s as %s was refused but changed %s", c.label(), role, d)
					}
				}
			}
			f.logout()
			// Read the log back through the office, as the supervisor reads it.
			f.as("kantoku", func(s *Session) {
				evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{User: logins[role]})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range checks {
					found := false
					for _, ev := range evs {
						if ev.Seq > c.from && ev.Seq <= c.to && ev.Action == c.action && (c.object == "" || ev.Object == c.object) {
							found = true
						}
					}
					if !found {
						t.Errorf("%s as %s: no %q event on %q by %s among events %d..%d", c.label, role, c.action, c.object, logins[role], c.from+1, c.to)
					}
				}
			})
			t.Logf("%s: %d calls allowed, %d refused", role, allowedN, refusedN)
			if allowedN == 0 || refusedN+allowedN != len(cases) {
				t.Errorf("%d allowed + %d refused of %d calls", allowedN, refusedN, len(cases))
			}
		})
	}
}

// preparePass makes, as the first admin (admin and supervisor), the records
// one role's calls work on.
func preparePass(f *fixture, pass int) *permEnv {
	t := f.t
	t.Helper()
	ctx := context.Background()
	e := &permEnv{f: f, ctx: ctx, pass: pass, day: "2026-10-01"}
	f.as("admin", func(s *Session) {
		o := f.o
		must := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("prepare %s: %v", what, err)
			}
		}
		v := &record.Venue{Name: fmt.Sprintf("権限確認室%d", pass), Capacity: 1, Active: true}
		must("venue", o.SaveVenue(ctx, s, v))
		st := &record.Staff{Name: fmt.Sprintf("権限 相談員%d", pass), Kana: "ケンゲン ソウダンイン", Role: "相談員", Active: true}
		must("staff", o.SaveStaff(ctx, s, st))
		p := &record.Program{Level: "市区", Name: "権限確認支援", Active: true}
		must("program", o.SaveProgram(ctx, s, p))
		e.venue, e.staff, e.program = v.ID, st.ID, p.ID
		for _, id := range []*string{&e.biz, &e.mergeFrom, &e.mergeInto} {
			b := e.newBusiness()
			must("business", o.SaveBusiness(ctx, s, b, SaveBusinessOptions{}))
			*id = b.ID
		}
		r := e.newReservation("13:00", "14:00")
		must("reservation", o.SaveReservation(ctx, s, r))
		r2 := e.newReservation("15:00", "16:00")
		must("reservation", o.SaveReservation(ctx, s, r2))
		e.res, e.resStatus = r.ID, r2.ID
		for _, id := range []*string{&e.cons, &e.consApprove, &e.consSendBack} {
			c := e.newConsultation(record.StConfirmed)
			must("consultation", o.SaveConsultation(ctx, s, c))
			*id = c.ID
		}
		d := e.newDispatch()
		must("dispatch", o.SaveDispatch(ctx, s, d))
		e.dispatch = d.ID
		sem := e.newSeminar()
		must("seminar", o.SaveSeminar(ctx, s, sem))
		e.seminar = sem.ID
		for _, id := range []*string{&e.app, &e.appMark} {
			a := e.newApplication()
			must("application", o.SaveApplication(ctx, s, a))
			*id = a.ID
		}
		for i, u := range []*string{&e.userReset, &e.userRoles, &e.userDisable} {
			*u = fmt.Sprintf("target%d-%d", pass, i)
			must("user", o.AddUser(ctx, s, NewUser{Login: *u, Name: "対象 職員", Roles: []Role{RoleReception}, Password: []byte(testPassword)}))
		}
		e.userAdd = fmt.Sprintf("added%d", pass)
		for _, c := range []struct {
			id         *string
			start, end string
		}{{&e.eraseRes, "19:00", "19:30"}, {&e.eraseApply, "19:30", "20:00"}, {&e.erased, "20:00", "20:30"}} {
			r := e.newReservation(c.start, c.end)
			must("reservation", o.SaveReservation(ctx, s, r))
			*c.id = r.ID
		}
		plan, err := o.PlanErase(ctx, s, []string{e.eraseApply}, ReasonRequest)
		must("plan", err)
		order := &PurgeOrder{Reason: plan.Reason, Items: plan.Items}
		must("order", o.signOrder(s, order))
		e.order = order.Marshal()
		plan, err = o.PlanErase(ctx, s, []string{e.erased}, ReasonRequest)
		must("plan", err)
		res, err := o.Erase(ctx, s, plan)
		must("erase", err)
		e.erasedOrder = res.Order.Hash()
	})
	return e
}

// storeState is what a call could change: the access-log head, the newest
// revision written, every stored record with its head revision, and the
// keyring file.
type storeState struct {
	head    audit.Head
	hlc     string
	records string
	keyring string
}

func storeStateOf(t *testing.T, o *Office) storeState {
	t.Helper()
	st := storeState{head: o.head}
	if b, err := o.store.Meta(metaHLC); err == nil {
		st.hlc = string(b)
	}
	kinds := []string{approvalKind, string(record.KindLedger)}
	for _, k := range record.Kinds() {
		kinds = append(kinds, string(k), caseKind(k))
	}
	sort.Strings(kinds)
	var b strings.Builder
	for _, k := range kinds {
		ids, err := o.store.IDs(k)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			v, err := o.store.Head(id)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s@%s\n", k, id, v.Rev)
		}
	}
	st.records = b.String()
	raw, err := os.ReadFile(filepath.Join(o.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	st.keyring = string(raw)
	return st
}

// diff names what differs between two states, "" when nothing does.
func (a storeState) diff(b storeState) string {
	var out []string
	if a.head != b.head {
		out = append(out, fmt.Sprintf("the access log (%d events → %d)", a.head.Seq, b.head.Seq))
	}
	if a.hlc != b.hlc {
		out = append(out, "the newest revision")
	}
	if a.records != b.records {
		out = append(out, "the stored records")
	}
	if a.keyring != b.keyring {
		out = append(out, "keyring.json")
	}
	return strings.Join(out, ", ")
}
