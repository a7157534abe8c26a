package office

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// ScanCases is SearchCases without an index, the floor of
// BenchmarkOfficeCaseSearch: it decrypts the content of every consultation
// record and counts those holding text. It writes no access-log event. (A
// function, not a method: the permission test walks the methods.)
func ScanCases(o *Office, s *Session, text string) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(context.Background(), s, PermCase); err != nil {
		return 0, err
	}
	ids, err := o.store.IDs(string(record.KindConsultation))
	if err != nil {
		return 0, err
	}
	norm, n := record.NormalizeText(text), 0
	for _, id := range ids {
		var c record.ConsultationCase
		ok, err := o.loadCase(s, id, record.KindConsultation, &c)
		if err != nil {
			return n, err
		}
		if ok && caseContains(&c, norm) {
			n++
		}
	}
	return n, nil
}

// LoadFloor is the floor of BenchmarkRestore: it reads every pair of the
// office's store into memory, then times local.Load of them into a new
// store in dir (Badger's stream writer, nothing decrypted or checked). It
// returns that time and the number of pairs.
func LoadFloor(o *Office, dir string) (time.Duration, int, error) {
	o.mu.Lock()
	sn := o.store.NewSnapshot()
	o.mu.Unlock()
	defer sn.Close()
	// One arena and its offsets: millions of small slices would cost
	// the collector more than the load.
	var arena []byte
	var ends []int
	err := sn.Each(context.Background(), func(k, v []byte) error {
		arena = append(arena, k...)
		ends = append(ends, len(arena))
		arena = append(arena, v...)
		ends = append(ends, len(arena))
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	i, at := 0, 0
	t0 := time.Now()
	err = local.Load(dir, bytes.Repeat([]byte{7}, 32), func() ([]byte, []byte, error) {
		if i == len(ends) {
			return nil, nil, io.EOF
		}
		k, v := arena[at:ends[i]], arena[ends[i]:ends[i+1]]
		at, i = ends[i+1], i+2
		return k, v, nil
	})
	return time.Since(t0), len(ends) / 2, err
}
