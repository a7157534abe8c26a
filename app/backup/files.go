package backup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// filePiece is the most file bytes one pair carries: small against a
// chunk, so that nearly every piece is read in place (Reader.inChunk).
const filePiece = 64 << 10

// File adds the file name with the bytes of r, as pairs whose key is the
// name and whose values are the bytes in order (one empty value for an
// empty file). It returns the number of bytes. A backup of KindVaultFiles
// is made of files only; File.Files writes them back.
func (w *Writer) File(name string, r io.Reader) (int64, error) {
	if name == "" || len(name) > maxKey {
		return 0, fmt.Errorf("backup file: name of %d bytes: %w", len(name), ErrDamaged)
	}
	buf := make([]byte, filePiece)
	var n int64
	for {
		k, err := io.ReadFull(r, buf)
		if k > 0 || n == 0 && k == 0 && err != nil {
			if perr := w.Pair([]byte(name), buf[:k]); perr != nil {
				return n, perr
			}
			n += int64(k)
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return n, nil
		case err != nil:
			return n, fmt.Errorf("backup file %s: %w", name, err)
		}
	}
}

// Files writes the files of a backup of KindVaultFiles into dir, an
// existing empty folder, each with mode 0600, and syncs them and dir. A
// name that valid refuses, or one that comes again after another file,
// wraps ErrDamaged; so does anything that does not verify (Pairs). On an
// error, what was written stays in dir for the caller to remove. progress
// (when set) gets the bytes of the backup read so far and its size. It
// returns the number of files. The chunks are opened on the caller's
// goroutine while others write what the last ones held (fileWriter).
func (bf *File) Files(ctx context.Context, fileKey []byte, dir string, valid func(name string) bool,
	progress func(done, total int64)) (int, error) {
	r, err := bf.Reader(fileKey)
	if err != nil {
		return 0, err
	}
	fw := newFileWriter(dir)
	seen := map[string]bool{}
	var name string
	buf := fw.buffer()
	for n := 0; ; n++ {
		k, v, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil && n%1024 == 0 {
			err = ctx.Err()
			if progress != nil {
				progress(int64(len(bf.raw))+r.BytesRead(), bf.size)
			}
		}
		if err == nil && (n == 0 || string(k) != name) {
			if n > 0 {
				fw.send(fileBlock{name: name, data: buf, end: true})
				buf = fw.buffer()
			}
			name = string(k)
			if !valid(name) || seen[name] {
				err = fmt.Errorf("file name %q: %w", name, ErrDamaged)
			}
			seen[name] = true
		}
		if err != nil {
			fw.stop()
			return len(seen), err
		}
		if len(buf)+len(v) > cap(buf) {
			fw.send(fileBlock{name: name, data: buf})
			buf = fw.buffer()
		}
		buf = append(buf, v...)
	}
	if len(seen) > 0 {
		fw.send(fileBlock{name: name, data: buf, end: true})
	}
	if err := fw.close(); err != nil {
		return len(seen), err
	}
	if runtime.GOOS != "windows" { // Windows has no directory sync
		if d, err := os.Open(dir); err == nil {
			err = d.Sync()
			d.Close()
			if err != nil {
				return len(seen), fmt.Errorf("restore: %w", err)
			}
		}
	}
	if progress != nil {
		progress(bf.size, bf.size)
	}
	return len(seen), nil
}

// fileBlock is bytes of one file for fileWriter; end closes the file.
type fileBlock struct {
	name string
	data []byte
	end  bool
}

// fileWriter writes the files of Files on goroutines of its own (lanes),
// from blocks of a few reused buffers: each file on one lane, in order,
// and the next file on the next lane, so that the file system copies two
// files at once (a buffered write into one file holds that file's lock,
// and the copy into the page cache costs about as much CPU as opening the
// chunks).
type fileWriter struct {
	dir   string
	lanes []*lane
	free  chan []byte
	// lane and name are the lane and name of the file being sent.
	lane int
	name string
	// toSync takes the name of each file written and closed to the
	// syncers.
	toSync  chan string
	synced  sync.WaitGroup
	syncMu  sync.Mutex
	syncErr error
}

// lane writes the blocks sent to it, one file at a time.
type lane struct {
	blocks chan fileBlock
	done   chan struct{}
	err    error // set by the lane's goroutine, read after done
	out    *os.File
}

const (
	fileBlockSize = 1 << 20
	fileBlocks    = 4 // blocks queued per lane
	syncWorkers   = 8
)

func newFileWriter(dir string) *fileWriter {
	n := max(2, min(runtime.GOMAXPROCS(0), 4))
	fw := &fileWriter{dir: dir, free: make(chan []byte, n*fileBlocks+1), lane: -1}
	for range n*fileBlocks + 1 {
		fw.free <- make([]byte, 0, fileBlockSize)
	}
	fw.toSync = make(chan string, syncWorkers)
	for range syncWorkers {
		fw.synced.Add(1)
		go fw.syncer()
	}
	for range n {
		l := &lane{blocks: make(chan fileBlock, fileBlocks), done: make(chan struct{})}
		fw.lanes = append(fw.lanes, l)
		go fw.run(l)
	}
	return fw
}

// buffer returns an empty buffer to fill.
func (fw *fileWriter) buffer() []byte { return (<-fw.free)[:0] }

// send hands a block to the lane of its file (a new file: the next lane);
// after an error the lane drops it.
func (fw *fileWriter) send(b fileBlock) {
	if fw.lane < 0 || b.name != fw.name {
		fw.lane = (fw.lane + 1) % len(fw.lanes)
		fw.name = b.name
	}
	fw.lanes[fw.lane].blocks <- b
}

// close waits for every block sent, syncs the files and returns the
// first error.
func (fw *fileWriter) close() error {
	err := fw.stop()
	if err == nil {
		err = fw.syncErr
	}
	return err
}

// stop waits for every block sent and every sync begun and returns the
// first error of the writes.
func (fw *fileWriter) stop() error {
	var err error
	for _, l := range fw.lanes {
		close(l.blocks)
	}
	for _, l := range fw.lanes {
		<-l.done
		if l.out != nil {
			l.out.Close()
		}
		err = cmp.Or(err, l.err)
	}
	close(fw.toSync)
	fw.synced.Wait()
	return err
}

func (fw *fileWriter) run(l *lane) {
	defer close(l.done)
	for b := range l.blocks {
		if l.err == nil {
			l.err = fw.write(l, b)
		}
		fw.free <- b.data
	}
}

func (fw *fileWriter) write(l *lane, b fileBlock) error {
	if l.out == nil {
		out, err := os.OpenFile(filepath.Join(fw.dir, b.name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		l.out = out
	}
	if _, err := l.out.Write(b.data); err != nil {
		return fmt.Errorf("restore %s: %w", b.name, err)
	}
	if !b.end {
		return nil
	}
	err := l.out.Close()
	l.out = nil
	if err != nil {
		return fmt.Errorf("restore %s: %w", b.name, err)
	}
	fw.toSync <- b.name
	return nil
}

// syncer syncs each file written as soon as it is closed, several at
// once, while the next ones are written: the file system then writes them
// back together, about as fast as one file of their size, where syncing
// one after the other costs a commit each.
func (fw *fileWriter) syncer() {
	defer fw.synced.Done()
	for name := range fw.toSync {
		f, err := os.OpenFile(filepath.Join(fw.dir, name), os.O_WRONLY, 0)
		if err == nil {
			err = f.Sync()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fw.syncMu.Lock()
			fw.syncErr = errors.Join(fw.syncErr, fmt.Errorf("restore %s: %w", name, err))
			fw.syncMu.Unlock()
		}
	}
}

// Check opens every chunk of the file under the file key, on all cores,
// without reading the frames inside: the check a restore makes before it
// writes anything. It finds what Pairs finds of a changed, moved, cut or
// added chunk or a changed header (ErrDamaged); the frames, which only the
// holder of the file key could have written wrong, are read by the pass
// that writes. progress (when set) gets the bytes checked so far.
func (bf *File) Check(ctx context.Context, fileKey []byte, progress func(done, total int64)) error {
	s, err := vault.NewStream(fileKey, AD(bf.raw))
	if err != nil {
		return err
	}
	body := bf.size - int64(len(bf.raw))
	sealedSize := int64(bf.Header.ChunkSize + vault.StreamOverhead)
	// Every chunk but the last is full; the last holds less than a full
	// chunk of plaintext (Writer seals a full buffer at once), perhaps
	// nothing.
	chunks := body/sealedSize + 1
	lastSize := body % sealedSize
	if lastSize < vault.StreamOverhead {
		return fmt.Errorf("the file ends inside a chunk (%d bytes after the header): %w", body, ErrDamaged)
	}
	workers := int64(min(runtime.GOMAXPROCS(0), 8))
	var next, done int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			sealed := make([]byte, sealedSize)
			var plain []byte
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= chunks || stop {
					return
				}
				size := sealedSize
				if i == chunks-1 {
					size = lastSize
				}
				err := ctx.Err()
				if err == nil {
					_, err = bf.f.ReadAt(sealed[:size], int64(len(bf.raw))+i*sealedSize)
				}
				if err == nil {
					plain, err = s.Open(plain[:0], uint64(i), i == chunks-1, sealed[:size])
					if err != nil {
						err = fmt.Errorf("%w: %w", ErrDamaged, err)
					}
				}
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				done += size
				if progress != nil && err == nil && i%16 == 0 {
					progress(int64(len(bf.raw))+done, bf.size)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	if progress != nil {
		progress(bf.size, bf.size)
	}
	return nil
}
