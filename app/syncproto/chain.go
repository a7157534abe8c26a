package syncproto

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Domains of the hashes and signatures: a signature made here cannot be
// taken for one of another purpose.
const (
	linkDomain = "madoguchi push link v1\x00"
	sigDomain  = "madoguchi push sig v1\x00"
	sigVersion = 1
)

// HeadsPrefix starts the record id of a heads item; the rest is the id of
// the device that pushed it. Record ids of the vault never start with '~'.
const HeadsPrefix = "~heads/"

// Head is the head of a device's push chain: the sequence and hash of its
// last link; Seq 0 and no Hash before the first.
type Head struct {
	Seq  uint64
	Hash []byte
}

// Item is one version to push: a record id, its rev and the sealed bytes.
type Item struct {
	ID, Rev string
	Data    []byte
}

// LinkHash is the hash of a link: SHA-256 over the domain
// "madoguchi push link v1\x00" and then office, device, seq (8 bytes big
// endian), prev, id, rev, each but seq preceded by its length in 4 bytes big
// endian, and last SHA-256(data) (32 bytes).
func LinkHash(office, device string, seq uint64, prev []byte, id, rev string, data []byte) []byte {
	sum := linkHash(office, device, seq, prev, id, rev, data)
	return sum[:]
}

// linkHash is LinkHash as an array (a pull checks one per envelope).
func linkHash(office, device string, seq uint64, prev []byte, id, rev string, data []byte) [32]byte {
	return linkHashArray(office, device, seq, prev, id, rev, sha256.Sum256(data))
}

// linkHashSum is LinkHash of data whose SHA-256 is d.
func linkHashSum(office, device string, seq uint64, prev []byte, id, rev string, d [32]byte) []byte {
	sum := linkHashArray(office, device, seq, prev, id, rev, d)
	return sum[:]
}

func linkHashArray(office, device string, seq uint64, prev []byte, id, rev string, d [32]byte) [32]byte {
	// One buffer and one hash: a pull computes this for every version.
	var stack [256]byte
	b := append(stack[:0], linkDomain...)
	b = appendLP(b, office)
	b = appendLP(b, device)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = appendLP(b, prev)
	b = appendLP(b, id)
	b = appendLP(b, rev)
	b = append(b, d[:]...)
	return sha256.Sum256(b)
}

// appendLP appends p preceded by its length in 4 bytes big endian.
func appendLP[T string | []byte](b []byte, p T) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
	return append(b, p...)
}

// Redaction reports whether e, of office, is a version the server erased
// on a purge order: its data a redaction mark (central.Redaction) and its
// link hash that of the erased bytes, whose SHA-256 the mark keeps. It
// returns the order's hash, which the PC must verify before it takes the
// gap (the server can only redact; the order's signature says whether it
// was told to).
func Redaction(office string, e central.Envelope) (order string, ok bool) {
	sum, order, ok := central.ParseRedaction(e.Data)
	if !ok {
		return "", false
	}
	l := e.Link
	if !bytes.Equal(l.Hash, linkHashSum(office, e.Device, l.Seq, l.Prev, e.ID, e.Rev, sum)) {
		return "", false
	}
	return order, true
}

// sigMessage is what a link's signature signs.
func sigMessage(hash []byte) []byte {
	return append([]byte(sigDomain), hash...)
}

// SignLink returns the signature blob of a link hash, as kept in
// central.Link.Sig: 1 byte version (1), 1 byte length of the login, the
// login, and the 64-byte Ed25519 signature that sign makes over
// "madoguchi push sig v1\x00" || hash. It returns nil when the login is not
// a valid login (central.CheckLogin) or sign does not return 64 bytes.
func SignLink(login string, sign func(msg []byte) []byte, hash []byte) []byte {
	if central.CheckLogin(login) != nil || sign == nil {
		return nil
	}
	sig := sign(sigMessage(hash))
	if len(sig) != ed25519.SignatureSize {
		return nil
	}
	b := make([]byte, 0, 2+len(login)+len(sig))
	b = append(b, sigVersion, byte(len(login)))
	b = append(b, login...)
	return append(b, sig...)
}

// ParseSig splits a signature blob of SignLink into the signer's login and
// the Ed25519 signature; ErrMalformed for an unknown version, a login that
// is not valid, or a wrong length.
func ParseSig(b []byte) (login string, sig []byte, err error) {
	if len(b) < 2 {
		return "", nil, fmt.Errorf("link signature of %d bytes: %w", len(b), ErrMalformed)
	}
	if b[0] != sigVersion {
		return "", nil, fmt.Errorf("link signature version %d: %w", b[0], ErrMalformed)
	}
	n := int(b[1])
	if len(b) != 2+n+ed25519.SignatureSize {
		return "", nil, fmt.Errorf("link signature of %d bytes with a login of %d: %w", len(b), n, ErrMalformed)
	}
	login = string(b[2 : 2+n])
	if err := central.CheckLogin(login); err != nil {
		return "", nil, fmt.Errorf("link signature: %v: %w", err, ErrMalformed)
	}
	return login, append([]byte(nil), b[2+n:]...), nil
}

// VerifyLink checks a signature blob over a link hash: it parses the blob,
// asks keys for the Ed25519 public keys of the login it names (current and
// former), and reports the login and whether one of them verifies. Keys of
// a wrong size are skipped; keys may be nil (nothing verifies).
func VerifyLink(keys func(login string) [][]byte, hash, sigBlob []byte) (login string, ok bool) {
	login, sig, err := ParseSig(sigBlob)
	if err != nil {
		return "", false
	}
	if keys == nil {
		return login, false
	}
	msg := sigMessage(hash)
	for _, k := range keys(login) {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(ed25519.PublicKey(k), msg, sig) {
			return login, true
		}
	}
	return login, false
}

// Links builds the envelopes of one push of device on its chain head: item
// i gets Seq head.Seq+1+i, Prev the hash before it, Hash = LinkHash and Sig
// = SignLink(login, sign, Hash). It returns them in order and the chain's
// new head. The result depends only on its arguments (Ed25519 signatures
// are deterministic), so a retried push gives the same bytes, which the
// server takes as duplicates. An error for a login or signing function with
// which SignLink fails, or for an item with a heads id other than the
// device's own.
func Links(office, device string, head Head, login string, sign func([]byte) []byte, items []Item) ([]central.Envelope, Head, error) {
	envs := make([]central.Envelope, 0, len(items))
	prev := bytes.Clone(head.Hash)
	seq := head.Seq
	for _, it := range items {
		seq++
		if IsHeads(it.ID) && it.ID != HeadsPrefix+device {
			return nil, head, fmt.Errorf("device %s seq %d: item %s %s is a heads item of another device: %w", device, seq, it.ID, it.Rev, ErrMalformed)
		}
		hash := LinkHash(office, device, seq, prev, it.ID, it.Rev, it.Data)
		sig := SignLink(login, sign, hash)
		if sig == nil {
			return nil, head, fmt.Errorf("device %s seq %d: item %s %s: cannot sign as login %q (invalid login or signature size)", device, seq, it.ID, it.Rev, login)
		}
		envs = append(envs, central.Envelope{
			ID:     it.ID,
			Rev:    it.Rev,
			Device: device,
			Link:   central.Link{Seq: seq, Prev: prev, Hash: hash, Sig: sig},
			Data:   bytes.Clone(it.Data),
		})
		prev = hash
	}
	return envs, Head{Seq: seq, Hash: bytes.Clone(prev)}, nil
}

// IsHeads reports whether a record id is that of a heads item.
func IsHeads(id string) bool { return strings.HasPrefix(id, HeadsPrefix) }

// headsRev is the rev of a heads item at link sequence seq.
func headsRev(seq uint64) string { return fmt.Sprintf("%016x", seq) }

// HeadsItem is the heads item that ends a push of device: the chain heads
// of the other devices that it has seen (seen, as Checker.Heads returns
// it). seq is the link sequence the item will take (the push's head.Seq +
// number of other items + 1); the item's ID is HeadsPrefix+device, its Rev
// seq in 16 lower-case hex digits, its Data the canonical encoding of seen
// (DecodeHeads). Entries of device itself, of Seq 0, or that no valid
// encoding holds (an invalid device id, a hash of 0 or over central.MaxHash
// bytes) are left out.
func HeadsItem(device string, seq uint64, seen map[string]Head) Item {
	m := make(map[string]Head, len(seen))
	for d, h := range seen {
		if d != device {
			m[d] = h
		}
	}
	return Item{ID: HeadsPrefix + device, Rev: headsRev(seq), Data: encodeHeads(m)}
}

const headsVersion = 1

// encodeHeads encodes a heads map: version byte, then the table.
func encodeHeads(m map[string]Head) []byte {
	return appendTable([]byte{headsVersion}, m)
}

// DecodeHeads decodes the Data of a heads item; ErrMalformed for anything
// that HeadsItem cannot have written.
func DecodeHeads(data []byte) (map[string]Head, error) {
	r := &reader{b: data, msg: "heads item"}
	if v := r.u8("version"); r.err == nil && v != headsVersion {
		r.fail("version %d", v)
	}
	m := readTable(r)
	if err := r.end(); err != nil {
		return nil, err
	}
	return m, nil
}

// validHead reports whether an entry of a heads table can be encoded.
func validHead(d string, h Head) bool {
	return central.CheckID("device", d) == nil && h.Seq != 0 && len(h.Hash) >= 1 && len(h.Hash) <= central.MaxHash
}

// appendTable appends a table of chain heads: a 4-byte count, then by
// device id in byte order: id (1-byte length), seq (8 bytes), hash (1-byte
// length). Entries that validHead refuses are left out.
func appendTable(b []byte, m map[string]Head) []byte {
	ids := make([]string, 0, len(m))
	for d, h := range m {
		if validHead(d, h) {
			ids = append(ids, d)
		}
	}
	sort.Strings(ids)
	b = putLen(b, 4, len(ids))
	for _, d := range ids {
		b = putBytes(b, 1, []byte(d))
		b = put64(b, m[d].Seq)
		b = putBytes(b, 1, m[d].Hash)
	}
	return b
}

// minEntry is the size of the smallest table entry.
const minEntry = 1 + 1 + 8 + 1 + 1

// readTable reads what appendTable writes, refusing any other encoding
// (ids out of order or repeated, invalid entries).
func readTable(r *reader) map[string]Head {
	n := r.count(1<<20, minEntry, "heads")
	m := make(map[string]Head, n)
	last := ""
	for i := 0; i < n && r.err == nil; i++ {
		d := r.str(1, 1, central.MaxName, "device id")
		seq := r.u64("seq")
		hash := r.bytes(1, 1, central.MaxHash, "hash")
		if r.err != nil {
			break
		}
		if !validHead(d, Head{Seq: seq, Hash: hash}) {
			r.fail("head %d of device %q at seq %d is not valid", i, d, seq)
			break
		}
		if i > 0 && d <= last {
			r.fail("device %q after %q: not in order", d, last)
			break
		}
		last = d
		m[d] = Head{Seq: seq, Hash: hash}
	}
	if r.err != nil {
		return nil
	}
	return m
}
