package vault

import (
	"crypto/rand"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Class names a family of office keys; docs/SECURITY.md lists what each covers.
type Class string

// The office key classes.
const (
	// ClassContact protects businesses, reservations, seminars and masters.
	ClassContact Class = "contact"
	// ClassCase protects consultation content and other sensitive details.
	ClassCase Class = "case"
)

// known reports whether c is one of the defined classes.
func (c Class) known() bool { return c == ClassContact || c == ClassCase }

// classKeys holds every version of one class.
type classKeys struct {
	current  uint32
	versions map[uint32][]byte
}

// Keys holds office keys in memory: for each class a set of 32-byte keys by
// version, one of which is current (used for new writes). It is safe for
// concurrent use, except that Zero must not run while keys are in use.
type Keys struct {
	mu      sync.RWMutex
	classes map[Class]*classKeys
}

// newKeys returns an empty set.
func newKeys() *Keys { return &Keys{classes: map[Class]*classKeys{}} }

// NewOfficeKeys returns a fresh office key set: random contact v1 and case v1.
func NewOfficeKeys() (*Keys, error) {
	k := newKeys()
	for _, c := range []Class{ClassContact, ClassCase} {
		if _, err := k.Rotate(c); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// Has reports whether k holds any key of class c.
func (k *Keys) Has(c Class) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.classes[c] != nil
}

// Current returns the current version of class c and its key. The key
// slice is shared with k: do not modify it; Zero wipes it.
func (k *Keys) Current(c Class) (version uint32, key []byte, ok bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ck := k.classes[c]
	if ck == nil {
		return 0, nil, false
	}
	return ck.current, ck.versions[ck.current], true
}

// Get returns the key of class c at version. The key slice is shared with
// k: do not modify it; Zero wipes it.
func (k *Keys) Get(c Class, version uint32) ([]byte, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ck := k.classes[c]
	if ck == nil {
		return nil, false
	}
	key, ok := ck.versions[version]
	return key, ok
}

// Subset returns an independent copy of k holding only the given classes
// (all their versions). Classes k does not hold are skipped.
func (k *Keys) Subset(classes ...Class) *Keys {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := newKeys()
	for _, c := range classes {
		ck := k.classes[c]
		if ck == nil {
			continue
		}
		cp := &classKeys{current: ck.current, versions: map[uint32][]byte{}}
		for v, key := range ck.versions {
			cp.versions[v] = slices.Clone(key)
		}
		out.classes[c] = cp
	}
	return out
}

// Rotate adds a new random key to class c, one version above the highest
// held, makes it current and returns its version. A class not yet held
// starts at version 1. Earlier versions stay so old data still opens.
func (k *Keys) Rotate(c Class) (uint32, error) {
	if !c.known() {
		return 0, fmt.Errorf("rotate %q: %w", c, ErrNoKey)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return 0, fmt.Errorf("rotate %s: %w", c, err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	ck := k.classes[c]
	if ck == nil {
		ck = &classKeys{versions: map[uint32][]byte{}}
		k.classes[c] = ck
	}
	v := slices.Max(append(slices.Collect(maps.Keys(ck.versions)), 0)) + 1
	ck.versions[v] = key
	ck.current = v
	return v, nil
}

// Zero overwrites every key byte with zeros and forgets all classes;
// afterwards Has reports false for every class.
func (k *Keys) Zero() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, ck := range k.classes {
		for _, key := range ck.versions {
			clear(key)
		}
	}
	k.classes = map[Class]*classKeys{}
}

// Classes returns the classes k holds, sorted.
func (k *Keys) Classes() []Class {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Sorted(maps.Keys(k.classes))
}

// add stores key as (c, version) without changing the current version
// (the first key of a class becomes current).
func (k *Keys) add(c Class, version uint32, key []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	ck := k.classes[c]
	if ck == nil {
		ck = &classKeys{current: version, versions: map[uint32][]byte{}}
		k.classes[c] = ck
	}
	ck.versions[version] = key
}

// setCurrent makes the given version of each class current where k holds
// it; a class whose given version k lacks keeps its highest version
// current, and writes under it are refused by the table check of the
// caller.
func (k *Keys) setCurrent(current map[Class]uint32) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for c, ck := range k.classes {
		if _, ok := ck.versions[current[c]]; ok {
			ck.current = current[c]
			continue
		}
		ck.current = slices.Max(slices.Collect(maps.Keys(ck.versions)))
	}
}

// Versions returns the versions of class c that k holds, ascending.
func (k *Keys) Versions(c Class) []uint32 {
	k.mu.RLock()
	defer k.mu.RUnlock()
	ck := k.classes[c]
	if ck == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(ck.versions))
}

// rotateTo adds a fresh random key of class c at version v and makes it
// current.
func (k *Keys) rotateTo(c Class, v uint32) []byte {
	key := randomBytes(KeySize)
	k.add(c, v, key)
	k.mu.Lock()
	k.classes[c].current = v
	k.mu.Unlock()
	return key
}
