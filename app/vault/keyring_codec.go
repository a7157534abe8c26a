package vault

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Marshal encodes kr as indented JSON with "format": KeyringFormat.
func (kr *Keyring) Marshal() ([]byte, error) {
	out := *kr
	out.Format = KeyringFormat
	b, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode keyring: %w", err)
	}
	return append(b, '\n'), nil
}

// UnmarshalKeyring decodes a keyring file strictly. It returns an error
// wrapping ErrNewerFormat for a format above KeyringFormat, and ErrMalformed
// for bad JSON, unknown fields, an unknown older format, wrong salt or
// nonce lengths, KDF parameters out of range (Time 1..20, MemoryKiB
// 1024..4 GiB, Threads 1..64) and duplicate logins. Older formats, once
// there are any, are upgraded step by step before the current one is
// decoded.
func UnmarshalKeyring(b []byte) (*Keyring, error) {
	var probe struct {
		Format *int `json:"format"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || probe.Format == nil {
		return nil, fmt.Errorf("decode keyring: no format version: %w", ErrMalformed)
	}
	v := *probe.Format
	if v > KeyringFormat {
		return nil, fmt.Errorf("decode keyring: format %d: %w", v, ErrNewerFormat)
	}
	for ; v < KeyringFormat; v++ {
		var err error
		if b, err = upgradeKeyring(v, b); err != nil {
			return nil, fmt.Errorf("decode keyring: %w", err)
		}
	}
	kr, err := decodeKeyringV1(b)
	if err != nil {
		return nil, fmt.Errorf("decode keyring: %w", err)
	}
	return kr, nil
}

// upgradeKeyring turns a keyring of format from into format from+1. No
// older format exists yet, so every call fails with ErrMalformed; a future
// format 2 adds "case 1:" here.
func upgradeKeyring(from int, b []byte) ([]byte, error) {
	switch from {
	default:
		return nil, fmt.Errorf("unknown format %d: %w", from, ErrMalformed)
	}
}

// decodeKeyringV1 decodes and validates format 1.
func decodeKeyringV1(b []byte) (*Keyring, error) {
	kr := &Keyring{}
	if err := decodeStrict(b, kr); err != nil {
		return nil, err
	}
	kr.normalize()
	if err := kr.check(); err != nil {
		return nil, err
	}
	return kr, nil
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
// directory is synced.
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
	return syncDir(dir)
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

// syncDir syncs the directory entry of a rename.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
