package server

import (
	"crypto/ed25519"
	"errors"
	"net/http"

	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// PathPurge is POST: a signed purge order (its JSON, package purge) that a
// PC carried out, for the server to carry out on its store. The answer is
// the server's signed receipt (purge.Receipt).
const PathPurge = "/v1/purge"

// ReasonPurgeRefused: the purge order does not verify against the
// office's user table (not signed by a supervisor or an admin of the
// office, or changed since).
const ReasonPurgeRefused = "purge_refused"

// purgeOrder carries out a purge order: it verifies the order against the
// office's signed user table (the one the server keeps, which an admin's
// session stored after it verified with the office's admin key), so that
// no device, whoever is logged in there, can make the server erase what a
// supervisor or an admin did not sign; then it redacts every version of
// the order's records (central.Store.Redact) and signs a receipt with the
// key of its certificate, which the PCs pin. A retried order is redacted
// already and gets a receipt again (of 0 versions).
func (s *Server) purgeOrder(w http.ResponseWriter, r *http.Request, se session) {
	raw, err := readBody(w, r, purge.MaxOrder)
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	order, err := purge.Unmarshal(raw)
	if err != nil {
		s.logf("purge order refused: device %s login %s: %v", se.device, s.loginTag(se.login), err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	t, err := s.Store.Table(r.Context(), s.ID.Office)
	if errors.Is(err, central.ErrNotFound) {
		refuse(w, http.StatusConflict, ReasonNoTable)
		return
	}
	if err != nil {
		s.storeRefusal(w, "purge", se, err)
		return
	}
	table, err := vault.VerifySignedTable(t.Data, nil)
	if err == nil {
		err = purge.Verify(order, table.Office, table)
	}
	if err != nil {
		s.logf("purge order %s refused: device %s login %s: %v", order.Hash()[:16], se.device, s.loginTag(se.login), err)
		refuse(w, http.StatusForbidden, ReasonPurgeRefused)
		return
	}
	hash := order.Hash()
	n, err := s.Store.Redact(r.Context(), s.ID.Office, hash, order.Parts())
	if err != nil {
		s.storeRefusal(w, "purge", se, err)
		return
	}
	key, ok := s.ID.Cert.PrivateKey.(ed25519.PrivateKey)
	if !ok {
		s.logf("purge: the server's key is not Ed25519")
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("purge order %s signed by %s: %d records, %d versions redacted (sent by device %s)",
		hash[:16], s.loginTag(order.By), len(order.Items), n, se.device)
	reply(w, purge.SignReceipt(key, order.Office, hash, s.now(), n))
}
