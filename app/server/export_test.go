package server

import (
	"crypto/ed25519"
	"crypto/x509"
)

// CAForTest returns the identity's CA certificate and key.
func CAForTest(id *Identity) (*x509.Certificate, ed25519.PrivateKey) { return id.CA, id.caKey }

// SetHashHook makes s call f at each slow hash of an auth key.
func SetHashHook(s *Server, f func()) { s.state().onHash = f }
