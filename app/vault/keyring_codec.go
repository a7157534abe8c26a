package vault

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Marshal encodes kr as indented JSON: format 2, or format 1 for a keyring
// read from a format-1 file and not converted yet.
func (kr *Keyring) Marshal() ([]byte, error) {
	if kr.format1 {
		return marshalJSON(kr.marshalV1())
	}
	out := *kr
	out.Format = KeyringFormat
	if out.Local == nil {
		out.Local = []LocalState{}
	}
	if out.Pending == nil {
		out.Pending = []SealedEvent{}
	}
	return marshalJSON(&out)
}

// UnmarshalKeyring decodes a keyring file strictly. It returns an error
// wrapping ErrNewerFormat for a format above KeyringFormat, and ErrMalformed
// for bad JSON, unknown fields, an unknown format, wrong salt or nonce
// lengths, KDF parameters out of range (Time 1..10, MemoryKiB 1024..1 GiB,
// Threads 1..16), duplicate logins and a table body that does not decode.
// A format-1 file decodes into an unconverted keyring (Format1 reports
// true). The table's signature is not checked here: it needs the admin
// key pinned in a bundle (Unlock, VerifiedTable).
func UnmarshalKeyring(b []byte) (*Keyring, error) {
	var probe struct {
		Format *int `json:"format"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || probe.Format == nil {
		return nil, fmt.Errorf("decode keyring: no format version: %w", ErrMalformed)
	}
	var kr *Keyring
	var err error
	switch v := *probe.Format; {
	case v > KeyringFormat:
		return nil, fmt.Errorf("decode keyring: format %d: %w", v, ErrNewerFormat)
	case v == 1:
		kr, err = decodeKeyringV1(b)
	case v == 2:
		kr, err = decodeKeyringV2(b)
	default:
		err = fmt.Errorf("unknown format %d: %w", v, ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("decode keyring: %w", err)
	}
	return kr, nil
}

// decodeKeyringV2 decodes and validates format 2.
func decodeKeyringV2(b []byte) (*Keyring, error) {
	kr := &Keyring{}
	if err := decodeStrict(b, kr); err != nil {
		return nil, err
	}
	if kr.StoreKey.isZero() {
		kr.StoreKey = SealedBlob{}
	}
	if err := kr.checkCommon(); err != nil {
		return nil, err
	}
	t, err := decodeTable(kr.Table.Body)
	if err != nil {
		return nil, err
	}
	if len(kr.Table.Sig) != 64 {
		return nil, fmt.Errorf("table signature length: %w", ErrMalformed)
	}
	kr.table = t
	return kr, kr.checkV2()
}

// checkCommon validates the fields both formats share.
func (kr *Keyring) checkCommon() error {
	if kr.Office == "" || len(kr.Office) > maxOfficeLen || !validDevice(kr.Office) {
		return fmt.Errorf("office id: %w", ErrMalformed)
	}
	if kr.Device == "" || !validDevice(kr.Device) || !kr.LastRev.valid() {
		return fmt.Errorf("device id: %w", ErrMalformed)
	}
	return checkStoreKey(kr.StoreKey)
}

// checkV2 validates the local bookkeeping of format 2 and puts times in UTC.
func (kr *Keyring) checkV2() error {
	seen := map[string]bool{}
	for i := range kr.Local {
		s := &kr.Local[i]
		s.LockedUntil = s.LockedUntil.UTC()
		if seen[s.Login] || !validLogin(s.Login) || s.Failures < 0 || !encodableTime(s.LockedUntil) {
			return fmt.Errorf("local state %d: %w", i, ErrMalformed)
		}
		seen[s.Login] = true
	}
	for i := range kr.Pending {
		e := &kr.Pending[i]
		e.At = e.At.UTC()
		if e.N == 0 || e.N > kr.PendingSeq || !encodableTime(e.At) || len(e.Wraps) > maxUsers {
			return fmt.Errorf("pending event %d: %w", i, ErrMalformed)
		}
	}
	if kr.Checkpoint != (CheckpointRef{}) && (kr.Checkpoint.Seq == 0 || len(kr.Checkpoint.Hash) != 64) {
		return fmt.Errorf("checkpoint: %w", ErrMalformed)
	}
	for _, p := range kr.LegacyPins {
		if !p.Class.known() || len(p.MAC) != 32 {
			return fmt.Errorf("legacy pin: %w", ErrMalformed)
		}
	}
	for _, u := range kr.Upgrades {
		if !validLogin(u.Login) || !u.Class.known() || len(u.SignPub) != ed25519PubSize || len(u.KEMPub) > maxWrapLen || len(u.MAC) != 32 {
			return fmt.Errorf("upgrade: %w", ErrMalformed)
		}
		if err := checkBlob(u.Bundle, maxBundleLen); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
	}
	return nil
}

// maxOfficeLen bounds the office id.
const maxOfficeLen = 64

// checkStoreKey validates the sealed store key, which may be absent.
func checkStoreKey(b SealedBlob) error {
	if b.isZero() {
		return nil
	}
	if b.Class != ClassContact || b.Version == 0 {
		return fmt.Errorf("store key class: %w", ErrMalformed)
	}
	if len(b.CT) != KeySize+16 {
		return fmt.Errorf("store key length: %w", ErrMalformed)
	}
	return checkBlob(b, KeySize+16)
}

// checkBlob validates nonce and ciphertext lengths.
func checkBlob(b SealedBlob, maxCT int) error {
	if len(b.Nonce) != 24 {
		return fmt.Errorf("nonce length %d: %w", len(b.Nonce), ErrMalformed)
	}
	if len(b.CT) < 16 || len(b.CT) > maxCT {
		return fmt.Errorf("ciphertext length %d: %w", len(b.CT), ErrMalformed)
	}
	return nil
}

// encodableTime reports whether t (in UTC) has a year JSON can carry.
func encodableTime(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// LoadKeyring reads and decodes the keyring at path. A missing file gives
// an error wrapping os.ErrNotExist.
func LoadKeyring(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load keyring: %w", err)
	}
	kr, err := UnmarshalKeyring(b)
	if err != nil {
		return nil, fmt.Errorf("load keyring %s: %w", path, err)
	}
	return kr, nil
}

// Save writes kr to path atomically: a temporary file (mode 0600) in the
// same directory is written and synced, renamed over path, and the
// directory is synced (except on Windows, see syncDirFor).
func (kr *Keyring) Save(path string) error {
	b, err := kr.Marshal()
	if err != nil {
		return fmt.Errorf("save keyring: %w", err)
	}
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("save keyring: %w", err)
	}
	return nil
}

// writeAtomic replaces path with b; see Save.
func writeAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if err = writeSync(f, b); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDirFor(runtime.GOOS)(dir)
}

// writeSync writes b to f, syncs and closes it.
func writeSync(f *os.File, b []byte) error {
	_, err := f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDirFor returns what makes a rename in a directory durable on the
// operating system goos. Windows has no directory sync: opening a directory
// and syncing it fails with "Access denied" (which made saving the keyring,
// and so `madoguchi init`, fail there), and NTFS keeps a rename once the
// renamed file itself was synced. There it does nothing.
func syncDirFor(goos string) func(dir string) error {
	if goos == "windows" {
		return func(string) error { return nil }
	}
	return syncDir
}

// syncDir syncs the directory entry of a rename.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
