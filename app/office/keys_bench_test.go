package office_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// BenchmarkLoginOverKDF measures a login on the benchmark vault and reports
// how much it takes beyond the Argon2id derivation itself (opening the
// bundle, verifying the signed table, unwrapping the office keys, opening
// the store): the target is at most 50 ms.
func BenchmarkLoginOverKDF(b *testing.B) {
	dir := benchDir(b)
	salt := make([]byte, vault.SaltSize)
	o, err := office.Open(dir, office.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var kdf, login time.Duration
	for b.Loop() {
		t0 := time.Now()
		vault.DeriveMaster([]byte(demo.Password), salt, vault.DefaultKDF)
		t1 := time.Now()
		if _, err := o.Login(context.Background(), "kantoku", []byte(demo.Password)); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		kdf, login = kdf+t1.Sub(t0), login+t2.Sub(t1)
		if err := o.Logout(); err != nil {
			b.Fatal(err)
		}
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64((login/n).Microseconds())/1000, "login-ms")
	b.ReportMetric(float64((kdf/n).Microseconds())/1000, "kdf-ms")
	b.ReportMetric(float64((login/n-kdf/n).Microseconds())/1000, "over-kdf-ms")
}

// BenchmarkRotateOffice20 measures, in an office of 20 people, demoting a
// consultant to reception: a new case key version wrapped to every
// remaining holder, the table signed and saved, the change logged. Nothing
// already written is re-encrypted, so the number of records does not enter
// (the office here has none); the target is at most 1 s.
func BenchmarkRotateOffice20(b *testing.B) {
	dir := b.TempDir() + "/office"
	opt := office.Options{KDF: vault.TestKDF()}
	if err := office.Init(dir, "admin", "管理 太郎", []byte(demo.Password), opt); err != nil {
		b.Fatal(err)
	}
	o, err := office.Open(dir, opt)
	if err != nil {
		b.Fatal(err)
	}
	s, err := o.Login(context.Background(), "admin", []byte(demo.Password))
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	for i := 1; i < 20; i++ {
		nu := office.NewUser{Login: fmt.Sprintf("bench%02d", i), Name: "ベンチ 職員", Roles: []office.Role{office.RoleConsultant}, Password: []byte(demo.Password)}
		if err := o.AddUser(context.Background(), s, nu); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := o.SetRoles(context.Background(), s, "bench19", []office.Role{office.RoleReception}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := o.SetRoles(context.Background(), s, "bench19", []office.Role{office.RoleConsultant}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
