package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/backup"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Backup and restore.
//
// A backup file (app/backup) holds the keyring.json of the moment and
// every key and value of the store, read from one snapshot taken
// together with the keyring, so the office works on while it is written.
// The chunks are sealed under a random file key, and that key is sealed
// under the office contact key (vault.WrapFileKey), the key that already
// opens the device store key: whoever may open the store may open the
// backup, nobody else, and a person removed before the backup was made
// (after which the contact key was rotated) cannot open it. A restore
// needs the login and password of an administrator of the backup's user
// table, so it works on a new PC with nothing but the file.
//
// The device's credentials for the central server (device/) are not in
// the backup: a device key never leaves its PC, and two PCs must never
// share a device id. A restored vault gets a new local device id, forgets
// the sync engine's cursor and chain heads (it pulls the office from the
// start, finding what it holds as known) and, until that first pull is
// done, pushes nothing (see rejoin.go), so it rejoins the server without
// duplicating anything; it enrolls again with a new code.

// Steps of a backup and a restore.
const (
	StepBackup  Step = "backup"  // writing the backup (Done, Total: bytes, Total estimated)
	StepVerify  Step = "verify"  // checking every chunk of a backup (bytes of the file)
	StepRestore Step = "restore" // writing the restored store (bytes of the file)
)

// backupPurpose binds a backup's file key to backups.
const backupPurpose = "backup"

// BackupInfo says what a backup or a restore did.
type BackupInfo struct {
	Path    string
	Bytes   int64     // size of the backup file
	Keys    int       // the store's files in it (store entries in a backup of KindVault)
	Created time.Time // when the backup was made
}

// Backup writes an encrypted backup of the vault to path (administrators
// only): the keyring and the store's files (local.Store.Image), which a
// restore writes back as they are. It writes path+".tmp", syncs it and
// renames it over path, so an interruption (even kill -9) leaves an older
// backup at path as it was. The store stays usable meanwhile. A ledger
// row (管理簿) and an access-log event record it. It reports StepBackup
// progress.
func (o *Office) Backup(ctx context.Context, s *Session, path string) (BackupInfo, error) {
	w, err := o.begin(ctx, s, PermBackup)
	if err != nil {
		return BackupInfo{}, err
	}
	defer w.end()
	info := BackupInfo{Path: path, Created: o.opt.now().UTC()}
	fileKey := vault.NewFileKey()
	defer clear(fileKey)
	for attempt := 1; ; attempt++ {
		info.Bytes, info.Keys, err = o.backupOnce(w, s, path, info.Created, fileKey)
		if !errors.Is(err, local.ErrImageMoved) && !errors.Is(err, errKeyringMoved) {
			break
		}
		if attempt == backupAttempts {
			err = fmt.Errorf("backup: %d attempts: %w: %w", attempt, ErrBackupBusy, err)
			break
		}
	}
	if err != nil {
		return info, err
	}
	err = o.locked(w, func() error {
		return o.recordHandover(s, "バックアップ "+filepath.Base(path), "バックアップ（暗号化）",
			audit.ActBackup, fmt.Sprintf("backup of %d files, %d bytes", info.Keys, info.Bytes))
	})
	return info, err
}

// backupAttempts bounds how often Backup starts over when the store's
// compactions or a change of the keyring overtook it.
const backupAttempts = 4

// errKeyringMoved means the keyring changed while a backup read the
// store: the two might not match.
var errKeyringMoved = errors.New("the keyring changed during the backup")

// backupOnce writes one backup file. The keyring is read before the store
// and compared after it: the store's anchors (table serial, checkpoint)
// then match the keyring's, or the backup starts over (errKeyringMoved).
func (o *Office) backupOnce(w *work, s *Session, path string, created time.Time, fileKey []byte) (int64, int, error) {
	var raw []byte
	var total int64
	var office string
	err := o.locked(w, func() error {
		var err error
		raw, err = os.ReadFile(filepath.Join(o.dir, KeyringFile))
		if err != nil {
			return fmt.Errorf("backup: read keyring: %w", err)
		}
		total, office = o.store.Size(), o.kr.Office
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	wrapped, err := vault.WrapFileKey(s.keys, backupPurpose, office, fileKey)
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	h := backup.Header{Kind: backup.KindVaultFiles, ChunkSize: backup.DefaultChunkSize, Created: created,
		Office: office, Keyring: raw, WrappedKey: wrapped}
	return backup.WriteFile(path, func(f io.Writer) (int, error) {
		n, err := writeFilesBackup(w, f, h, fileKey, o.store, total)
		if err != nil {
			return 0, err
		}
		if o.opt.backupRead != nil {
			o.opt.backupRead()
		}
		return n, o.locked(w, func() error {
			now, err := os.ReadFile(filepath.Join(o.dir, KeyringFile))
			switch {
			case err != nil:
				return fmt.Errorf("backup: read keyring: %w", err)
			case !bytes.Equal(now, raw):
				return errKeyringMoved
			}
			return nil
		})
	})
}

// writeFilesBackup writes the backup of the store's files to f and
// returns the number of files.
func writeFilesBackup(w *work, f io.Writer, h backup.Header, fileKey []byte, store *local.Store, total int64) (int, error) {
	return writeWith(w, f, h, fileKey, func(bw *backup.Writer, progress func()) (int, error) {
		n := 0
		err := store.Image(w.ctx, func(im local.ImageFile) error {
			n++
			_, err := bw.File(im.Name, &progressReader{r: im.R, at: progress})
			return err
		})
		return n, err
	}, total)
}

// writeWith writes a backup to f whose body body adds to bw (calling
// progress now and then), closes it and reports StepBackup progress
// against total. It returns body's count.
func writeWith(w *work, f io.Writer, h backup.Header, fileKey []byte, body func(bw *backup.Writer, progress func()) (int, error), total int64) (int, error) {
	cw := &countWriter{w: f}
	bw, err := backup.NewWriter(cw, h, fileKey)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n, err := body(bw, func() { w.report(StepBackup, int(cw.n), int(max(total, cw.n))) })
	if err == nil {
		err = bw.Close()
	}
	if cerr := ctxErr(w.ctx); err != nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	w.report(StepBackup, int(cw.n), int(cw.n))
	return n, nil
}

// progressReader calls at every 4 MB read through it.
type progressReader struct {
	r    io.Reader
	n    int64
	next int64
	at   func()
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n >= p.next {
		p.at()
		p.next = p.n + 4<<20
	}
	return n, err
}

// writeBackup writes a backup of every key and value of the snapshot to f:
// the format of KindVault, which Backup wrote before KindVaultFiles and
// Restore still reads (BackupPairs writes one, for tests).
func writeBackup(w *work, f io.Writer, h backup.Header, fileKey []byte, snap *local.Snapshot, total int64) (int, error) {
	return writeWith(w, f, h, fileKey, func(bw *backup.Writer, progress func()) (int, error) {
		n := 0
		err := snap.Each(w.ctx, func(k, v []byte) error {
			if n++; n%4096 == 0 {
				progress()
			}
			return bw.Pair(k, v)
		})
		return n, err
	}, total)
}

// countWriter counts what passes through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// recordHandover writes a ledger row (管理簿) and an access-log event for
// data that left the store as a file. Call with o.mu held.
func (o *Office) recordHandover(s *Session, content, method, action, detail string) error {
	docID := record.NewID(record.KindLedger)
	entry := &record.LedgerEntry{At: o.opt.now().UTC(), Handler: s.login, HandlerName: s.name, Content: content,
		Quantity: 1, Method: method, DocID: docID}
	entry.Meta = record.Meta{ID: docID, CreatedAt: entry.At, CreatedBy: s.login, UpdatedAt: entry.At, UpdatedBy: s.login}
	writes, rev, err := o.sealWrites(s, "", part{id: docID, kind: string(record.KindLedger), value: entry,
		terms: recordTerms(entry)})
	if err != nil {
		return err
	}
	return o.commit(writes, map[string][]byte{metaHLC: []byte(rev.String())}, o.event(action, "", detail+" "+docID))
}

// ReadBackupHeader reads the header of the backup file at path, for a
// restore to show what it holds (when it was made) before asking for a
// password. ErrNotBackup, ErrBackupNewer, ErrBackupDamaged.
func ReadBackupHeader(path string) (time.Time, error) {
	bf, err := backup.Open(path)
	if err != nil {
		return time.Time{}, fmt.Errorf("read backup: %w", err)
	}
	defer bf.Close()
	return bf.Header.Created, nil
}

// Restore makes a new vault in dir from the backup file at from. The
// person named by login must be an administrator in the backup's user
// table and give their password. Every chunk of the file is checked
// before anything is written (ErrBackupDamaged, and nothing is written);
// the new vault is written into a temporary folder beside dir and renamed
// to dir at the end, so an interrupted restore leaves no vault. dir must
// not exist or be an empty folder (ErrVaultExists). The restored vault
// opens with the same passwords; its access log and ledger record the
// restore. It reports StepVerify and StepRestore progress.
func Restore(ctx context.Context, from, dir, login string, password []byte, opt Options) (BackupInfo, error) {
	info := BackupInfo{Path: from}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 || Exists(dir) {
		return info, ErrVaultExists
	}
	bf, err := backup.Open(from)
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	defer bf.Close()
	h := bf.Header
	info.Bytes, info.Created = bf.Size(), h.Created
	if h.Kind != backup.KindVault && h.Kind != backup.KindVaultFiles {
		return info, fmt.Errorf("restore: a backup of kind %d: %w", h.Kind, ErrNotBackup)
	}
	kr, un, err := unlockBackup(h, login, password, opt)
	if err != nil {
		return info, err
	}
	defer un.Zero()
	fileKey, err := vault.UnwrapFileKey(un.Keys, backupPurpose, h.Office, h.WrappedKey)
	if err != nil {
		return info, fmt.Errorf("restore: %w: %w", ErrBackupDamaged, err)
	}
	defer clear(fileKey)
	// First pass: every chunk, nothing written.
	if h.Kind == backup.KindVaultFiles {
		err = bf.Check(ctx, fileKey, progressOf(ctx, StepVerify))
	} else {
		info.Keys, err = bf.Pairs(fileKey, func([]byte, []byte) error { return ctxErr(ctx) }, progressOf(ctx, StepVerify))
	}
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	former := kr.Device
	if err := kr.NewDevice(un.Keys); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	tmp, err := restoreDir(dir, kr)
	if err != nil {
		return info, err
	}
	if h.Kind == backup.KindVaultFiles {
		info.Keys, err = restoreFiles(ctx, bf, tmp, fileKey)
	} else {
		err = restoreInto(ctx, bf, tmp, kr, un.Keys, fileKey)
	}
	if err == nil {
		err = finishRestore(tmp, un, password, h, former, opt)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return info, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return info, fmt.Errorf("restore: %w", err)
	}
	return info, nil
}

// progressOf reports a backup file's progress under step.
func progressOf(ctx context.Context, step Step) func(done, total int64) {
	return func(done, total int64) { report(ctx, step, int(done), int(total)) }
}

// unlockBackup opens the backup's keyring with the person's password and
// checks that they are an administrator in its signed table.
func unlockBackup(h backup.Header, login string, password []byte, opt Options) (*vault.Keyring, *vault.Unlocked, error) {
	kr, err := vault.UnmarshalKeyring(h.Keyring)
	if err != nil {
		return nil, nil, fmt.Errorf("restore: keyring: %w: %w", ErrBackupDamaged, err)
	}
	if kr.Office != h.Office {
		return nil, nil, fmt.Errorf("restore: keyring of office %s in a backup of %s: %w", kr.Office, h.Office, ErrBackupDamaged)
	}
	un, err := kr.Unlock(login, password, opt.now())
	if err != nil {
		return nil, nil, fmt.Errorf("restore: %w", err)
	}
	if !un.User.HasRole(string(RoleAdmin)) {
		un.Zero()
		return nil, nil, fmt.Errorf("restore as %s: %w", login, ErrForbidden)
	}
	return kr, un, nil
}

// restoreDir makes a new temporary folder beside dir and saves the
// keyring into it.
func restoreDir(dir string, kr *vault.Keyring) (string, error) {
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restore-")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := kr.Save(filepath.Join(tmp, KeyringFile)); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("restore: save keyring: %w", err)
	}
	return tmp, nil
}

// restoreFiles writes the store's files of a backup of KindVaultFiles
// into the store folder of tmp and returns their number. The store key
// is the one the files were written under: the keyring's, unchanged by
// NewDevice.
func restoreFiles(ctx context.Context, bf *backup.File, tmp string, fileKey []byte) (int, error) {
	store := filepath.Join(tmp, StoreDir)
	if err := os.Mkdir(store, 0o700); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	n, err := bf.Files(ctx, fileKey, store, local.IsImageFile, progressOf(ctx, StepRestore))
	if err == nil {
		err = local.FinishImage(store)
	}
	if err != nil {
		return n, fmt.Errorf("restore: %w", err)
	}
	return n, nil
}

// restoreInto loads the store of a backup of KindVault (every key and
// value) into the store folder of tmp.
func restoreInto(ctx context.Context, bf *backup.File, tmp string, kr *vault.Keyring, keys *vault.Keys, fileKey []byte) error {
	storeKey, err := kr.StoreKeyBytes(keys)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer clear(storeKey)
	r, err := bf.Reader(fileKey)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	done, total := 0, bf.Size()
	err = local.Load(filepath.Join(tmp, StoreDir), storeKey, func() ([]byte, []byte, error) {
		k, v, err := r.Next()
		if err != nil {
			return nil, nil, err
		}
		if done++; done%4096 == 0 {
			report(ctx, StepRestore, int(r.BytesRead()), int(total))
			if err := ctxErr(ctx); err != nil {
				return nil, nil, err
			}
		}
		return k, v, nil
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// finishRestore logs in to the restored vault in tmp with the keys the
// password opened in the backup's keyring (which proves that the store
// opens with them, without deriving the password's key a second time),
// makes it rejoin sync as a new replica and records the restore in its
// access log and ledger. The session takes un.
func finishRestore(tmp string, un *vault.Unlocked, password []byte, h backup.Header, former string, opt Options) error {
	o, err := Open(tmp, opt)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer o.Close()
	s, err := o.login(password, func(*vault.Keyring) (*vault.Unlocked, error) { return un, nil })
	if err != nil {
		return fmt.Errorf("restore: open the restored vault: %w", err)
	}
	// The last access-log entry the backup held, before the login's own.
	err = o.markRestored(s, h.Created, rejoin{device: former, seq: o.openedSeq})
	if lerr := o.Logout(); err == nil && lerr != nil {
		err = lerr
	}
	return err
}

// markRestored drops the sync engine's state and records the restore.
func (o *Office) markRestored(s *Session, created time.Time, rj rejoin) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.current(s); err != nil {
		return err
	}
	keys, err := o.store.MetaKeys(syncMetaPrefix, 0)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	var drop []string
	for _, k := range keys {
		if k != metaSeeded && k != metaAuditPushed && !strings.HasPrefix(k, unopenedPrefix) {
			drop = append(drop, k)
		}
	}
	meta := map[string][]byte{metaRejoin: encodeRejoin(rj.device, rj.seq)}
	if err := o.store.Commit(local.Batch{DropMeta: drop, Meta: meta}); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	when := created.In(record.JST()).Format("2006-01-02 15:04")
	return o.recordHandover(s, "バックアップからの復元（"+when+" のバックアップ）", "復元",
		audit.ActRestore, "restored from the backup of "+created.UTC().Format(time.RFC3339))
}
