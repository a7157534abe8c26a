package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// PathRenew is where a device renews its client certificate.
const PathRenew = "/v1/renew"

// RenewWithin is how close to its expiry a certificate may be renewed.
// Earlier requests are refused (ReasonRenewTooEarly): someone who copied a
// device's key and certificate cannot use them to rotate the device onto a
// key of their own at any time, only in the last RenewWithin (when the
// device itself renews too, and one of the two then finds itself locked
// out, which shows the theft). The cost: a device that is off for the
// whole of those days finds its certificate expired and must be enrolled
// again.
const RenewWithin = 30 * 24 * time.Hour

// Reasons of a refused renewal.
const (
	ReasonRenewTooEarly = "renew_too_early" // HTTP 409: the certificate is not within RenewWithin of its expiry
	ReasonRenewConflict = "renew_conflict"  // HTTP 409: another renewal with the same certificate won
)

// RenewRequest is the body of POST /v1/renew, on a connection with the
// device's current certificate.
type RenewRequest struct {
	CSR []byte `json:"csr"` // DER certificate request, signed by the device's new key
}

// RenewResponse is the answer to a renewal.
type RenewResponse struct {
	Cert []byte `json:"cert"` // DER client certificate for the new key
	CA   []byte `json:"ca"`   // DER certificate of the office CA
}

// DecodeRenewRequest reads a renewal strictly: one JSON object of at most
// MaxEnrollRequest bytes with known fields, and a CSR as enroll takes it
// (verified signature over an Ed25519 or ECDSA P-256 key). It returns the
// CSR's public key and its DER SubjectPublicKeyInfo.
func DecodeRenewRequest(body io.Reader) (RenewRequest, any, []byte, error) {
	var req RenewRequest
	if err := decodeStrict(body, MaxEnrollRequest, &req); err != nil {
		return req, nil, nil, err
	}
	csr, err := x509.ParseCertificateRequest(req.CSR)
	if err != nil {
		return req, nil, nil, fmt.Errorf("csr: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return req, nil, nil, fmt.Errorf("csr signature: %v", err)
	}
	switch k := csr.PublicKey.(type) {
	case ed25519.PublicKey:
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return req, nil, nil, errors.New("csr: ECDSA key not on P-256")
		}
	default:
		return req, nil, nil, fmt.Errorf("csr: %T key", csr.PublicKey)
	}
	return req, csr.PublicKey, csr.RawSubjectPublicKeyInfo, nil
}

// renewing authenticates a renewal. With the device's current
// certificate it is an ordinary renewal (renew). With the certificate
// that the device's last renewal replaced, it is that renewal asked again
// by a device whose answer was lost (a dropped connection, a crash before
// the new pair was saved): the device gets the certificate issued then,
// and only if its request is signed by the key that certificate is for,
// which it kept. So the old certificate buys nothing else: whoever copied
// it (and its key) cannot have a certificate issued for a key of their
// own with it, and the device is not locked out for a lost answer.
func (s *Server) renewing(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
		refuse(w, http.StatusUnauthorized, ReasonNoCert)
		return
	}
	c := r.TLS.PeerCertificates[0]
	d, err := s.device(r.Context(), c, false)
	if err == nil {
		if d.Revoked {
			s.refuseRevoked(w, r, d.ID)
			return
		}
		s.renew(w, r, d.ID)
		return
	}
	prev, perr := s.previousCert(r.Context(), c)
	if perr != nil {
		s.logf("refused request: %v", err)
		refuse(w, http.StatusUnauthorized, ReasonNoCert)
		return
	}
	if prev.Revoked {
		s.refuseRevoked(w, r, prev.ID)
		return
	}
	s.renewAgain(w, r, prev)
}

// previousCert returns the device whose last renewal replaced c.
func (s *Server) previousCert(ctx context.Context, c *x509.Certificate) (central.Device, error) {
	if len(c.Subject.Organization) != 1 || c.Subject.Organization[0] != s.ID.Office {
		return central.Device{}, errors.New("certificate of another office")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d, err := s.Store.Device(ctx, s.ID.Office, c.Subject.CommonName)
	if err != nil {
		return central.Device{}, err
	}
	sum := sha256.Sum256(c.Raw)
	if d.PrevCertSHA256 == nil || !bytes.Equal(d.PrevCertSHA256, sum[:]) || d.Cert == nil {
		return central.Device{}, fmt.Errorf("device %s: neither its certificate nor the one it replaced", d.ID)
	}
	return d, nil
}

// renewAgain answers a renewal asked again with the certificate that the
// last renewal replaced: the certificate issued then, if the request is
// signed by its key.
func (s *Server) renewAgain(w http.ResponseWriter, r *http.Request, d central.Device) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(enrollReadTimeout))
	_, _, spki, err := DecodeRenewRequest(http.MaxBytesReader(w, r.Body, MaxEnrollRequest))
	if err != nil {
		s.logf("renew again: device %s: bad request: %v", d.ID, err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	issued, err := x509.ParseCertificate(d.Cert)
	if err != nil {
		s.logf("renew again: device %s: stored certificate: %v", d.ID, err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	if !bytes.Equal(spki, issued.RawSubjectPublicKeyInfo) {
		s.logf("renew refused: device %s asked again with its previous certificate for another key than the one renewed", d.ID)
		refuse(w, http.StatusConflict, ReasonRenewConflict)
		return
	}
	sum := sha256.Sum256(d.Cert)
	s.logf("device %s asked again for its renewed certificate %x… (the answer was lost)", d.ID, sum[:8])
	reply(w, RenewResponse{Cert: d.Cert, CA: s.ID.CA.Raw})
}

// renew issues a new certificate for the device of the connection's
// certificate and stores it in place of the presented one: from then on
// the old certificate is refused (but for asking again, renewing).
func (s *Server) renew(w http.ResponseWriter, r *http.Request, device string) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(enrollReadTimeout))
	_, pub, spki, err := DecodeRenewRequest(http.MaxBytesReader(w, r.Body, MaxEnrollRequest))
	if err != nil {
		s.logf("renew: device %s: bad request: %v", device, err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	old := r.TLS.PeerCertificates[0] // authenticated: verified and enrolled
	if bytes.Equal(spki, old.RawSubjectPublicKeyInfo) {
		s.logf("renew: device %s: bad request: the key of its current certificate", device)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	now := s.now()
	if left := old.NotAfter.Sub(now); left > RenewWithin {
		s.logf("renew refused: device %s: its certificate expires in %s", device, left.Round(time.Hour))
		refuse(w, http.StatusConflict, ReasonRenewTooEarly)
		return
	}
	validity := s.Validity
	if validity == 0 {
		validity = DeviceValidity
	}
	der, err := s.ID.IssueDevice(pub, device, now, validity)
	if err != nil {
		s.logf("renew: issuing: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	oldSum, newSum := sha256.Sum256(old.Raw), sha256.Sum256(der)
	err = s.Store.RenewDevice(r.Context(), s.ID.Office, device, oldSum[:], der, now)
	switch {
	case err == nil:
	case errors.Is(err, central.ErrRevoked):
		s.logf("renew refused: device %s is revoked", device)
		s.refuseRevoked(w, r, device)
		return
	case errors.Is(err, central.ErrConflict):
		s.logf("renew refused: device %s: %v", device, err)
		refuse(w, http.StatusConflict, ReasonRenewConflict)
		return
	case errors.Is(err, central.ErrNotFound):
		s.logf("renew refused: %v", err)
		refuse(w, http.StatusUnauthorized, ReasonNoCert)
		return
	default:
		s.logf("renew: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("device %s renewed its certificate (certificate %x… valid until %s, replacing %x… valid until %s)",
		device, newSum[:8], now.Add(validity).UTC().Format(time.RFC3339), oldSum[:8], old.NotAfter.UTC().Format(time.RFC3339))
	reply(w, RenewResponse{Cert: der, CA: s.ID.CA.Raw})
}
