package office_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/app/office"
)

// BenchmarkBackup writes a backup of the benchmark vault (goal: at least
// 100 MB/s of backup file).
func BenchmarkBackup(b *testing.B) {
	o, s := benchLogin(b, "admin")
	out := filepath.Join(b.TempDir(), "bench.mdgbak")
	var bytes int64
	start := time.Now()
	for b.Loop() {
		info, err := o.Backup(context.Background(), s, out)
		if err != nil {
			b.Fatal(err)
		}
		bytes += info.Bytes
	}
	b.ReportMetric(float64(bytes)/time.Since(start).Seconds()/1e6, "MB/s")
	b.ReportMetric(float64(bytes)/float64(b.N)/1e6, "MB")
}

// BenchmarkRestore restores a backup of the benchmark vault into a new
// folder, and copies the same file (read, write, fsync) between the runs:
// the goal is a restore within twice the copy's time. A restore includes
// one password key derivation (the backup keyring's), reported apart as
// login-ms (a login's time). load-floor-ms is the floor of a restore of
// the earlier format (every store entry through Badger's stream writer).
func BenchmarkRestore(b *testing.B) {
	o, s := benchLogin(b, "admin")
	tmp := b.TempDir()
	in := filepath.Join(tmp, "bench.mdgbak")
	info, err := o.Backup(context.Background(), s, in)
	if err != nil {
		b.Fatal(err)
	}
	o.Close()
	// The copy and the restore both read the file from the page cache.
	copyFile(b, in, filepath.Join(tmp, "copy"))
	var restore, cp time.Duration
	i := 0
	for b.Loop() {
		i++
		dir := filepath.Join(tmp, "r", string(rune('a'+i%26))+time.Now().Format("150405.000000"))
		t0 := time.Now()
		if _, err := office.Restore(context.Background(), in, dir, "admin", []byte(demo.Password), office.Options{}); err != nil {
			b.Fatal(err)
		}
		restore += time.Since(t0)
		b.StopTimer()
		os.RemoveAll(dir)
		t0 = time.Now()
		copyFile(b, in, filepath.Join(tmp, "copy"))
		cp += time.Since(t0)
		b.StartTimer()
	}
	login := loginTime(b)
	n := float64(b.N)
	b.StopTimer()
	o, _ = benchLogin(b, "admin")
	floor, pairs, err := office.LoadFloor(o, filepath.Join(tmp, "floor"))
	o.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(floor.Seconds()*1000, "load-floor-ms")
	b.ReportMetric(float64(pairs), "pairs")
	b.ReportMetric(float64(info.Bytes)/1e6, "MB")
	b.ReportMetric(restore.Seconds()*1000/n, "restore-ms")
	b.ReportMetric(cp.Seconds()*1000/n, "copy-ms")
	b.ReportMetric(login.Seconds()*1000, "login-ms")
	b.ReportMetric(restore.Seconds()/cp.Seconds(), "x-copy")
}

// loginTime is the time of one login to the benchmark vault.
func loginTime(b *testing.B) time.Duration {
	o, err := office.Open(benchDir(b), office.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	t0 := time.Now()
	if _, err := o.Login(context.Background(), "admin", []byte(demo.Password)); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
	out.Close()
	os.Remove(to)
}
