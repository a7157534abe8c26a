package local

import "fmt"

// OutboxLen counts the versions of the outbox, reading keys only.
func (s *Store) OutboxLen() (int, error) {
	n, err := s.countKeys(outboxPrefix)
	if err != nil {
		return 0, fmt.Errorf("outbox: %w", err)
	}
	return n, nil
}

// VersionCount counts the stored versions of all records, reading keys
// only.
func (s *Store) VersionCount() (int, error) {
	n, err := s.countKeys([]byte("v/"))
	if err != nil {
		return 0, fmt.Errorf("versions: %w", err)
	}
	return n, nil
}

func (s *Store) countKeys(prefix []byte) (int, error) {
	n := 0
	err := s.scanKeys(prefix, func([]byte) (bool, error) {
		n++
		return true, nil
	})
	return n, err
}
