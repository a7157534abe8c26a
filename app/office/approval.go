package office

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// An approval is a supervisor's Ed25519 signature over one version of a
// consultation record: its id and rev and the SHA-256 of both sealed parts
// (the contact part that says 承認済 and the case part with the content).
// It is stored as its own record beside them. A record that says 承認済
// without an approval that verifies reads as 確定 (未承認), with a warning
// in the access log: the status field alone, which anyone holding the
// contact key can write, approves nothing.
const (
	approvalSuffix = purge.ApprovalSuffix // "#approval"
	approvalKind   = "consultation.approval"
	approvalDomain = "madoguchi approval v1"
)

// approval is the stored approval record.
type approval struct {
	By  string    `json:"by"`
	At  time.Time `json:"at"`
	Rev string    `json:"rev"`
	Sig []byte    `json:"sig"`
}

// approvalMessage is what the supervisor signs:
//
//	field("madoguchi approval v1") field(office) field(id) field(rev)
//	field(by) field(at, RFC 3339 with nanoseconds, UTC)
//	SHA-256(contact envelope) SHA-256(case envelope)
//
// where field is a 4-byte big-endian length and the bytes.
func approvalMessage(office, id, rev, by string, at time.Time, contactBlob, caseBlob []byte) []byte {
	var b []byte
	for _, f := range []string{approvalDomain, office, id, rev, by, at.UTC().Format(time.RFC3339Nano)} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	h1, h2 := sha256.Sum256(contactBlob), sha256.Sum256(caseBlob)
	return append(append(b, h1[:]...), h2[:]...)
}

// signApproval signs the sealed parts of consultation id at rev (writes[0]
// the contact part, writes[1] the case part) and returns the approval
// record's write.
func (o *Office) signApproval(s *Session, id string, rev vault.Rev, writes []local.Write) ([]local.Write, error) {
	if !s.HasRole(RoleSupervisor) {
		return nil, fmt.Errorf("approve %s: %w", id, ErrForbidden)
	}
	kr, table := o.trusted() // with or without o.mu held (Import seals outside it)
	if !s.signs(table) {
		return nil, fmt.Errorf("approve %s: %w", id, ErrCannotSign)
	}
	a := approval{By: s.login, At: o.opt.now().UTC(), Rev: rev.String()}
	a.Sig = s.un.Identity.Sign(approvalMessage(kr.Office, id, a.Rev, a.By, a.At, writes[0].Version.Blob, writes[1].Version.Blob))
	w, _, err := o.sealWritesAt(s, rev, "", part{id: id + approvalSuffix, kind: approvalKind, value: a})
	return w, err
}

// checkApproval turns a 承認済 that no valid signature covers into 確定 with
// ApprovalBroken set, and keeps a warning for the access log (written with
// the next commit) once per version and session. It runs with or without
// o.mu held.
func (o *Office) checkApproval(s *Session, c *record.Consultation) {
	if c.Status != record.StApproved {
		return
	}
	key := c.ID + "@" + c.Rev
	o.cmu.Lock()
	ok, seen := o.approvals[key]
	o.cmu.Unlock()
	if !seen {
		ok = o.approvalValid(s, c.ID, c.Rev)
		o.cmu.Lock()
		_, seen = o.approvals[key] // another read may have checked it meanwhile
		if !seen {
			if o.approvals == nil {
				o.approvals = map[string]bool{}
			}
			o.approvals[key] = ok
		}
		o.cmu.Unlock()
		if !seen && !ok {
			o.warn(c.ID, "approval signature does not verify: shown as not approved")
		}
	}
	if !ok {
		c.Status, c.ApprovalBroken = record.StConfirmed, true
	}
}

// approvalValid checks the approval of consultation id at rev.
func (o *Office) approvalValid(s *Session, id, rev string) bool {
	kr, table := o.trusted()
	if table == nil || kr.Format1() {
		return false
	}
	av, err := o.store.Head(id + approvalSuffix)
	if err != nil {
		return false
	}
	var a approval
	if err := o.openVersion(s, av, approvalKind, &a); err != nil || a.Rev != rev {
		return false
	}
	cv, err1 := o.store.Head(id)
	kv, err2 := o.store.Head(id + caseSuffix)
	if err1 != nil || err2 != nil || cv.Rev != rev || kv.Rev != rev || av.Rev != rev {
		return false
	}
	u, ok := table.Find(a.By)
	if !ok || !(u.HasRole(string(RoleSupervisor)) || a.At.Before(u.SupervisorUntil)) {
		return false
	}
	return table.VerifyBy(a.By, approvalMessage(kr.Office, id, rev, a.By, a.At, cv.Blob, kv.Blob), a.Sig)
}

// signCarriedApprovals signs, as the converting admin who is also a
// supervisor, the approvals given before the vault had signatures, so that
// they keep reading 承認済. Without a supervisor among the converting admins
// they read 未承認 until a supervisor approves them again.
func (o *Office) signCarriedApprovals(s *Session) (int, error) {
	if !s.HasRole(RoleSupervisor) || !s.signs(o.table) {
		return 0, nil
	}
	ids, err := o.store.Find(ixStatus, "consultation|"+record.StApproved)
	if err != nil {
		return 0, fmt.Errorf("list approved records: %w", err)
	}
	var writes []local.Write
	for _, id := range ids {
		cv, err1 := o.store.Head(id)
		kv, err2 := o.store.Head(id + caseSuffix)
		if err1 != nil || err2 != nil || cv.Rev != kv.Rev {
			continue
		}
		rev, err := vault.ParseRev(cv.Rev)
		if err != nil {
			continue
		}
		w, err := o.signApproval(s, id, rev, []local.Write{{Version: cv}, {Version: kv}})
		if err != nil {
			return 0, err
		}
		writes = append(writes, w...)
	}
	if len(writes) == 0 {
		return 0, nil
	}
	return len(writes), o.commit(writes, nil, o.event(audit.ActKeyChange, "", fmt.Sprintf("signed %d approvals given before signatures", len(writes))))
}
