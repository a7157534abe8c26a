package vault

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkUnlockOverKDF is what Unlock adds to the Argon2id derivation:
// opening the bundle, verifying the signed table and unwrapping the office
// keys, for an office of 20 people after 10 rotations of each class.
func BenchmarkUnlockOverKDF(b *testing.B) {
	kr, a, _ := newTestOffice(b, "")
	for i := len(testPeople); i < 20; i++ {
		p := Person{Login: fmt.Sprintf("p%02d", i), Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}}
		if err := kr.AddUser(a, p, pw(p.Login), TestKDF()); err != nil {
			b.Fatal(err)
		}
	}
	for range 10 {
		if err := kr.Rotate(a, ClassContact, ClassCase); err != nil {
			b.Fatal(err)
		}
	}
	u, _ := kr.UnsafeTable().Find("p19")
	var kdf, unlock time.Duration
	for b.Loop() {
		t0 := time.Now()
		clear(userKEK(pw("p19"), u.Salt, u.KDF))
		t1 := time.Now()
		un, err := kr.Unlock("p19", pw("p19"), t0)
		if err != nil {
			b.Fatal(err)
		}
		kdf, unlock = kdf+t1.Sub(t0), unlock+time.Since(t1)
		un.Zero()
	}
	b.ReportMetric(float64((unlock-kdf).Microseconds())/float64(b.N)/1000, "over-kdf-ms")
}

// BenchmarkRotate is one rotation of the case key in an office of 20
// people (wrapping to the holders and signing the table).
func BenchmarkRotate(b *testing.B) {
	kr, a, _ := newTestOffice(b, "")
	for i := len(testPeople); i < 20; i++ {
		p := Person{Login: fmt.Sprintf("p%02d", i), Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}}
		if err := kr.AddUser(a, p, pw(p.Login), TestKDF()); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if err := kr.Rotate(a, ClassCase); err != nil {
			b.Fatal(err)
		}
	}
}
