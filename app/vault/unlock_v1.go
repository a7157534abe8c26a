package vault

import (
	"errors"
	"fmt"
	"time"
)

// Lockout policy of Unlock.
const (
	// LockAfter is the number of consecutive wrong passwords that starts
	// the lockout.
	LockAfter = 5
	// LockBase is the first lockout delay; each further failure doubles it.
	LockBase = 30 * time.Second
	// LockMax caps the lockout delay.
	LockMax = time.Hour
	// ActionLoginFail is the Action of the PendingEvent queued by every
	// failed Unlock.
	ActionLoginFail = "login.fail"
)

// Unlock opens the bundle of login with password and returns the office
// keys it holds. On failure it queues a PendingEvent with Action
// "login.fail" and returns:
//   - ErrWrongPassword for an unknown login (no user entry changes) or a
//     wrong password. A wrong password increments Failures; from the fifth
//     in a row it sets LockedUntil = now + 30s * 2^(Failures-5), at most
//     one hour;
//   - ErrDisabled for a disabled user;
//   - a *LockedError (errors.Is ErrLocked) while now < LockedUntil,
//     without deriving anything.
//
// Success resets Failures and LockedUntil. The caller saves the keyring
// after every Unlock, successful or not, so the count survives restarts.
func (kr *Keyring) Unlock(login string, password []byte, now time.Time) (*Keys, error) {
	now = now.UTC()
	u := kr.find(login)
	var err error
	switch {
	case u == nil:
		// What was typed is not recorded: it may be a password typed into
		// the id field, and pending events sit in the keyring file.
		err = kr.fail(now, "", "unknown login", ErrWrongPassword)
	case u.Disabled:
		err = kr.fail(now, login, "disabled", ErrDisabled)
	case now.Before(u.LockedUntil):
		err = kr.fail(now, login, "locked", &LockedError{Until: u.LockedUntil})
	}
	if err != nil {
		return nil, err
	}
	k, err := openBundle(u, password)
	if errors.Is(err, ErrWrongPassword) {
		u.Failures++
		if u.Failures >= LockAfter {
			u.LockedUntil = now.Add(lockDelay(u.Failures))
		}
		return nil, kr.fail(now, login, "wrong password", err)
	}
	if err != nil {
		return nil, fmt.Errorf("unlock: %w", err)
	}
	u.Failures, u.LockedUntil = 0, time.Time{}
	return k, nil
}

// fail queues a login.fail event and returns err wrapped.
func (kr *Keyring) fail(now time.Time, login, detail string, err error) error {
	kr.Pending = append(kr.Pending, PendingEvent{At: now, Login: login, Action: ActionLoginFail, Detail: detail})
	return fmt.Errorf("unlock: %w", err)
}

// lockDelay is the lockout after the given number of consecutive failures
// (at least LockAfter).
func lockDelay(failures int) time.Duration {
	d := LockBase
	for i := LockAfter; i < failures && d < LockMax; i++ {
		d *= 2
	}
	return min(d, LockMax)
}
