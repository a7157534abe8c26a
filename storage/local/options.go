package local

import (
	"fmt"
	"os"

	"github.com/dgraph-io/badger/v4"
)

// The desktop memory profile of PITFALLS.md: Badger's defaults grow to
// 670–830 MB resident after 100k writes, this stays far below.
const (
	memTableSize   = 8 << 20
	baseTableSize  = 1 << 20
	baseLevelSize  = 4 << 20
	blockCacheSize = 8 << 20
	indexCacheSize = 16 << 20
	valueLogSize   = 16 << 20
	// valueThreshold must stay below 15% of the memtable (Badger's max batch
	// size); values above it (large envelopes, attachments) go to the value log.
	valueThreshold = 64 << 10
)

// badgerOptions is the desktop profile, and for a bulk load the same
// profile with a bigger memtable and no fsync per transaction. The tables
// and levels keep the desktop sizes on purpose: a store loaded with bigger memtables and tables was left
// with a level structure that the desktop profile then spent minutes (and
// hundreds of MB) compacting.
// bulkMemTableSize lets a bulk load put more writes in one transaction
// (Badger's largest batch is 15% of the memtable).
const bulkMemTableSize = 64 << 20

func badgerOptions(dir string, key []byte, opt Options) badger.Options {
	o := desktopOptions(dir, key, opt.ReadOnly)
	if opt.Bulk {
		o = o.WithSyncWrites(false).WithMemTableSize(bulkMemTableSize)
	}
	return o
}

func desktopOptions(dir string, key []byte, readOnly bool) badger.Options {
	return badger.DefaultOptions(dir).
		WithEncryptionKey(key).
		WithIndexCacheSize(indexCacheSize).
		WithBlockCacheSize(blockCacheSize).
		WithSyncWrites(true).
		WithMemTableSize(memTableSize).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(4).
		WithBaseTableSize(baseTableSize).
		WithBaseLevelSize(baseLevelSize).
		WithValueLogFileSize(valueLogSize).
		WithNumCompactors(2).
		WithValueThreshold(valueThreshold).
		WithReadOnly(readOnly).
		WithLogger(quietLogger{})
}

// quietLogger keeps Badger from logging data: it drops info and debug lines
// and prints only the format string of warnings and errors, never their
// arguments (which may hold keys, and keys hold index terms).
type quietLogger struct{}

func (quietLogger) Errorf(format string, _ ...any) { fmt.Fprintln(os.Stderr, "badger error:", format) }
func (quietLogger) Warningf(format string, _ ...any) {
	fmt.Fprintln(os.Stderr, "badger warning:", format)
}
func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
