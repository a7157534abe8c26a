// Package backup is the backup file of a vault: a header, then the store's
// files (or, in older backups and the server's, its keys and values) in
// chunks that each authenticate on their own (age's
// STREAM, through vault.Stream), so that a restore can check every chunk
// before it writes anything, and a cut, a reordering or one flipped bit
// anywhere is found. The byte layout is in docs/FORMATS.md ("Backup
// file"); the keys are app/office's business (office.Backup).
package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Magic starts every backup file.
const Magic = "MDGB"

// Version is the format version this package writes and reads.
const Version = 1

// The kinds of backup.
const (
	// KindVault is a vault's backup: the keyring in the header, the file
	// key sealed under the office contact key (office.Backup).
	KindVault = 1
	// KindServer is a backup of the central server's embedded store: no
	// keyring, the file key sealed under a passphrase.
	KindServer = 2
	// KindVaultFiles is a vault's backup made of its store's files
	// (Writer.File, File.Files): the keyring in the header, the file key
	// sealed under the office contact key. Restoring it writes the files
	// back instead of loading every key again.
	KindVaultFiles = 3
)

// DefaultChunkSize is the plaintext size of every chunk but the last.
const DefaultChunkSize = 1 << 20

// Limits of the header, checked when reading.
const (
	minChunk      = 1 << 10
	maxChunk      = 16 << 20
	maxOffice     = 256
	maxKeyring    = 16 << 20
	maxWrappedKey = 4 << 10
	maxKey        = 64 << 10
	maxValue      = 256 << 20
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrNotBackup: the file does not start like a backup file.
	ErrNotBackup = errors.New("not a backup file")
	// ErrNewerFormat: the file was written by a newer program version.
	ErrNewerFormat = errors.New("backup file of a newer format")
	// ErrDamaged: the file does not verify: a chunk was changed, moved,
	// cut off or added, or the header was changed.
	ErrDamaged = errors.New("backup file does not verify")
)

// Header is what a backup file says about itself before its chunks. It
// is not encrypted and ends with the SHA-256 of its other bytes, which
// finds accidental damage before a password is asked for; what
// authenticates it is that every chunk binds the whole header (its
// SHA-256) as additional data.
type Header struct {
	Kind      byte
	ChunkSize int
	Created   time.Time
	Office    string
	// Keyring is the vault's keyring.json as it was when the backup was
	// made (itself sealed per person, as on disk).
	Keyring []byte
	// WrappedKey is the file key, sealed under an office key
	// (vault.WrapFileKey).
	WrappedKey []byte
}

// Marshal encodes the header.
func (h Header) Marshal() ([]byte, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	b := append([]byte(Magic), Version, h.Kind)
	b = binary.BigEndian.AppendUint32(b, uint32(h.ChunkSize))
	b = binary.BigEndian.AppendUint64(b, uint64(h.Created.UnixNano()))
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.Office)))
	b = append(b, h.Office...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(h.Keyring)))
	b = append(b, h.Keyring...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.WrappedKey)))
	b = append(b, h.WrappedKey...)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...), nil
}

func (h Header) check() error {
	switch {
	case h.Kind != KindVault && h.Kind != KindServer && h.Kind != KindVaultFiles:
		return fmt.Errorf("header: kind %d: %w", h.Kind, ErrDamaged)
	case h.ChunkSize < minChunk || h.ChunkSize > maxChunk:
		return fmt.Errorf("header: chunk size %d: %w", h.ChunkSize, ErrDamaged)
	case h.Office == "" || len(h.Office) > maxOffice:
		return fmt.Errorf("header: office of %d bytes: %w", len(h.Office), ErrDamaged)
	case (len(h.Keyring) == 0) == (h.Kind != KindServer) || len(h.Keyring) > maxKeyring:
		return fmt.Errorf("header: keyring of %d bytes: %w", len(h.Keyring), ErrDamaged)
	case len(h.WrappedKey) == 0 || len(h.WrappedKey) > maxWrappedKey:
		return fmt.Errorf("header: file key of %d bytes: %w", len(h.WrappedKey), ErrDamaged)
	}
	return nil
}

// ReadHeader reads and checks the header at the start of r. It returns the
// header and its raw bytes (which the chunks bind). A file that does not
// start with Magic wraps ErrNotBackup; a newer version ErrNewerFormat;
// anything else malformed ErrDamaged.
func ReadHeader(r io.Reader) (Header, []byte, error) {
	var raw bytes.Buffer
	tr := io.TeeReader(r, &raw)
	fixed := make([]byte, len(Magic)+2+4+8+2)
	if _, err := io.ReadFull(tr, fixed); err != nil {
		return Header{}, nil, fmt.Errorf("header: %w", ErrNotBackup)
	}
	if string(fixed[:4]) != Magic {
		return Header{}, nil, fmt.Errorf("header: %w", ErrNotBackup)
	}
	if fixed[4] != Version {
		if fixed[4] > Version {
			return Header{}, nil, fmt.Errorf("header: version %d: %w", fixed[4], ErrNewerFormat)
		}
		return Header{}, nil, fmt.Errorf("header: version %d: %w", fixed[4], ErrDamaged)
	}
	h := Header{Kind: fixed[5], ChunkSize: int(binary.BigEndian.Uint32(fixed[6:])),
		Created: time.Unix(0, int64(binary.BigEndian.Uint64(fixed[10:]))).UTC()}
	office, err := readField(tr, int(binary.BigEndian.Uint16(fixed[18:])), maxOffice)
	if err != nil {
		return Header{}, nil, err
	}
	h.Office = string(office)
	if h.Keyring, err = readField(tr, -4, maxKeyring); err != nil {
		return Header{}, nil, err
	}
	if h.WrappedKey, err = readField(tr, -2, maxWrappedKey); err != nil {
		return Header{}, nil, err
	}
	sum := sha256.Sum256(raw.Bytes())
	if got, err := readField(tr, len(sum), len(sum)); err != nil || !bytes.Equal(got, sum[:]) {
		return Header{}, nil, fmt.Errorf("header: checksum: %w", ErrDamaged)
	}
	if err := h.check(); err != nil {
		return Header{}, nil, err
	}
	return h, raw.Bytes(), nil
}

// readField reads n bytes, or when n is -2 or -4 a length of that many
// bytes first; more than max is damage.
func readField(r io.Reader, n, max int) ([]byte, error) {
	if n < 0 {
		l := make([]byte, -n)
		if _, err := io.ReadFull(r, l); err != nil {
			return nil, fmt.Errorf("header: %w", ErrDamaged)
		}
		if n == -2 {
			n = int(binary.BigEndian.Uint16(l))
		} else {
			n = int(binary.BigEndian.Uint32(l))
		}
	}
	if n > max {
		return nil, fmt.Errorf("header: field of %d bytes: %w", n, ErrDamaged)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("header: %w", ErrDamaged)
	}
	return b, nil
}

// AD is the additional data every chunk binds: the SHA-256 of the raw
// header.
func AD(rawHeader []byte) []byte {
	s := sha256.Sum256(rawHeader)
	return s[:]
}
