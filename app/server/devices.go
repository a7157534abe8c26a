package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Paths of the device endpoints (an admin's session).
const (
	PathDevices      = "/v1/devices"
	PathDeviceRevoke = "/v1/devices/revoke"
)

// Reasons of a refused revocation.
const (
	ReasonOwnDevice     = "own_device"     // the session's own device
	ReasonDeviceUnknown = "device_unknown" // no such device
)

// DeviceInfo is one device as GET /v1/devices lists it.
type DeviceInfo struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Enrolled    time.Time `json:"enrolled"`
	LastContact time.Time `json:"last_contact"`
	Revoked     bool      `json:"revoked"`
	RevokedAt   time.Time `json:"revoked_at"`
}

// RevokeRequest is the body of POST /v1/devices/revoke.
type RevokeRequest struct {
	Device string `json:"device"`
}

func (s *Server) listDevices(w http.ResponseWriter, r *http.Request, se session) {
	if !se.admin {
		s.logf("device list refused: device %s login %s is not an admin", se.device, s.loginTag(se.login))
		refuse(w, http.StatusForbidden, ReasonForbidden)
		return
	}
	ds, err := s.Store.Devices(r.Context(), s.ID.Office)
	if err != nil {
		s.logf("devices: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	out := []DeviceInfo{}
	for _, d := range ds {
		if d.ID == OfficeDevice {
			continue // the placeholder that created the office
		}
		out = append(out, DeviceInfo{ID: d.ID, Name: d.Name, Enrolled: d.Created, LastContact: d.LastContact,
			Revoked: d.Revoked, RevokedAt: d.RevokedAt})
	}
	reply(w, out)
}

func (s *Server) revokeDevice(w http.ResponseWriter, r *http.Request, se session) {
	var req RevokeRequest
	if err := decodeStrict(http.MaxBytesReader(w, r.Body, MaxLoginRequest), MaxLoginRequest, &req); err != nil ||
		central.CheckID("device", req.Device) != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	if !se.admin {
		s.logf("revoke refused: device %s login %s is not an admin", se.device, s.loginTag(se.login))
		refuse(w, http.StatusForbidden, ReasonForbidden)
		return
	}
	if req.Device == se.device {
		refuse(w, http.StatusConflict, ReasonOwnDevice)
		return
	}
	if _, err := s.Store.Device(r.Context(), s.ID.Office, req.Device); errors.Is(err, central.ErrNotFound) || req.Device == OfficeDevice {
		refuse(w, http.StatusNotFound, ReasonDeviceUnknown)
		return
	} else if err != nil {
		s.logf("revoke: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	if err := s.Store.Revoke(r.Context(), s.ID.Office, req.Device, s.now()); err != nil {
		s.logf("revoke: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("device %s revoked by login %s on device %s", req.Device, s.loginTag(se.login), se.device)
	reply(w, struct{}{})
}
