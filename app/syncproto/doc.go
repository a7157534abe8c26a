// Package syncproto is the sync protocol between a PC and the central
// server, as far as it can be checked without trusting the server: the
// signed push chain of each device, the checker that a pulling client runs
// on every page, and the binary codec of the HTTP bodies of push and pull.
//
// # The push chain
//
// Every device keeps one chain of everything it pushes. The envelope at
// sequence n carries a Link: Seq n, Prev the hash of link n−1 (empty at
// n = 1), Hash = LinkHash over the office, the device, n, Prev, the record
// id, the rev and SHA-256 of the sealed bytes, and Sig, the Ed25519
// signature of the person logged in on the device over Hash (SignLink: the
// blob names the login, so that a verifier can look up its keys). The server
// stores the links as they are; it cannot forge one, but it can drop,
// reorder, roll back, replay, swap or withhold envelopes. A client that
// pulls checks, per device, that the links it gets continue the chain it
// has seen (Checker.Page): every link's hash and its place in the chain,
// and the signature of the last link of each device in the page. Since a
// link's hash covers the hash before it, that one signature vouches for
// all the device's links of the page; checking every signature would cost
// an Ed25519 verification per envelope (about 60 µs, most of a first
// pull's time) for nothing more. Every link still carries its signature,
// so a page may end anywhere.
//
// A chain alone cannot show that the server withholds the tail of a chain:
// a client that never saw A's links 4 and 5 cannot tell them missing. So
// every push ends with a heads item (HeadsItem, record id HeadsPrefix +
// device): the heads of the other devices' chains that the pushing device
// had seen. A client that pulls B's claim "A at 5" while it has seen A only
// up to 3 knows the server hides something (ErrWithheld). The device's own
// chain is covered by the head the server acknowledges to each push
// (Checker.Pushed) and by comparing it with what pulls show once a pull
// comes back empty (Checker.CaughtUp).
//
// # Errors
//
// The checker's errors wrap one of the sentinels below (test with
// errors.Is) and name the device, sequence, record id and rev concerned:
//
//   - ErrDropped: a link is missing from a device's chain (the server
//     deleted or skipped an envelope).
//   - ErrReordered: links of one device, or cursors of a page, come out of
//     order.
//   - ErrReplayed: a link seen before comes again.
//   - ErrRolledBack: the server went back: cursors before the asked point,
//     or a chain head lower than one it acknowledged.
//   - ErrForked: two different links at the same place of a chain.
//   - ErrWithheld: another device saw links of a chain that this device has
//     not got: the server withholds them.
//   - ErrTampered: an envelope whose hash or signature does not check: it
//     was changed, moved to another record or device, or signed by an
//     unknown login.
//   - ErrMalformed: bytes that this protocol cannot have written (the
//     decoders).
//
// Japanese gives the sentence to show a person for each of them.
//
// # Wire format
//
// The HTTP bodies of push and pull (PushRequest, PushResponse,
// PullResponse) are binary: "MDGP", a type byte (1, 2, 3) and a version
// byte (1), then fixed-width big-endian fields; a byte string is its length
// (1, 2 or 4 bytes) and its bytes. An envelope is id (2-byte length), rev
// (1), [device (1), cursor (8): pull only], seq (8), prev (1), hash (1),
// sig (2), data (4). A push request is a 4-byte count, the envelopes, and an
// anchor flag (0, or 1 followed by seq, hash (1), sig (2) and the time in
// Unix nanoseconds, 0 for the zero time); a push response is stored (4),
// duplicates (4), head seq (8), head hash (1), last cursor (8); a pull
// response is next (8), last (8), a 4-byte count and the envelopes; a pull
// stream is pull responses back to back, each after its length (4 bytes,
// at most MaxPullFrame). Every
// value has one encoding: a decoder that accepts some bytes re-encodes
// them to the same bytes. Decoders give ErrMalformed (naming the field and
// the byte offset) for truncated input, trailing bytes, an unknown type or
// version, and any length beyond the limits of storage/central; they never
// allocate more than the input can fill, and what they return does not
// alias the input. Values beyond the limits encode to bytes that the
// decoders refuse.
//
// The package imports only the standard library and storage/central, and
// panics on no input.
package syncproto
