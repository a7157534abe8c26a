package admin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// The scheduled backup: an administrator's setting (per PC user, in the
// Fyne preferences: nothing secret, the folder and how many to keep), run
// while an administrator is logged in to the window. Once a day, when the
// last backup is older than a day, it writes a backup into the folder and
// deletes the oldest of its own files beyond the number to keep.

// Preference keys of the scheduled backup.
const (
	prefBackupDaily  = "backup.daily"
	prefBackupFolder = "backup.folder"
	prefBackupKeep   = "backup.keep"
	prefBackupLast   = "backup.last" // RFC 3339
)

// backupPrefix and backupExt name the files the schedule writes and prunes.
const (
	backupPrefix = "madoguchi-"
	backupExt    = ".mdgbak"
)

// scheduleCheck is how often the schedule looks whether a backup is due.
const scheduleCheck = time.Minute

// BackupSchedule is the scheduled backup's setting.
type BackupSchedule struct {
	Daily  bool
	Folder string
	Keep   int
	Last   time.Time
}

func loadSchedule(p fyne.Preferences) BackupSchedule {
	s := BackupSchedule{Daily: p.Bool(prefBackupDaily), Folder: p.String(prefBackupFolder), Keep: p.IntWithFallback(prefBackupKeep, 7)}
	s.Last, _ = time.Parse(time.RFC3339, p.String(prefBackupLast))
	return s
}

func (s BackupSchedule) save(p fyne.Preferences) {
	p.SetBool(prefBackupDaily, s.Daily)
	p.SetString(prefBackupFolder, s.Folder)
	p.SetInt(prefBackupKeep, max(s.Keep, 1))
}

// due reports whether a scheduled backup should run at now.
func (s BackupSchedule) due(now time.Time) bool {
	return s.Daily && s.Folder != "" && now.Sub(s.Last) >= 24*time.Hour
}

// backupRun is one backup into a folder, started by the schedule or by a
// person; done (on the UI goroutine) gets its result.
type backupRun struct {
	ctx   Host
	prefs fyne.Preferences
	bar   *widgets.Progress
	busy  bool
}

// start writes a backup into s.Folder and prunes it, unless one runs.
func (r *backupRun) start(s BackupSchedule, done func(office.BackupInfo, error)) {
	if r.busy {
		return
	}
	r.busy = true
	path := backupPath(s.Folder, r.ctx.Today())
	widgets.Run(r.ctx.Runner(), func(c context.Context) (office.BackupInfo, error) {
		info, err := r.ctx.Office().Backup(c, r.ctx.Session(), path)
		if err == nil {
			err = prune(s.Folder, s.Keep)
		}
		return info, err
	}, func(info office.BackupInfo, err error) {
		r.busy = false
		if err == nil {
			r.prefs.SetString(prefBackupLast, info.Created.Format(time.RFC3339))
		}
		done(info, err)
	}, widgets.WithProgress(r.bar))
}

// backupPath names a new backup made at t in folder: madoguchi-
// YYYYMMDD-hhmmss.mdgbak, or with _02, _03… after the time when one of
// that second exists (the names still sort by time, so prune keeps the
// newest).
func backupPath(folder string, t time.Time) string {
	base := backupPrefix + t.Format("20060102-150405")
	path := filepath.Join(folder, base+backupExt)
	for n := 2; n < 100; n++ {
		if _, err := os.Stat(path); err != nil {
			break
		}
		path = filepath.Join(folder, fmt.Sprintf("%s_%02d%s", base, n, backupExt))
	}
	return path
}

// prune deletes the oldest of the schedule's files in folder beyond keep.
func prune(folder string, keep int) error {
	ents, err := os.ReadDir(folder)
	if err != nil {
		return fmt.Errorf("prune backups: %w", err)
	}
	var ours []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupExt) && e.Type().IsRegular() {
			ours = append(ours, n)
		}
	}
	slices.Sort(ours) // the names sort by time
	for len(ours) > max(keep, 1) {
		if err := os.Remove(filepath.Join(folder, ours[0])); err != nil {
			return fmt.Errorf("prune backups: %w", err)
		}
		ours = ours[1:]
	}
	return nil
}

// StartBackupSchedule runs the scheduled backup while the session of h
// lasts (its runner stops it), for an administrator: every minute it
// looks whether a backup is due, writes it with a progress bar in the
// window's corner and tells the person with a notice.
func StartBackupSchedule(h Host, prefs fyne.Preferences) (stop func()) {
	if !h.Session().May(office.PermBackup) {
		return func() {}
	}
	r := &backupRun{ctx: h, prefs: prefs, bar: widgets.NewProgress()}
	check := func() {
		s := loadSchedule(prefs)
		if !s.due(time.Now()) {
			return
		}
		r.start(s, func(info office.BackupInfo, err error) { notifyBackup(info, err) })
	}
	return h.Runner().Every(scheduleCheck, check)
}

// notifyBackup tells the person how a scheduled backup went.
func notifyBackup(info office.BackupInfo, err error) {
	app := fyne.CurrentApp()
	if app == nil {
		return
	}
	if err != nil {
		app.SendNotification(fyne.NewNotification(tr("バックアップできませんでした"), widgets.ErrText(err)))
		return
	}
	app.SendNotification(fyne.NewNotification(tr("バックアップしました"), filepath.Base(info.Path)))
}
