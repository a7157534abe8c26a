package server

import (
	"crypto/ed25519"
	"crypto/x509"
)

// CAForTest returns the identity's CA certificate and key.
func CAForTest(id *Identity) (*x509.Certificate, ed25519.PrivateKey) { return id.CA, id.caKey }
