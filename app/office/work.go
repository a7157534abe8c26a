package office

import (
	"context"
	"fmt"
)

// ctxErr returns nil while ctx is live, and otherwise its error wrapped
// with its cause (ErrNotLoggedIn when the session ended under the work).
func ctxErr(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return fmt.Errorf("interrupted: %w: %w", cause, err)
	}
	return fmt.Errorf("interrupted: %w", err)
}
