package bookingproto

import (
	"strings"
	"testing"
)

func goodForm() Form {
	return Form{Business: "株式会社テスト商店", Kana: "テストショウテン", Contact: "試験 花子", Phone: "03-5555-0101",
		Email: "hanako@example.jp", Ward: "さくら区", Industry: "E 製造業", Employees: 5, Topic: "運転資金の相談",
		Subsidy: "していない", Loan: "予定", Privacy: true}
}

func TestFormCheck(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Form)
		fields string
	}{
		{"good", func(*Form) {}, ""},
		{"no kana is fine", func(f *Form) { f.Kana = "" }, ""},
		{"nothing typed", func(f *Form) { *f = Form{} }, "business contact phone email topic subsidy loan privacy"},
		{"blank name", func(f *Form) { f.Business = "　 " }, "business"},
		{"long name", func(f *Form) { f.Business = strings.Repeat("あ", MaxBusiness+1) }, "business"},
		{"hiragana kana", func(f *Form) { f.Kana = "てすと" }, "kana"},
		{"bad phone", func(f *Form) { f.Phone = "03-ABCD" }, "phone"},
		{"bad e-mail", func(f *Form) { f.Email = "hanako at example" }, "email"},
		{"e-mail with a space", func(f *Form) { f.Email = "hanako @example.jp" }, "email"},
		{"unknown industry", func(f *Form) { f.Industry = "Z 宇宙業" }, "industry"},
		{"negative employees", func(f *Form) { f.Employees = -1 }, "employees"},
		{"unknown answer", func(f *Form) { f.Loan = "たぶん" }, "loan"},
		{"control character", func(f *Form) { f.Contact = "試験\x00花子" }, "contact"},
		{"invalid UTF-8", func(f *Form) { f.Topic = "\xff\xfe" }, "topic"},
		{"no consent", func(f *Form) { f.Privacy = false }, "privacy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := goodForm()
			c.change(&f)
			var got []string
			for _, p := range f.Check() {
				got = append(got, p.Field)
				if p.Ja == "" || p.En == "" || !strings.HasSuffix(p.Ja, "。") {
					t.Errorf("%s: message %+v", p.Field, p)
				}
			}
			if strings.Join(got, " ") != c.fields {
				t.Errorf("problems in %q, want %q", strings.Join(got, " "), c.fields)
			}
		})
	}
}

func TestDecodeStatusUpdate(t *testing.T) {
	for _, c := range []struct {
		raw string
		ok  bool
	}{
		{`{"ref":"WB-AB12-CD34","status":"確定"}`, true},
		{`{"ref":"WB-AB12-CD34","status":"お断り","reason":"都合がつかないため"}`, true},
		{`{"ref":"WB-AB12-CD34","status":"お断り"}`, false},
		{`{"ref":"WB-AB12-CD34","status":"受付中"}`, false},
		{`{"ref":"../x","status":"確定"}`, false},
		{`{"ref":"WB-AB12-CD34","status":"確定","extra":1}`, false},
		{`{"ref":"WB-AB12-CD34","status":"確定"} {}`, false},
	} {
		if _, err := DecodeStatusUpdate([]byte(c.raw)); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.raw, err)
		}
	}
}

func FuzzDecodePublication(f *testing.F) {
	f.Add([]byte(`{"serial":1,"office":"x","public_key":"AAAA","key_id":"k","slots":[{"id":"s","venue":"v","venue_id":"V","kind":"経営相談","start":"2026-10-02T09:00:00+09:00","end":"2026-10-02T10:00:00+09:00","capacity":1}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := DecodePublication(raw)
		if err != nil {
			return
		}
		if len(p.Slots) > MaxSlots || p.Serial == 0 || p.KeyID == "" {
			t.Fatalf("accepted %+v", p)
		}
		for _, s := range p.Slots {
			if !s.Start.Before(s.End) || s.Capacity < 1 || s.Capacity > MaxCapacity {
				t.Fatalf("accepted slot %+v", s)
			}
		}
	})
}

func FuzzDecodeStatusUpdate(f *testing.F) {
	f.Add([]byte(`{"ref":"WB-AB12-CD34","status":"お断り","reason":"都合がつかないため"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		u, err := DecodeStatusUpdate(raw)
		if err == nil && (!ValidRef(u.Ref) || u.Status == StatusReceived || u.Status == StatusDeclined && u.Reason == "") {
			t.Fatalf("accepted %+v", u)
		}
	})
}
