package ui

import "github.com/madoguchi-jp/madoguchi/app/office"

// workScreens are the screens of consultants, coordinators, supervisors and
// admins: 相談記録, 専門家派遣, セミナー, 承認, 統計, アクセスログ, 利用者, マスタ.
func workScreens() []Screen {
	return []Screen{
		{Key: "consultations", Title: "相談記録", Allowed: workMay(office.PermCase), Build: buildConsultations},
		{Key: "dispatches", Title: "専門家派遣", Allowed: workMay(office.PermCase), Build: buildDispatches},
		{Key: "seminars", Title: "セミナー", Allowed: seminarAllowed, Build: buildSeminars},
		{Key: "approvals", Title: "承認", Allowed: workMay(office.PermApprove), Build: buildApprovals},
		{Key: "stats", Title: "統計", Allowed: workMay(office.PermStats), Build: buildStats},
		{Key: "audit", Title: "アクセスログ", Allowed: workMay(office.PermAudit), Build: buildAudit},
		{Key: "users", Title: "利用者", Allowed: workMay(office.PermUsers), Build: buildUsers},
		{Key: "masters", Title: "マスタ", Allowed: workMay(office.PermMasters), Build: buildMasters},
	}
}

// workMay returns an Allowed func that asks Session.May(p).
func workMay(p office.Permission) func(*office.Session) bool {
	return func(s *office.Session) bool { return s.May(p) }
}

// seminarAllowed lets in those who edit seminars or take applications.
func seminarAllowed(s *office.Session) bool {
	return s.May(office.PermSeminar) || s.May(office.PermApplications)
}
