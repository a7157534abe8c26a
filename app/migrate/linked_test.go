package migrate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// linkedOffice stores two businesses (one by name and phone, one whose
// name two businesses share), a consultant and a venue.
func linkedOffice(t *testing.T) (*office.Office, *office.Session, map[string]string) {
	t.Helper()
	ctx := context.Background()
	o, s := newOffice(t)
	bs := []any{
		&record.Business{Name: "見本商店", Kana: "ミホンショウテン", Phone: "03-5550-0001"},
		&record.Business{Name: "同名工房", Kana: "ドウメイコウボウ", Phone: "03-5550-0002"},
		&record.Business{Name: "同名工房", Kana: "ドウメイコウボウ", Phone: "03-5550-0003"},
	}
	if err := o.ImportWhole(ctx, s, bs, office.ImportWholeOptions{Source: "businesses.csv"}); err != nil {
		t.Fatal(err)
	}
	st := &record.Staff{Name: "相談 一郎", Kana: "ソウダン イチロウ", Role: "相談員", Active: true}
	if err := o.SaveStaff(ctx, s, st); err != nil {
		t.Fatal(err)
	}
	v := &record.Venue{Name: "本庁舎 相談室A", Capacity: 2, Active: true}
	if err := o.SaveVenue(ctx, s, v); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"staff": st.ID, "venue": v.ID}
	for _, b := range bs {
		ids[b.(*record.Business).Phone] = b.(*record.Business).ID
	}
	return o, s, ids
}

// TestConsultationImport: past consultations are linked to their business
// by phone number or name, to the consultant by name; a row naming no
// business, two businesses, an unknown consultant, an approval, a bad date
// or the same business, day and start twice is rejected with its reason;
// the import lands whole and is in the 管理簿.
func TestConsultationImport(t *testing.T) {
	ctx := context.Background()
	o, s, ids := linkedOffice(t)
	csv := "相談記録（ダミー）\n" +
		"事業所名,電話番号,相談日,開始時刻,終了時刻,相談員,相談方法,相談内容,状態\n" +
		"見本商店,,令和6年4月1日,10:00,11:00,相談 一郎,窓口,資金繰りの相談（ダミー）,\n" +
		"同名工房,03-5550-0003,2024/4/2,13時,14時,相談一郎,電話,販路の相談（ダミー）,\n" +
		"同名工房,,2024/4/3,10:00,11:00,相談 一郎,窓口,名前だけでは決まらない,\n" +
		"架空商店,,2024/4/4,10:00,11:00,相談 一郎,窓口,登録のない事業者,\n" +
		"見本商店,,2024/4/5,10:00,11:00,山田 花子,窓口,知らない相談員,\n" +
		"見本商店,,2024/4/6,10:00,11:00,相談 一郎,窓口,承認済の行,承認済\n" +
		"見本商店,,2024/13/40,10:00,11:00,相談 一郎,窓口,日付の誤り,\n" +
		"見本商店,,令和6年4月1日,10:00,11:30,相談 一郎,窓口,同じ日と時刻,\n" +
		"見本商店,,2024/4/8,10:00,11:00,相談 一郎,窓口,,\n"
	tb := mustTable(t, csv)
	m := AutoMappingOf(record.KindConsultation, tb.Headers)
	r, err := Rehearse(ctx, o, s, "相談記録.csv", tb, m)
	if err != nil {
		t.Fatal(err)
	}
	if r.Accepted() != 2 || len(r.Rejected) != 7 || r.Total() != 9 {
		t.Fatalf("accepted %d, rejected %+v", r.Accepted(), r.Rejected)
	}
	want := map[int]string{
		5:  "「同名工房」に当たる事業者が複数あります",
		6:  "事業者「架空商店」が登録されていません",
		7:  "相談員「山田 花子」が相談員・専門家の一覧にありません",
		8:  "承認済のまま取り込むことはできません",
		9:  "相談日",
		10: "ファイルの3行目と同じ相談記録のようです",
		11: "相談の概要",
	}
	for _, x := range r.Rejected {
		if w, ok := want[x.Line]; !ok || !strings.Contains(x.Reason, w) {
			t.Errorf("line %d: %q, want %q", x.Line, x.Reason, want[x.Line])
		}
	}
	checkEnglish(t, r.Rejected)
	first, second := r.Linked[0].(*record.Consultation), r.Linked[1].(*record.Consultation)
	if first.BusinessID != ids["03-5550-0001"] || first.Date != "2024-04-01" || first.ConsultantID != ids["staff"] ||
		first.Status != record.StConfirmed || first.Case.Summary != "資金繰りの相談（ダミー）" {
		t.Errorf("first: %+v", first)
	}
	if second.BusinessID != ids["03-5550-0003"] || second.Start != "13:00" || second.Mode != "電話" {
		t.Errorf("second: %+v", second)
	}
	if err := Import(ctx, o, s, r, nil); err != nil {
		t.Fatal(err)
	}
	list, err := o.Consultations(ctx, s, office.ConsultationFilter{BusinessID: ids["03-5550-0001"]})
	if err != nil || len(list) != 1 {
		t.Fatalf("consultations of 見本商店: %+v %v", list, err)
	}
	// The same file again: the imported rows are now stored ones.
	again, err := Rehearse(ctx, o, s, "相談記録.csv", tb, m)
	if err != nil || again.Accepted() != 0 || !strings.Contains(again.Rejected[0].Reason, "登録済みの相談記録（"+list[0].ID+"）") {
		t.Fatalf("again: %d accepted, %+v %v", again.Accepted(), again.Rejected, err)
	}
	c, err := o.Consultation(ctx, s, list[0].ID)
	if err != nil || c.Case == nil || c.Case.Summary != "資金繰りの相談（ダミー）" {
		t.Fatalf("the imported consultation: %+v %v", c, err)
	}
	ledger, err := o.Ledger(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range ledger {
		found = found || e.Content == "取込 相談記録.csv 相談記録2件"
	}
	if !found {
		t.Errorf("no ledger row of the import: %+v", ledger)
	}
}

// TestReservationImport: reservations are linked to their business and
// venue; an unknown venue is rejected; the status defaults to 予約.
func TestReservationImport(t *testing.T) {
	ctx := context.Background()
	o, s, ids := linkedOffice(t)
	csv := "事業所名,電話番号,予約日,開始時刻,終了時刻,会場,受付方法,備考\n" +
		"見本商店,03-5550-0001,2026/10/20,10:00,11:00,本庁舎　相談室A,電話,ダミーの予約\n" +
		"見本商店,,2026/10/21,10:00,11:00,別館,電話,\n" +
		"見本商店,,2026/10/22,11:00,10:00,本庁舎 相談室A,電話,\n"
	tb := mustTable(t, csv)
	r, err := Rehearse(ctx, o, s, "予約.csv", tb, AutoMappingOf(record.KindReservation, tb.Headers))
	if err != nil {
		t.Fatal(err)
	}
	if r.Accepted() != 1 || len(r.Rejected) != 2 || !strings.Contains(r.Rejected[0].Reason, "会場「別館」") {
		t.Fatalf("accepted %d, rejected %+v", r.Accepted(), r.Rejected)
	}
	res := r.Linked[0].(*record.Reservation)
	if res.BusinessID != ids["03-5550-0001"] || res.VenueID != ids["venue"] || res.Status != record.ResBooked || res.Date != "2026-10-20" {
		t.Fatalf("reservation %+v", res)
	}
	if err := Import(ctx, o, s, r, nil); err != nil {
		t.Fatal(err)
	}
	got, err := o.ReservationsOn(ctx, s, "2026-10-20")
	if err != nil || len(got) != 1 || got[0].Note != "ダミーの予約" {
		t.Fatalf("reservations: %+v %v", got, err)
	}
}

// TestLinkedMappingNeedsTheBusiness: a mapping of consultations without a
// column naming the business, or without the date, is refused.
func TestLinkedMappingNeedsTheBusiness(t *testing.T) {
	tb := mustTable(t, "相談日,相談員,相談内容\n2024/4/1,相談 一郎,ダミー\n")
	_, err := CheckRows("x.csv", tb, AutoMappingOf(record.KindConsultation, tb.Headers))
	var fe *record.FieldError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "事業者を示す列") {
		t.Fatalf("%v", err)
	}
	tb = mustTable(t, "事業所名,相談員\n見本商店,相談 一郎\n")
	if _, err := CheckRows("x.csv", tb, AutoMappingOf(record.KindConsultation, tb.Headers)); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "相談日") {
		t.Fatalf("%v", err)
	}
}

// TestReservationImportBookings: a reservation the counter would refuse
// (the venue full, by stored reservations or by earlier rows of the file)
// is rejected with the reason; the venue's capacity is honoured.
func TestReservationImportBookings(t *testing.T) {
	ctx := context.Background()
	o, s, ids := linkedOffice(t) // the venue holds 2 at a time
	for i := 0; i < 2; i++ {
		r := &record.Reservation{Date: "2026-10-26", Start: "10:00", End: "11:00", VenueID: ids["venue"],
			BusinessID: ids["03-5550-0001"], Channel: "電話", Status: record.ResBooked}
		if err := o.SaveReservation(ctx, s, r); err != nil {
			t.Fatal(err)
		}
	}
	csv := "電話番号,予約日,開始時刻,終了時刻,会場\n" +
		"03-5550-0001,2026/10/25,10:00,11:00,本庁舎 相談室A\n" +
		"03-5550-0002,2026/10/25,10:30,11:30,本庁舎 相談室A\n" +
		"03-5550-0003,2026/10/25,10:45,11:15,本庁舎 相談室A\n" +
		"03-5550-0003,2026/10/25,11:30,12:00,本庁舎 相談室A\n" +
		"03-5550-0002,2026/10/26,10:30,11:30,本庁舎 相談室A\n"
	tb := mustTable(t, csv)
	r, err := Rehearse(ctx, o, s, "予約.csv", tb, AutoMappingOf(record.KindReservation, tb.Headers))
	if err != nil {
		t.Fatal(err)
	}
	if r.Accepted() != 3 || len(r.Rejected) != 2 {
		t.Fatalf("accepted %d, rejected %+v", r.Accepted(), r.Rejected)
	}
	checkEnglish(t, r.Rejected)
	if x := r.Rejected[0]; x.Line != 4 || !strings.Contains(x.Reason, "会場がファイルの2行目の予約で埋まっています（定員 2）") {
		t.Errorf("the third at once: %+v", x)
	}
	if x := r.Rejected[1]; x.Line != 6 || x.Reason == "" {
		t.Errorf("against the stored reservations: %+v", x)
	}
	t.Logf("refused against the stored: %s", r.Rejected[1].Reason)
}
