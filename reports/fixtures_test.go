package reports

import (
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Dummy data for the tests: made-up businesses and people only.

func testFooter() Footer {
	return Footer{
		PrintedBy: "受付 太郎",
		PrintedAt: time.Date(2026, 10, 1, 8, 30, 0, 0, time.UTC),
		DocID:     "DOC-2026-0001",
	}
}

func testBusiness() record.Business {
	return record.Business{
		Meta: record.Meta{ID: "B-TEST000001"},
		Name: "テスト商店", Kana: "テストショウテン", Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Employees: 8, Postal: "160-0023", Prefecture: "東京都",
		City: "新宿区", Address: "西新宿9-9-9 テストビル3階", Ward: "新宿区",
		Phone: "03-5555-0101", Email: "info@example.jp", Contact: "見本 花子",
	}
}

func testPrograms() []record.Program {
	p := func(id, level, name string, active bool) record.Program {
		return record.Program{Meta: record.Meta{ID: id}, Level: level, Name: name, Active: active}
	}
	return []record.Program{
		p("G-1", "市区", "区の事業継続支援金", true),
		p("G-2", "市区", "区の家賃補助", true),
		p("G-3", "都道府県", "都の感染拡大防止協力金", true),
		p("G-4", "都道府県", "都の販路開拓支援", true),
		p("G-5", "国", "持続化給付金", true),
		p("G-6", "国", "家賃支援給付金", true),
		p("G-7", "国", "ものづくり・商業・サービス補助金", true),
		p("G-8", "国", "小規模事業者持続化補助金", true),
		p("G-9", "国", "IT導入補助金", true),
		p("G-10", "国", "廃止された旧制度", false),
	}
}

func testReservation() record.Reservation {
	return record.Reservation{
		Meta: record.Meta{ID: "R-TEST000001"},
		Date: "2026-10-01", Start: "10:00", End: "11:00", VenueID: "V-1", ConsultantID: "P-1",
		BusinessID: "B-TEST000001", Channel: "電話", ReceivedOn: "2026-09-24", ReceivedBy: "uketsuke",
		Checks: record.ReservationChecks{
			Subsidy: "している", Loan: "していない",
			WantedProgram: "知りたい制度はあるが、名称がわからない。新聞に載っていた家賃の補助について聞きたい。",
			VisitCount:    2,
		},
		Status: record.ResBooked,
	}
}

func testConsultation(summary string) record.Consultation {
	return record.Consultation{
		Meta:       record.Meta{ID: "C-TEST000001"},
		BusinessID: "B-TEST000001", ReservationID: "R-TEST000001", ConsultantID: "P-1",
		Date: "2026-10-01", Start: "10:00", End: "10:50", Minutes: 50, Mode: "窓口",
		Category: "小規模事業者", Status: record.StConfirmed,
		Case: &record.ConsultationCase{
			Topics:     []string{"利用できる支援策", "その他"},
			TopicOther: "資金繰り表の作り方",
			Programs:   []string{"G-3", "G-6", "G-10"},
			Troubles:   []string{"売上の減少", "受注・利用者減少"},
			SalesDrop:  "50%以上減少",
			Loan:       record.Loan{Lender: "テスト信用金庫", Amount: 3000000, Purpose: "運転資金", Status: "検討中"},
			Summary:    summary,
			Guidance: "家賃支援給付金：対象経費や手続きの流れを説明しました。\n" +
				"都の感染拡大防止協力金：概要のみお伝えし、専用窓口（03-5555-0199）をご案内しました。",
			Impression: "詳細な説明を対話で聞けるのはありがたいとおっしゃっていました。またご相談に来られるかもしれません。",
			Note:       "資料一式を手渡し済み。",
			NextAction: "申請書の下書きを確認する",
			NextDue:    "2026-10-15",
		},
	}
}

func testSheetInput(summary string) SheetInput {
	res := testReservation()
	c := testConsultation(summary)
	return SheetInput{
		Business: testBusiness(), Reservation: &res, Consultation: &c,
		ConsultantName: "相談 一郎", VenueName: "本庁舎 第1相談室", Programs: testPrograms(),
	}
}

// longJapanese returns a paragraph of more than n characters mixing kanji,
// kana, punctuation, Latin words and digits.
func longJapanese(n int) string {
	parts := []string{
		"新聞に載っていた制度の概要が知りたいとのこと。",
		"売上は前年同月比で約45%減少しており、",
		"「家賃支援給付金」と「持続化補助金」（一般型）の違いを説明した。",
		"申請はWebサイト https://example.jp/apply から行い、",
		"必要書類は確定申告書の控え・売上台帳・賃貸借契約書などである。",
		"ITツールの導入（POSレジ、クラウド会計 freee 等）も検討中とのこと。",
		"次回はー緒に申請書を確認する予定ゃ。",
		"電話番号は03-5555-0101、メールはinfo@example.jpです！",
	}
	var b strings.Builder
	for i := 0; b.Len() < n*3; i++ {
		b.WriteString(parts[i%len(parts)])
	}
	return b.String()
}

func testReservationInput() ReservationInput {
	return ReservationInput{
		Reservation: testReservation(), Business: testBusiness(),
		VenueName: "本庁舎 第1相談室", ConsultantName: "相談 一郎", ReceivedByName: "受付 太郎",
	}
}

func testScheduleRows() []ScheduleRow {
	return []ScheduleRow{
		{Start: "13:00", End: "14:00", Venue: "本庁舎 第1相談室", Consultant: "相談 一郎", Business: "テスト工業株式会社", Phone: "03-5555-0103", Status: "予約", Channel: "Web"},
		{Start: "10:00", End: "11:00", Venue: "本庁舎 第1相談室", Consultant: "相談 一郎", Business: "テスト商店", Phone: "03-5555-0101", Status: "来所", Channel: "電話"},
		{Start: "10:00", End: "10:30", Venue: "本庁舎 第2相談室", Consultant: "見本 次郎", Business: "サンプル食堂", Phone: "03-5555-0102", Status: "予約", Channel: "窓口", WalkIn: true},
		{Start: "11:00", End: "12:00", Venue: "本庁舎 第1相談室", Consultant: "試験 三郎", Business: "例示デザイン事務所", Phone: "03-5555-0104", Status: "無断キャンセル", Channel: "メール"},
		{Start: "15:00", End: "16:00", Venue: "本庁舎 第2相談室", Consultant: "見本 次郎", Business: "ダミー運輸有限会社", Phone: "03-5555-0105", Status: "キャンセル", Channel: "電話"},
	}
}

func testAttendanceInput() AttendanceInput {
	names := []string{"テスト商店", "サンプル食堂", "例示デザイン事務所", "ダミー運輸有限会社", "見本ベーカリー"}
	people := []string{"見本 花子", "試験 太郎", "例示 次郎", "仮名 三子", "架空 四郎"}
	statuses := []string{record.AppApplied, record.AppAttended, record.AppWaiting, record.AppCanceled, record.AppAbsent}
	var apps []record.Application
	for i := range names {
		apps = append(apps, record.Application{
			Meta:         record.Meta{ID: "A-TEST00000" + string(rune('1'+i))},
			SeminarID:    "S-TEST000001",
			BusinessName: names[i], PersonName: people[i], Phone: "03-5555-011" + string(rune('0'+i)),
			Email: "info@example.jp", AppliedOn: "2026-09-0" + string(rune('9'-i)), Status: statuses[i],
		})
	}
	return AttendanceInput{
		Seminar: record.Seminar{
			Meta:  record.Meta{ID: "S-TEST000001"},
			Title: "はじめての補助金申請セミナー", Date: "2026-10-20", Start: "14:00", End: "16:00",
			Capacity: 30, Lecturer: "講師 五郎（中小企業診断士）",
		},
		VenueName:    "区民会館 第3会議室",
		Applications: apps,
	}
}

func testStatsInput() StatsInput {
	return StatsInput{
		Title: "統計報告（2026年10月）", Period: "2026年10月1日〜2026年10月31日（令和8年10月）",
		Consultations: 42, UniqueBusinesses: 35, Reservations: 48, NoShows: 3,
		Dispatches: 4, SeminarAttendance: 27,
		Tables: []Table{
			{Title: "相談内容区分", Rows: []Count{{"利用できる支援策", 20}, {"個別支援策の内容", 12}, {"制度の詳細", 8}, {"申請書の記載方法", 6}, {"その他", 2}}},
			{Title: "相談形態", Rows: []Count{{"窓口", 30}, {"電話", 8}, {"オンライン", 3}, {"派遣先", 1}}},
			{Title: "お困りごと", Rows: []Count{{"売上の減少", 25}, {"調達困難", 3}, {"受注・利用者減少", 10}, {"取引・イベント延期", 4}, {"感染防止対策", 0}, {"その他", 5}}},
		},
	}
}

func testLedgerRows(n int) []LedgerRow {
	base := time.Date(2026, 10, 1, 0, 30, 0, 0, time.UTC)
	rows := make([]LedgerRow, n)
	for i := range rows {
		rows[i] = LedgerRow{
			At: base.Add(time.Duration(i) * 7 * time.Hour), Handler: "相談 一郎",
			Content: "相談票（テスト商店 ほか" + strconv.Itoa(i+1) + "件）の写し", Quantity: i%5 + 1,
			Recipient: "区 産業振興課", Method: "暗号化メール", PasswordSeparately: i%3 != 2,
		}
	}
	return rows
}

func testDeletionInput() DeletionInput {
	return DeletionInput{
		Office: "テスト区 経営相談窓口", Reason: "保存期間（5年）の満了による定期消去",
		RequestedBy: "運営 責任者", ApprovedBy: "監督 職員",
		At: time.Date(2026, 10, 31, 7, 0, 0, 0, time.UTC),
		Items: []DeletionItem{
			{ID: "C-TEST000001", Kind: "consultation", Versions: 3, LastOn: "2021-04-12", DeletedAt: "2026-10-31 16:00"},
			{ID: "C-TEST000002", Kind: "consultation", Versions: 1, LastOn: "2021-05-20", DeletedAt: "2026-10-31 16:00"},
			{ID: "B-TEST000009", Kind: "business", Versions: 2, LastOn: "2021-04-10", DeletedAt: "2026-10-31 16:00"},
		},
		Order:         "3f2a9c0e1b7d4a55（監督 職員 の署名）",
		ServerReceipt: "RCPT-2026-10-31-0001",
	}
}

func testImportReport(rejected int) ImportReport {
	rep := ImportReport{Source: "事業者一覧.csv", Kind: "事業者", Encoding: "Shift_JIS（CP932）", HeaderLine: 3,
		Total: 1000, Accepted: 1000 - rejected, Duplicates: rejected / 3,
		Columns: []ImportColumn{{"会社名", "事業所名"}, {"ふりがな", "フリガナ"}, {"TEL", "電話番号"}, {"社内コード", ""}}}
	for i := range rejected {
		reason := "電話番号の形式が正しくありません（例: 03-1234-5678）"
		if i%3 == 0 {
			reason = "保管庫の事業者「テスト商店" + strconv.Itoa(i) + "」（B-TEST" + strconv.Itoa(i) + "）と同じ事業者のようです"
		}
		rep.Rejected = append(rep.Rejected, ImportRejected{Line: 10 + i, Name: "テスト商店" + strconv.Itoa(i), Reason: reason})
	}
	return rep
}
