package backup

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFile writes path through fill into path+".tmp" (mode 0600), syncs
// it, renames it over path and syncs the folder, so that an interruption
// at any moment (even kill -9 or a power cut) leaves whatever was at path
// before as it was. On an error the temporary file is removed. It returns
// the file's size and what fill returned.
func WriteFile(path string, fill func(io.Writer) (int, error)) (size int64, n int, err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, 0, fmt.Errorf("write backup: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if n, err = fill(bw); err != nil {
		return 0, 0, err
	}
	if err = bw.Flush(); err == nil {
		err = f.Sync()
	}
	var st os.FileInfo
	if err == nil {
		st, err = f.Stat()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("write backup %s: %w", path, err)
	}
	if runtime.GOOS != "windows" { // Windows has no directory sync (docs/DEVELOPMENT.md)
		if d, derr := os.Open(filepath.Dir(path)); derr == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return st.Size(), n, nil
}

// File is a backup file opened for reading: its header has been read and
// checked; Pairs reads its chunks, as often as needed (a restore reads
// them once to check every chunk, and once more to write).
type File struct {
	f      *os.File
	Header Header
	raw    []byte
	size   int64
}

// Open opens the backup file at path and reads its header (ErrNotBackup,
// ErrNewerFormat, ErrDamaged).
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open backup: %w", err)
	}
	h, raw, err := ReadHeader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open backup: %w", err)
	}
	return &File{f: f, Header: h, raw: raw, size: st.Size()}, nil
}

// Size is the file's size in bytes.
func (bf *File) Size() int64 { return bf.size }

// Close closes the file.
func (bf *File) Close() error { return bf.f.Close() }

// Pairs reads every pair under the file key, calling each (when set) with
// it and progress (when set) now and then with the bytes read so far and
// the file's size. It returns the number of pairs, or the first problem:
// ErrDamaged for anything that does not verify, or each's error.
func (bf *File) Pairs(fileKey []byte, each func(k, v []byte) error, progress func(done, total int64)) (int, error) {
	cr := &countReader{r: io.NewSectionReader(bf.f, int64(len(bf.raw)), bf.size-int64(len(bf.raw)))}
	r, err := NewReader(cr, bf.Header, bf.raw, fileKey)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		k, v, err := r.Next()
		if errors.Is(err, io.EOF) {
			if progress != nil {
				progress(bf.size, bf.size)
			}
			return n, nil
		}
		if err == nil && each != nil {
			err = each(k, v)
		}
		if err != nil {
			return n, err
		}
		if n++; n%4096 == 0 && progress != nil {
			progress(int64(len(bf.raw))+cr.n, bf.size)
		}
	}
}

// countReader counts what is read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Reader returns a reader of the pairs from the first chunk, for a second
// pass that writes what Pairs checked.
func (bf *File) Reader(fileKey []byte) (*Reader, error) {
	return NewReader(io.NewSectionReader(bf.f, int64(len(bf.raw)), bf.size-int64(len(bf.raw))), bf.Header, bf.raw, fileKey)
}
