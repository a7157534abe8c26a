package office

import (
	"context"
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
	Keys    int       // store entries in it
	Created time.Time // when the backup was made
}

// Backup writes an encrypted backup of the vault to path (administrators
// only). It writes path+".tmp", syncs it and renames it over path, so an
// interruption (even kill -9) leaves an older backup at path as it was.
// The store stays usable meanwhile. A ledger row (管理簿) and an access-log
// event record it. It reports StepBackup progress.
func (o *Office) Backup(ctx context.Context, s *Session, path string) (BackupInfo, error) {
	w, err := o.begin(ctx, s, PermBackup)
	if err != nil {
		return BackupInfo{}, err
	}
	defer w.end()
	info := BackupInfo{Path: path, Created: o.opt.now().UTC()}
	var raw []byte
	var snap *local.Snapshot
	var total int64
	var office string
	err = o.locked(w, func() error {
		// The keyring and the snapshot are taken together: the store's
		// anchors (table serial, checkpoint) then match the keyring's.
		raw, err = os.ReadFile(filepath.Join(o.dir, KeyringFile))
		if err != nil {
			return fmt.Errorf("backup: read keyring: %w", err)
		}
		snap, total, office = o.store.NewSnapshot(), o.store.Size(), o.kr.Office
		return nil
	})
	if err != nil {
		return info, err
	}
	defer snap.Close()
	fileKey := vault.NewFileKey()
	defer clear(fileKey)
	wrapped, err := vault.WrapFileKey(s.keys, backupPurpose, office, fileKey)
	if err != nil {
		return info, fmt.Errorf("backup: %w", err)
	}
	h := backup.Header{Kind: backup.KindVault, ChunkSize: backup.DefaultChunkSize, Created: info.Created,
		Office: office, Keyring: raw, WrappedKey: wrapped}
	info.Bytes, info.Keys, err = backup.WriteFile(path, func(f io.Writer) (int, error) {
		return writeBackup(w, f, h, fileKey, snap, total)
	})
	if err != nil {
		return info, err
	}
	err = o.locked(w, func() error {
		return o.recordHandover(s, "バックアップ "+filepath.Base(path), "バックアップ（暗号化）",
			audit.ActBackup, fmt.Sprintf("backup of %d entries, %d bytes", info.Keys, info.Bytes))
	})
	return info, err
}

// writeBackup writes the backup of the snapshot to f.
func writeBackup(w *work, f io.Writer, h backup.Header, fileKey []byte, snap *local.Snapshot, total int64) (int, error) {
	cw := &countWriter{w: f}
	bw, err := backup.NewWriter(cw, h, fileKey)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n := 0
	err = snap.Each(w.ctx, func(k, v []byte) error {
		n++
		if n%4096 == 0 {
			w.report(StepBackup, int(cw.n), int(max(total, cw.n)))
		}
		return bw.Pair(k, v)
	})
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
	if h.Kind != backup.KindVault {
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
	if info.Keys, err = bf.Pairs(fileKey, func([]byte, []byte) error { return ctxErr(ctx) }, progressOf(ctx, StepVerify)); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	former := kr.Device
	if err := kr.NewDevice(un.Keys); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	tmp, lastSeq, err := restoreInto(ctx, bf, dir, kr, un.Keys, fileKey)
	if err != nil {
		return info, err
	}
	if err := finishRestore(ctx, tmp, login, password, h, rejoin{device: former, seq: lastSeq}, opt); err != nil {
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

// restoreInto writes the keyring and the store into a new temporary
// folder beside dir and returns it, with the last access-log sequence
// number the backup held.
func restoreInto(ctx context.Context, bf *backup.File, dir string, kr *vault.Keyring, keys *vault.Keys,
	fileKey []byte) (tmp string, lastSeq uint64, err error) {
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", 0, fmt.Errorf("restore: %w", err)
	}
	tmp, err = os.MkdirTemp(parent, "."+filepath.Base(dir)+".restore-")
	if err != nil {
		return "", 0, fmt.Errorf("restore: %w", err)
	}
	fail := func(err error) (string, uint64, error) {
		os.RemoveAll(tmp)
		return "", 0, err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return fail(fmt.Errorf("restore: %w", err))
	}
	if err := kr.Save(filepath.Join(tmp, KeyringFile)); err != nil {
		return fail(fmt.Errorf("restore: save keyring: %w", err))
	}
	storeKey, err := kr.StoreKeyBytes(keys)
	if err != nil {
		return fail(fmt.Errorf("restore: %w", err))
	}
	defer clear(storeKey)
	r, err := bf.Reader(fileKey)
	if err != nil {
		return fail(fmt.Errorf("restore: %w", err))
	}
	done, total := 0, bf.Size()
	err = local.Load(filepath.Join(tmp, StoreDir), storeKey, func() ([]byte, []byte, error) {
		k, v, err := r.Next()
		if err != nil {
			return nil, nil, err
		}
		if seq, ok := local.AuditKeySeq(k); ok {
			lastSeq = max(lastSeq, seq)
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
		return fail(fmt.Errorf("restore: %w", err))
	}
	return tmp, lastSeq, nil
}

// finishRestore logs in to the restored vault in tmp (which proves that
// it opens with the password), makes it rejoin sync as a new replica and
// records the restore in its access log and ledger.
func finishRestore(ctx context.Context, tmp, login string, password []byte, h backup.Header, rj rejoin, opt Options) error {
	o, err := Open(tmp, opt)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer o.Close()
	s, err := o.Login(ctx, login, password)
	if err != nil {
		return fmt.Errorf("restore: open the restored vault: %w", err)
	}
	err = o.markRestored(s, h.Created, rj)
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
