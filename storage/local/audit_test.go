package local

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestAudit(t *testing.T) {
	s := openTest(t)
	if _, err := s.LastAudit(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LastAudit on empty log = %v", err)
	}
	for seq := uint64(1); seq <= 300; seq++ {
		// Seqs above 255 check the big-endian order of the keys.
		e := AuditEntry{Seq: seq, Data: []byte(fmt.Sprintf("event %d", seq))}
		if err := s.Commit(Batch{Audit: []AuditEntry{e}}); err != nil {
			t.Fatal(err)
		}
	}
	last, err := s.LastAudit()
	if err != nil || last.Seq != 300 || string(last.Data) != "event 300" {
		t.Errorf("LastAudit = %+v, %v", last, err)
	}
	if err := s.Commit(Batch{Audit: []AuditEntry{{Seq: 7, Data: []byte("forged")}}}); !errors.Is(err, ErrAuditSeqExists) {
		t.Errorf("duplicate seq: %v", err)
	}
	if err := s.Commit(Batch{Audit: []AuditEntry{{Seq: 301}, {Seq: 301}}}); !errors.Is(err, ErrAuditSeqExists) {
		t.Errorf("duplicate seq in one batch: %v", err)
	}

	stop := errors.New("stop")
	tests := []struct {
		name    string
		from    uint64
		stopAt  uint64
		want    []uint64
		wantErr error
	}{
		{"from the start", 0, 0, seqRange(1, 300), nil},
		{"from the middle", 250, 0, seqRange(250, 300), nil},
		{"past the end", 301, 0, nil, nil},
		{"stopped by fn", 10, 12, seqRange(10, 12), stop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []uint64
			err := s.AuditRange(tt.from, func(a AuditEntry) error {
				got = append(got, a.Seq)
				if string(a.Data) != fmt.Sprintf("event %d", a.Seq) {
					t.Errorf("seq %d data %q", a.Seq, a.Data)
				}
				if a.Seq == tt.stopAt {
					return stop
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("seqs %v, want %v", got, tt.want)
			}
		})
	}
}

func seqRange(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}
