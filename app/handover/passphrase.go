package handover

import (
	"crypto/rand"
	"strings"
)

// passphraseAlphabet has no letters that read alike on paper or in the
// bundled font (0 O o, 1 l I, and the like): a person types the passphrase
// from the printed notice.
const passphraseAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewPassphrase returns a fresh passphrase for one hand-over: five groups
// of five characters from passphraseAlphabet, about 124 bits.
func NewPassphrase() string {
	const groups, size = 5, 5
	var b strings.Builder
	for g := range groups {
		if g > 0 {
			b.WriteByte('-')
		}
		for range size {
			b.WriteByte(passphraseAlphabet[randIndex(len(passphraseAlphabet))])
		}
	}
	return b.String()
}

// randIndex returns a uniform random index below n (n ≤ 256), rejecting
// the bytes that would bias it.
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("handover: no randomness: " + err.Error())
		}
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
