package centraltest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// person is generated dummy data: what a consultation record holds in the
// clear before it is sealed.
type person struct {
	Name, Kana, Business, Phone, Note string
}

var (
	surnames = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"}
	givens   = []string{"太郎", "花子", "一郎", "美咲", "健太", "陽子", "大輔", "直美", "翔太", "由美"}
	trades   = []string{"商店", "製作所", "工務店", "食堂", "印刷", "運送", "薬局", "書房"}
	topics   = []string{"資金繰りの相談", "事業承継の準備", "融資の申込み", "販路開拓", "補助金の申請", "人手不足"}
)

// people generates n distinct people; each field is unique to its person
// (a serial number is part of it), so a find names the leak.
func people(n int) []person {
	out := make([]person, n)
	for i := range out {
		sur, giv := surnames[mrand.IntN(len(surnames))], givens[mrand.IntN(len(givens))]
		out[i] = person{
			Name:     fmt.Sprintf("%s%s%d", sur, giv, 100+i),
			Kana:     fmt.Sprintf("ケンサクヨウカナ%03d", i),
			Business: fmt.Sprintf("%s%s%03d", sur, trades[mrand.IntN(len(trades))], i),
			Phone:    fmt.Sprintf("0%d-%04d-%04d", 3+mrand.IntN(7), mrand.IntN(10000), 1000+i),
			Note:     fmt.Sprintf("%s（面談%03d回目）", topics[mrand.IntN(len(topics))], i),
		}
	}
	return out
}

// testScan pushes envelopes that seal generated names and phone numbers
// under a random key of the test's own, and stores a user table that
// seals them too, and looks for each of them in the backend's bytes at
// rest: none may be there. A device name and the table's header, which the
// store keeps in the clear, must be found, so the scan is shown to see
// what is stored.
func testScan(t *testing.T, b Backend) {
	if b.Raw == nil {
		t.Skip("the backend gives no raw bytes")
	}
	s := b.Open(t)
	office := randID("office-")
	canary := randID("scan-canary-")
	dev := newDevice(office, "dev-1")
	dev.Name = canary
	if _, err := s.Enroll(t.Context(), newToken(t, s, "", time.Hour), dev, time.Now()); err != nil {
		t.Fatal(err)
	}
	d := &device{office: office, id: "dev-1"}

	aead := newAEAD(t)
	ps := people(60)
	bt := central.Batch{Office: office, Device: d.id, At: time.Now()}
	for i, p := range ps {
		pt, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("C-%06d", i)
		nonce := randBytes(aead.NonceSize())
		bt.Envelopes = append(bt.Envelopes, d.next(id, aead.Seal(nonce, nonce, pt, []byte(id))))
	}
	push(t, s, bt)
	if err := s.SetLogin(t.Context(), office, "sato", randBytes(48)); err != nil {
		t.Fatal(err)
	}
	// The user table: a clear header (a canary the scan must find) and the
	// people's data sealed, as a table holds sealed key bundles.
	tableCanary := randID("table-canary-")
	tbl := []byte(tableCanary)
	for _, p := range ps {
		pt, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		nonce := randBytes(aead.NonceSize())
		tbl = append(tbl, aead.Seal(nonce, nonce, pt, []byte(tableCanary))...)
	}
	if err := s.PutTable(t.Context(), office, central.Table{Serial: 1, Data: tbl, Device: d.id, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got := pullAll(t, s, office, 0, 0)
	// The test's key opens what comes back: the store kept the sealed bytes.
	for i, e := range got {
		n := aead.NonceSize()
		pt, err := aead.Open(nil, e.Data[:n], e.Data[n:], []byte(e.ID))
		if err != nil {
			t.Fatalf("envelope %s does not open: %v", e.ID, err)
		}
		var p person
		if json.Unmarshal(pt, &p) != nil || p != ps[i] {
			t.Fatalf("envelope %s opens to another person", e.ID)
		}
	}

	raw := b.Raw(t, s)
	if !inRaw(raw, canary) {
		t.Fatalf("the scan does not find the device name %q that the store keeps in the clear (%d bytes scanned)", canary, len(raw))
	}
	if !inRaw(raw, tableCanary) {
		t.Fatalf("the scan does not find the user table's clear header %q (%d bytes scanned)", tableCanary, len(raw))
	}
	for _, p := range ps {
		for _, needle := range []string{p.Name, p.Kana, p.Business, p.Phone, p.Note} {
			if inRaw(raw, needle) {
				t.Errorf("plaintext %q found in the store's bytes", needle)
			}
		}
	}
	t.Logf("%d bytes scanned for %d generated values", len(raw), 5*len(ps))
}

// inRaw looks for s as it is and hex-encoded (as a dump shows bytes).
func inRaw(raw []byte, s string) bool {
	return bytes.Contains(raw, []byte(s)) || bytes.Contains(raw, []byte(hex.EncodeToString([]byte(s))))
}

func newAEAD(tb testing.TB) cipher.AEAD {
	block, err := aes.NewCipher(randBytes(32))
	if err != nil {
		tb.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		tb.Fatal(err)
	}
	return aead
}
