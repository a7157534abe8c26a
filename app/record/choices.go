package record

// The choice lists of the municipal forms 別紙1 and 別紙2 (docs/DATA.md). They are
// functions, not variables, so no caller can change them for everyone.

// Forms lists 法人 / 個人事業主.
func Forms() []string { return []string{"法人", "個人事業主"} }

// Categories lists the 相談者区分.
func Categories() []string {
	return []string{"中小企業", "小規模事業者", "個人事業者", "その他"}
}

// Industries lists the 大分類 of the 日本標準産業分類.
func Industries() []string {
	return []string{
		"A 農業，林業", "B 漁業", "C 鉱業，採石業，砂利採取業", "D 建設業", "E 製造業",
		"F 電気・ガス・熱供給・水道業", "G 情報通信業", "H 運輸業，郵便業", "I 卸売業，小売業",
		"J 金融業，保険業", "K 不動産業，物品賃貸業", "L 学術研究，専門・技術サービス業",
		"M 宿泊業，飲食サービス業", "N 生活関連サービス業，娯楽業", "O 教育，学習支援業",
		"P 医療，福祉", "Q 複合サービス事業", "R サービス業（他に分類されないもの）",
		"S 公務（他に分類されるものを除く）", "T 分類不能の産業",
	}
}

// Prefectures lists the 47 都道府県.
func Prefectures() []string {
	return []string{
		"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
		"埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
		"岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
		"鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
		"佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
	}
}

// Channels lists how a reservation came in.
func Channels() []string { return []string{"電話", "窓口", "Web", "メール"} }

// Reservation statuses.
const (
	ResBooked   = "予約"
	ResVisited  = "来所"
	ResCanceled = "キャンセル"
	ResNoShow   = "無断キャンセル"
)

// ReservationStatuses lists the reservation statuses.
func ReservationStatuses() []string { return []string{ResBooked, ResVisited, ResCanceled, ResNoShow} }

// UndoVisitReasons lists why a 来所 is taken back. The access log keeps
// the reason, so it is chosen from this list and never typed: a typed
// reason could carry a name into the log.
func UndoVisitReasons() []string {
	return []string{"押し間違い（別の予約の来所を押した）", "来所されていなかった", "その他"}
}

// CheckAnswers lists the answers to the yes/no 確認事項 of 別紙1.
func CheckAnswers() []string { return []string{"している", "していない", "予定", "不明"} }

// Modes lists the consultation modes.
func Modes() []string { return []string{"窓口", "電話", "オンライン", "派遣先"} }

// Consultation statuses.
const (
	StDraft     = "下書き"
	StConfirmed = "確定"
	StReturned  = "差戻し"
	StApproved  = "承認済"
)

// ConsultationStatuses lists the consultation record statuses.
func ConsultationStatuses() []string { return []string{StDraft, StConfirmed, StReturned, StApproved} }

// Topics lists the 相談内容区分.
func Topics() []string {
	return []string{"利用できる支援策", "個別支援策の内容", "制度の詳細", "申請書の記載方法", "その他"}
}

// Troubles lists the お困りごと.
func Troubles() []string {
	return []string{"売上の減少", "調達困難", "受注・利用者減少", "取引・イベント延期", "感染防止対策", "その他"}
}

// SalesDrops lists the 売上減少の状況.
func SalesDrops() []string {
	return []string{"変動なし", "30%以上減少", "50%以上減少", "80%以上減少"}
}

// LoanStatuses lists the states of a 融資斡旋.
func LoanStatuses() []string { return []string{"検討中", "斡旋済", "実行済", "見送り"} }

// Dispatch statuses.
const (
	DisRequested = "申請"
	DisApproved  = "承認"
	DisHeld      = "実施"
	DisDone      = "完了"
	DisCanceled  = "取消"
)

// DispatchStatuses lists the dispatch statuses.
func DispatchStatuses() []string {
	return []string{DisRequested, DisApproved, DisHeld, DisDone, DisCanceled}
}

// Qualifications lists adviser qualifications.
func Qualifications() []string {
	return []string{"中小企業診断士", "税理士", "社会保険労務士", "行政書士", "弁護士", "司法書士", "弁理士", "その他"}
}

// Application statuses.
const (
	AppApplied  = "申込"
	AppWaiting  = "キャンセル待ち"
	AppAttended = "出席"
	AppAbsent   = "欠席"
	AppCanceled = "キャンセル"
)

// ApplicationStatuses lists the seminar application statuses.
func ApplicationStatuses() []string {
	return []string{AppApplied, AppWaiting, AppAttended, AppAbsent, AppCanceled}
}

// StaffRoles lists the kinds of people in the staff master.
func StaffRoles() []string { return []string{"相談員", "専門家"} }

// ProgramLevels lists who runs a support program.
func ProgramLevels() []string { return []string{"市区", "都道府県", "国"} }
