package ui

// workScreens are the screens of consultants, coordinators, supervisors and
// admins: 相談記録, 専門家派遣, セミナー, 承認, 統計, アクセスログ, 利用者, マスタ.
func workScreens() []Screen {
	return nil
}
