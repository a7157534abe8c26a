package syncview

import "strings"

// fieldNames give the name of a record field (its JSON name) as the forms
// show it; the 競合 screen shows a field in 競合 by it.
var fieldNames = map[string]string{
	"name": "名称", "kana": "フリガナ", "form": "法人・個人", "category": "相談者区分", "industry": "業種", "employees": "従業員数",
	"postal": "郵便番号", "prefecture": "都道府県", "city": "市区町村", "address": "所在地", "ward": "行政区", "phone": "電話番号",
	"email": "メール", "rep_name": "代表者氏名", "rep_kana": "代表者フリガナ", "rep_birth": "代表者生年月日", "contact": "担当者名",
	"note": "備考", "merged_into": "統合先", "date": "日付", "start": "開始", "end": "終了", "venue_id": "会場",
	"consultant_id": "相談員", "business_id": "事業者", "channel": "受付方法", "received_on": "受付日", "received_by": "受付者",
	"checks": "確認事項", "status": "状態", "walk_in": "飛び込み", "subsidy": "給付金・補助金の申請", "loan": "融資",
	"wanted_program": "特に相談したい制度", "visit_count": "来所回数", "reservation_id": "予約", "minutes": "相談時間（分）",
	"mode": "相談形態", "topics": "相談内容区分", "topic_other": "相談内容区分（その他）", "programs": "支援策",
	"program_other": "支援策（その他）", "troubles": "お困りごと", "trouble_other": "お困りごと（その他）", "sales_drop": "売上減少の状況",
	"lender": "金融機関", "amount": "金額（円）", "purpose": "資金使途", "summary": "相談の概要", "guidance": "案内した制度",
	"impression": "所感", "next_action": "次回対応", "next_due": "次回対応の期限", "review_comment": "差戻しコメント",
	"case": "相談内容（要注意情報）", "adviser_id": "専門家", "theme": "テーマ", "requested_on": "申請日", "approved_on": "承認日",
	"held_on": "実施日", "hours": "時間", "report": "報告", "title": "タイトル", "online": "オンライン", "capacity": "定員",
	"lecturer": "講師", "seminar_id": "セミナー", "business_name": "事業所名", "person_name": "氏名", "applied_on": "申込日",
	"role": "区分", "qualification": "資格", "login": "ログインID", "active": "有効", "level": "実施主体",
}

// fieldName is the translated name of a field in 競合 ("case." before a
// case part's field, 要注意情報), or its JSON name when there is none.
func fieldName(key string) string {
	f, inCase := strings.CutPrefix(key, "case.")
	name := f
	if n, ok := fieldNames[f]; ok {
		name = tr(n)
	}
	if inCase {
		return tr("%s（要注意情報）", name)
	}
	return name
}
