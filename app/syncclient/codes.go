package syncclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
)

// IssueCode asks the server for a new enrollment code, valid for life
// (0: server.DefaultCodeLife; between server.MinCodeLife and
// server.MaxCodeLife), under an admin's session (ErrForbidden otherwise).
// The code is checked to name this client's server and pin.
func (c *Client) IssueCode(ctx context.Context, s Session, life time.Duration) (server.IssueCodeResponse, error) {
	if life != 0 && (life < server.MinCodeLife || life > server.MaxCodeLife) {
		return server.IssueCodeResponse{}, fmt.Errorf("code life %v outside %v–%v: %w", life, server.MinCodeLife, server.MaxCodeLife, ErrBadCodeLife)
	}
	body, err := json.Marshal(server.IssueCodeRequest{Life: int64(life / time.Second)})
	if err != nil {
		return server.IssueCodeResponse{}, err
	}
	var ans server.IssueCodeResponse
	if err := callAuth(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathCodes, s.Token, body, &ans); err != nil {
		return server.IssueCodeResponse{}, fmt.Errorf("issue enrollment code: %w", err)
	}
	code, err := server.ParseCode(ans.Code)
	if err != nil || code.Pin != c.creds.Pin {
		return server.IssueCodeResponse{}, fmt.Errorf("enrollment code from the server for another key: %w", ErrRefused)
	}
	return ans, nil
}

// ErrBadCodeLife: an enrollment code's validity outside the server's
// bounds.
var ErrBadCodeLife = errors.New("enrollment code validity out of bounds")
