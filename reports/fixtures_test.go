package reports

import (
	"strings"
	"time"

	"madoguchi/app/record"
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
