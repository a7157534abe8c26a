package office

import (
	"context"
	"fmt"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// EnrollmentSheet is what the printed sheet of an enrollment code shows:
// the office's name on the server, the code (also as a QR code), the
// server's fingerprint as the window groups it, and the expiry.
type EnrollmentSheet struct {
	Server  string
	Code    string
	Pin     string
	Expires time.Time
}

// PrintEnrollmentSheet renders the sheet of an enrollment code an
// administrator issued (端末の登録コード). The sheet carries a live
// credential, so it is printed like every other document: an
// administrator only, with a ledger row (管理簿) and an access-log event,
// which name the expiry but never the code.
func (o *Office) PrintEnrollmentSheet(ctx context.Context, s *Session, sh EnrollmentSheet) ([]byte, error) {
	w, err := o.begin(ctx, s, PermUsers)
	if err != nil {
		return nil, err
	}
	defer w.end()
	if sh.Code == "" || sh.Expires.IsZero() {
		return nil, fmt.Errorf("enrollment sheet without a code or an expiry: %w", ErrInvalid)
	}
	expires := sh.Expires.In(record.JST()).Format("2006-01-02 15:04")
	in := reports.EnrollmentInput{Office: sh.Server, Code: sh.Code, Pin: sh.Pin, Expires: sh.Expires}
	return o.print(w, printed{content: "端末の登録コード（有効期限 " + expires + "）"},
		func(f reports.Footer) ([]byte, error) { return o.render.EnrollmentSheet(in, f) })
}
