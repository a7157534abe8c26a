package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// DeletionItem is one deleted record: its id, kind (a record.Kind such as
// "consultation"), how many versions were erased, the date its retention
// ran from (基準日: its last date) and when it was deleted, as printed.
type DeletionItem struct {
	ID, Kind          string
	Versions          int
	LastOn, DeletedAt string
}

// DeletionInput is a deletion (消去) to report: the office, why, who asked
// and who approved, when, the records, the signed order that erased them
// (its hash) and the central server's receipt.
type DeletionInput struct {
	Office, Reason, RequestedBy, ApprovedBy string
	At                                      time.Time
	Items                                   []DeletionItem
	Order, ServerReceipt                    string
}

// deletionCols are the columns of the list of deleted records.
func deletionCols() []column {
	return []column{
		{title: "No", w: 10, align: "R"}, {title: "記録ID", w: 40}, {title: "種別", w: 32},
		{title: "版数", w: 14, align: "R"}, {title: "基準日", w: 34, align: "C"}, {title: "消去日時", w: 50, align: "C"},
	}
}

// DeletionReport renders a 消去報告書: what was deleted (ids, kinds, counts,
// dates), why, and by whom, never the content of a record, with lines for
// the signatures of 消去実施者 and 確認者.
func (r *Renderer) DeletionReport(in DeletionInput, f Footer) ([]byte, error) {
	if in.At.IsZero() {
		return nil, fmt.Errorf("deletion report: 消去日時 is missing")
	}
	return r.render("消去報告書", "deletion report", f, func(d *doc) {
		d.title("消去報告書", "")
		deletionSummary(d, in)
		d.gap(2)
		d.paragraph(0, "本報告書には、消去した記録の識別子・種別・件数・日付のみを記載し、記録の内容は記載していない。")
		d.gap(2)
		cols := deletionCols()
		d.startTable("消去報告書（続き）", "", "", cols)
		for i, it := range in.Items {
			d.tableRow(cols, strconv.Itoa(i+1), it.ID, kindName(it.Kind), count(it.Versions, ""), it.LastOn, it.DeletedAt)
		}
		if len(in.Items) == 0 {
			d.none("消去した記録はありません。")
		}
		signatures(d)
	})
}

// deletionSummary draws who, when, why and how many.
func deletionSummary(d *doc, in DeletionInput) {
	at := in.At.In(jst())
	d.row(lbl(colL, "事業所"), val(colW, in.Office))
	d.row(lbl(colL, "消去日時"), val(colW, formatStamp(at)+"　"+record.FormatWareki(at)))
	d.row(lbl(colL, "消去理由"), val(colW, in.Reason))
	d.row(lbl(colL, "申請者"), val(colV, in.RequestedBy), lbl(colL2, "承認者"), val(colV2, in.ApprovedBy))
	d.row(lbl(colL, "消去件数"), val(colW, kindCounts(in.Items)))
	if in.Order != "" {
		d.row(lbl(colL, "消去指示"), val(colW, in.Order))
	}
	d.row(lbl(colL, "サーバ受領番号"), val(colW, in.ServerReceipt))
}

// kindCounts writes the number of records and versions per kind, in the
// order of record.Kinds: "3件（相談記録 2件、事業者 1件）　版数 計5".
func kindCounts(items []DeletionItem) string {
	n := map[string]int{}
	versions := 0
	for _, it := range items {
		n[it.Kind]++
		versions += it.Versions
	}
	var parts []string
	for _, k := range record.Kinds() {
		if n[string(k)] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d件", kindName(string(k)), n[string(k)]))
			delete(n, string(k))
		}
	}
	for _, it := range items { // kinds record does not know, in order of appearance
		if n[it.Kind] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d件", kindName(it.Kind), n[it.Kind]))
			delete(n, it.Kind)
		}
	}
	return fmt.Sprintf("%d件（%s）　版数 計%d", len(items), strings.Join(parts, "、"), versions)
}

// kindName is the Japanese name of a record kind; an unknown kind is shown
// as given.
func kindName(k string) string {
	switch record.Kind(k) {
	case record.KindBusiness:
		return "事業者"
	case record.KindReservation:
		return "予約"
	case record.KindConsultation:
		return "相談記録"
	case record.KindDispatch:
		return "専門家派遣"
	case record.KindSeminar:
		return "セミナー"
	case record.KindApplication:
		return "セミナー申込"
	case record.KindVenue:
		return "会場"
	case record.KindStaff:
		return "相談員・専門家"
	case record.KindProgram:
		return "支援策"
	}
	return k
}

// signatures draws the signature lines of 消去実施者 and 確認者.
func signatures(d *doc) {
	d.gap(8)
	d.ensure(4*lineH + 24)
	d.paragraph(0, "上記のとおり消去したことを報告します。")
	d.gap(8)
	d.signatureLine(margin, "消去実施者", "印")
	d.signatureLine(margin+95, "確認者", "印")
	d.gap(lineH + 8)
	d.signatureLine(margin, "日付", "")
	d.signatureLine(margin+95, "日付", "")
	d.gap(lineH)
}
