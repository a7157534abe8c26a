package admin

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestBackupScreen: the administrator is told to choose a folder first;
// then each 今すぐバックアップ writes a backup there (one that restores),
// says so with its size, shows the time of the last one, and keeps only
// as many of its own files as chosen, leaving other files alone; the
// setting is remembered.
func TestBackupScreen(t *testing.T) {
	f := newFixture(t)
	folder := t.TempDir()
	other := filepath.Join(folder, "メモ.txt")
	uitest.Must(t, os.WriteFile(other, []byte("別のファイル"), 0o600))
	prefs := test.NewTempApp(t).Preferences()
	f.As("admin", func(s *office.Session) {
		h := f.Host(s, fyne.NewSize(1000, 700))
		sc := newBackupScreen(h, prefs)
		h.Window().SetContent(sc.object())
		if !strings.Contains(sc.last.Text, "まだありません") {
			t.Errorf("last backup before any: %q", sc.last.Text)
		}
		now := uitest.Button(t, h.Window().Content(), tr("今すぐバックアップ"))
		test.Tap(now)
		if sc.result.Text != tr("保存先フォルダを指定してください。") {
			t.Fatalf("without a folder: %q", sc.result.Text)
		}
		sc.folder.SetText(folder)
		sc.keep.SetSelected("3")
		for i := range 4 {
			test.Tap(now)
			h.Wait()
			if !strings.HasPrefix(sc.result.Text, "バックアップしました") {
				t.Fatalf("backup %d: %q", i, sc.result.Text)
			}
		}
		if !strings.Contains(sc.last.Text, "2026-10-01") {
			t.Errorf("last backup: %q", sc.last.Text)
		}
	})
	ents, err := os.ReadDir(folder)
	uitest.Must(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 4 || !slices.Contains(names, "メモ.txt") {
		t.Fatalf("the folder holds %v, want 3 backups and the other file", names)
	}
	if slices.Contains(names, "madoguchi-20261001-100000.mdgbak") {
		t.Errorf("the oldest backup was kept: %v", names)
	}
	s := loadSchedule(prefs)
	if s.Folder != folder || s.Keep != 3 || s.Last.IsZero() {
		t.Errorf("remembered %+v", s)
	}
	// The newest backup restores.
	slices.Sort(names)
	newest := filepath.Join(folder, names[len(names)-2]) // before メモ.txt
	if _, err := office.Restore(context.Background(), newest, filepath.Join(t.TempDir(), "restored"), "admin", []byte(uitest.Password), f.Opt); err != nil {
		t.Fatalf("restore %s: %v", newest, err)
	}
}

func TestBackupDue(t *testing.T) {
	now := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		s    BackupSchedule
		want bool
	}{
		{BackupSchedule{Daily: true, Folder: "/x"}, true},
		{BackupSchedule{Daily: true, Folder: "/x", Last: now.Add(-23 * time.Hour)}, false},
		{BackupSchedule{Daily: true, Folder: "/x", Last: now.Add(-25 * time.Hour)}, true},
		{BackupSchedule{Daily: false, Folder: "/x"}, false},
		{BackupSchedule{Daily: true}, false},
	} {
		if got := c.s.due(now); got != c.want {
			t.Errorf("%+v due %v, want %v", c.s, got, c.want)
		}
	}
}
