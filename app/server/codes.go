package server

import (
	"net/http"
	"time"
)

// PathCodes is where an admin's session asks for an enrollment code.
const PathCodes = "/v1/codes"

// Life of an enrollment code issued over the channel.
const (
	MinCodeLife     = 10 * time.Minute
	MaxCodeLife     = 7 * 24 * time.Hour
	DefaultCodeLife = 24 * time.Hour
	// codesPerMinute bounds the codes one device issues (unless the
	// server's DevicePerMinute is negative: no limits).
	codesPerMinute = 5
)

// IssueCodeRequest is the body of POST /v1/codes.
type IssueCodeRequest struct {
	// Life is the code's validity in seconds (0: DefaultCodeLife),
	// between MinCodeLife and MaxCodeLife.
	Life int64 `json:"life"`
}

// IssueCodeResponse is a new enrollment code for one more PC of the
// office.
type IssueCodeResponse struct {
	Code    string    `json:"code"`    // Code.String(): the server's address, pin and token
	Expires time.Time `json:"expires"` // when the token stops admitting a device
	Name    string    `json:"name"`    // the office name
}

// issueCode makes an enrollment token for an admin's session and stores
// it as `server enroll` does (its hash only); the answer carries the code
// and nothing else keeps the token. The log names the login by its tag and
// never the token.
func (s *Server) issueCode(w http.ResponseWriter, r *http.Request, se session) {
	var req IssueCodeRequest
	if err := decodeStrict(http.MaxBytesReader(w, r.Body, MaxLoginRequest), MaxLoginRequest, &req); err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	life := time.Duration(req.Life) * time.Second
	if req.Life == 0 {
		life = DefaultCodeLife
	}
	if req.Life < 0 || req.Life > int64(MaxCodeLife/time.Second) || life < MinCodeLife {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	if !se.admin {
		s.logf("enrollment code refused: device %s login %s is not an admin", se.device, s.loginTag(se.login))
		refuse(w, http.StatusForbidden, ReasonForbidden)
		return
	}
	now := s.now()
	if s.DevicePerMinute >= 0 {
		if ok, wait := s.allow("c\x00"+se.device, codesPerMinute, now); !ok {
			s.logf("enrollment codes rate limited: device %s", se.device)
			retryAfter(w, wait)
			refuse(w, http.StatusTooManyRequests, ReasonRateLimited)
			return
		}
	}
	tok, t := s.ID.NewTokenFor(now, now.Add(life))
	if err := AddToken(r.Context(), s.Store, s.ID, t); err != nil {
		s.logf("enrollment code: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("enrollment code issued by login %s on device %s, valid until %s", s.loginTag(se.login), se.device, t.Expires.UTC().Format(time.RFC3339))
	reply(w, IssueCodeResponse{Code: Code{Addr: s.ID.Addr, Pin: s.ID.Pin(), Token: tok}.String(), Expires: t.Expires, Name: s.ID.Name})
}
