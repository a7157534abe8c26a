// Package syncagent keeps one PC's vault in sync with its central server
// while a person is logged in: the background loop of the desktop window
// and the one-shot sync of the command line share it. It logs the person
// in on the server (with an auth key derived once from the password at
// login; the password itself is not kept), registers their server login
// on first use, renews the device certificate when due, runs the syncer
// engine, wipes a PC that an administrator revoked, and reports a Status
// that the window shows. It imports no UI.
package syncagent

import (
	"time"
)

// State is what the sync indicator shows.
type State int

// The states of the indicator.
const (
	// StateNotEnrolled: this PC's vault is not enrolled with a server
	// (a single-PC office); nothing syncs and the indicator is hidden.
	StateNotEnrolled State = iota
	// StateSynced: the last sync succeeded and nothing waits to be sent
	// (同期済み, with Status.LastSync).
	StateSynced
	// StatePending: versions made here wait to be sent (未送信 n 件).
	StatePending
	// StateOffline: the server could not be reached (オフライン); work
	// goes on and is sent at the next sync.
	StateOffline
	// StateSyncing: a sync is running (同期中, with Status.Step and
	// Status.Done/Total).
	StateSyncing
	// StateConflicts: records are marked 競合 (競合 n 件).
	StateConflicts
	// StateError: the last sync failed for another reason than the
	// network (エラー, with Status.Err): certificate refused, this PC
	// revoked, a detected tampering by the server.
	StateError
)

// Step is the part of a sync that runs.
type Step int

// The steps of a sync, in order.
const (
	StepConnect Step = iota // logging in on the server
	StepTable               // the user table, both ways
	StepPush                // sending this PC's versions
	StepPull                // receiving the others'
)

// Status is the state of sync on this PC, as the indicator shows it.
type Status struct {
	State State
	// LastSync is when the last successful sync ended (zero: never).
	LastSync time.Time
	// Pending counts the versions and access-log events not yet sent.
	Pending int
	// Conflicts counts the records marked 競合 that this session sees.
	Conflicts int
	// Step, Done and Total describe a running sync (StateSyncing); Total
	// is 0 when unknown (a progress bar then shows activity only).
	Step        Step
	Done, Total uint64
	// First is true during the first sync of a PC that just joined (the
	// first download: the window shows it in a dialog).
	First bool
	// Err is the last sync's error (StateOffline, StateError), nil
	// otherwise. Message(Err) is the sentence to show.
	Err error
	// Revoked is true once an administrator's signed revocation of this
	// PC was received and the vault wiped: the window closes the session
	// and says so.
	Revoked bool
	// Finding is set when the last sync detected that the server dropped,
	// withheld, reordered, replayed or rolled back changes, or that a
	// device's log chain broke (syncproto's named errors): shown to
	// administrators and supervisors as a finding.
	Finding error
	// WebRequests counts the web booking requests still 受付中 (the
	// 「ウェブ予約」 list's badge); WebErr is what web booking could not
	// do in the last sync (the sync itself succeeded).
	WebRequests int
	WebErr      error
	// PurgeErr is what the server's part of erasures could not do in the
	// last sync (the sync itself succeeded): an order not yet erased on
	// the server, or a receipt that did not verify.
	PurgeErr error
}

// Device is one enrolled PC of the office as the 端末 screen lists it.
type Device struct {
	ID          string
	Name        string
	Created     time.Time
	LastContact time.Time // zero: never contacted after enrolling
	Revoked     bool
	This        bool // this PC
}

// IssuedCode is an enrollment code an administrator issued from a PC.
type IssuedCode struct {
	Code    string // the one-line code to type or paste on the new PC
	Expires time.Time
	Server  string // the office name on the server
	Pin     string // the server key's pin, as printed by `madoguchi server init`
}

// CodeInfo is what a person joining a PC sees of a code before using it.
type CodeInfo struct {
	Addr string // host:port of the server
	Pin  string // the server key's pin, as printed by `madoguchi server init`
}
