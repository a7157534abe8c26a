package local

import (
	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// The desktop memory profile: Badger's defaults grow to 670–830 MB resident
// after 100k writes, this stays far below (docs/DEVELOPMENT.md, Badger).
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

// bulkMemTableSize lets a bulk load put more writes in one transaction
// (Badger's largest batch is 15% of the memtable).
const bulkMemTableSize = 64 << 20

// badgerOptions is the desktop profile, and for a bulk load the same
// profile with a bigger memtable and no fsync per transaction. The tables
// and levels keep the desktop sizes on purpose: a store loaded with bigger
// memtables and tables was left with a level structure that the desktop
// profile then spent minutes (and hundreds of MB) compacting. Badger logs
// only to log, never to standard error, and checks the checksum of every
// table block and value-log value it reads from disk, so that damage
// after Open reads as an error (ErrCorrupt, or an empty value, which Badger
// gives for a value it cannot read) rather than as other data.
func badgerOptions(dir string, key []byte, opt Options, log badger.Logger) badger.Options {
	o := desktopOptions(dir, key, opt.ReadOnly, log)
	if opt.Bulk {
		o = o.WithSyncWrites(false).WithMemTableSize(bulkMemTableSize)
	}
	if opt.keyRotation > 0 {
		o = o.WithEncryptionKeyRotationDuration(opt.keyRotation)
	}
	return o
}

func desktopOptions(dir string, key []byte, readOnly bool, log badger.Logger) badger.Options {
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
		WithChecksumVerificationMode(options.OnBlockRead).
		WithVerifyValueChecksum(true).
		WithLogger(log)
}
