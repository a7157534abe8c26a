package ui

import "madoguchi/app/office"

// workScreens are the screens of consultants, coordinators, supervisors and
// admins: 相談記録, 専門家派遣, セミナー, 承認, 統計, アクセスログ, 利用者, マスタ.
func workScreens() []Screen {
	return []Screen{
		{Key: "consultations", Title: "相談記録", Allowed: workMay(office.PermCase), Build: buildConsultations},
		{Key: "approvals", Title: "承認", Allowed: workMay(office.PermApprove), Build: buildApprovals},
	}
}

// workMay returns an Allowed func that asks Session.May(p).
func workMay(p office.Permission) func(*office.Session) bool {
	return func(s *office.Session) bool { return s.May(p) }
}
