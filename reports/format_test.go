package reports

import (
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

func TestFormatHelpers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"yen", yen(3000000), "3,000,000円"},
		{"yen small", yen(999), "999円"},
		{"yen thousand", yen(1000), "1,000円"},
		{"yen negative", yen(-1500), "-1,500円"},
		{"yen zero", yen(0), ""},
		{"time range", timeRange("10:00", "10:50", 0), "10:00〜10:50（50分）"},
		{"time range given minutes", timeRange("10:00", "10:50", 45), "10:00〜10:50（45分）"},
		{"time range blank", timeRange("", "", 0), "　　：　　〜　　：　　（　　　分）"},
		{"time range malformed", timeRange("10時", "11時", 0), "10時〜11時"},
		{"percent", percent(3, 48), "6.3%"},
		{"percent half up", percent(1, 8), "12.5%"},
		{"percent none", percent(0, 0), "－"},
		{"no-shows", noShows(3, 48), "3件（6.3%）"},
		{"visits first", visits(1), "初回"},
		{"visits again", visits(3), "3回目"},
		{"visits unknown", visits(0), ""},
		{"count", count(8, "人"), "8人"},
		{"count zero", count(0, "人"), ""},
		{"mark yes", mark(true), "○"},
		{"mark no", mark(false), "－"},
		{"address", address(record.Business{Postal: "160-0023", Prefecture: "東京都", City: "新宿区", Address: "西新宿1"}), "〒160-0023 東京都新宿区西新宿1"},
		{"note both", joinNote("記録番号", "C-1", "状態", "確定"), "記録番号 C-1　状態 確定"},
		{"note second only", joinNote("記録番号", "", "状態", "確定"), "状態 確定"},
		{"kind known", kindName("consultation"), "相談記録"},
		{"kind unknown", kindName("attachment"), "attachment"},
		{"kind counts", kindCounts([]DeletionItem{{Kind: "consultation", Versions: 2}, {Kind: "business", Versions: 1}, {Kind: "consultation", Versions: 1}, {Kind: "x", Versions: 1}}),
			"4件（事業者 1件、相談記録 2件、x 1件）　版数 計5"},
		{"applied", applied([]record.Application{{Status: record.AppApplied}, {Status: record.AppCanceled}, {Status: record.AppWaiting}}), "2名（うちキャンセル待ち 1名）"},
		{"applied none waiting", applied([]record.Application{{Status: record.AppAttended}}), "1名"},
		{"stamp", formatStamp(testFooter().PrintedAt), "2026年10月1日 17:30（JST）"},
		{"minute", formatMinute(testFooter().PrintedAt), "2026/10/01 17:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestDateFormats(t *testing.T) {
	tests := []struct {
		name    string
		fn      func(string, string) (string, error)
		in      string
		want    string
		wantErr bool
	}{
		{"both", dateBoth, "2026-10-01", "2026年10月1日（木）　令和8年10月1日", false},
		{"both empty", dateBoth, "", "", false},
		{"both bad", dateBoth, "2026-02-30", "", true},
		{"jp", dateJP, "2026-10-15", "2026年10月15日（木）", false},
		{"short", dateShort, "2026-09-01", "2026/09/01", false},
		{"short bad", dateShort, "9/1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn("日付", tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSortSchedule(t *testing.T) {
	got := sortSchedule(testScheduleRows())
	want := []string{"相談 一郎 10:00", "相談 一郎 13:00", "試験 三郎 11:00", "見本 次郎 10:00", "見本 次郎 15:00"}
	for i, r := range got {
		if s := r.Consultant + " " + r.Start; s != want[i] {
			t.Errorf("row %d = %q, want %q", i, s, want[i])
		}
	}
	if in := testScheduleRows(); in[0].Start != "13:00" {
		t.Error("sortSchedule changed its input")
	}
}

func TestProgramChoices(t *testing.T) {
	s := &sheet{in: SheetInput{Programs: testPrograms()}}
	c := record.ConsultationCase{Programs: []string{"G-5", "G-10", "G-99"}, ProgramOther: "区の融資"}
	var got []string
	for _, ch := range s.programChoices(c) {
		if ch.on {
			got = append(got, ch.label)
		}
	}
	want := []string{"持続化給付金", "廃止された旧制度", "G-99", "その他（区の融資）"}
	if len(got) != len(want) {
		t.Fatalf("ticked %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ticked %q, want %q", got, want)
		}
	}
}
