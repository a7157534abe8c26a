package syncproto

import "errors"

// Sentinel errors; the package's errors wrap them (test with errors.Is).
var (
	// ErrDropped: a device's chain has a gap: a link is missing.
	ErrDropped = errors.New("sync: envelope missing from a device chain")
	// ErrReordered: links of a device's chain, or cursors of a page, out of
	// order.
	ErrReordered = errors.New("sync: envelopes out of order")
	// ErrReplayed: a link already seen is delivered again.
	ErrReplayed = errors.New("sync: envelope replayed")
	// ErrRolledBack: the server went back to an earlier state (cursors
	// before the one asked for, a chain head below one it acknowledged).
	ErrRolledBack = errors.New("sync: server state rolled back")
	// ErrForked: two different links at the same place of a chain.
	ErrForked = errors.New("sync: device chain forked")
	// ErrWithheld: another device has seen links of a chain that this
	// device did not get.
	ErrWithheld = errors.New("sync: envelopes withheld by the server")
	// ErrTampered: an envelope's hash or signature does not check.
	ErrTampered = errors.New("sync: envelope tampered with")
	// ErrMalformed: bytes that this protocol cannot have written.
	ErrMalformed = errors.New("sync: malformed protocol data")
)

// Japanese returns a plain Japanese sentence for a person about err, for
// the errors of this package (wrapped or not); "" for any other error.
func Japanese(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrWithheld):
		return "サーバーが、他の端末が送った変更の一部を渡していません（保留・隠蔽の疑い）。"
	case errors.Is(err, ErrDropped):
		return "サーバーから受け取った変更に欠けがあります（削除の疑い）。"
	case errors.Is(err, ErrReordered):
		return "サーバーから受け取った変更の順序が入れ替わっています（改ざんの疑い）。"
	case errors.Is(err, ErrReplayed):
		return "サーバーが、すでに受け取った変更をもう一度送ってきました（再送・なりすましの疑い）。"
	case errors.Is(err, ErrRolledBack):
		return "サーバーの記録が以前の状態に戻っています（巻き戻しの疑い）。"
	case errors.Is(err, ErrForked):
		return "同じ端末の変更履歴が二通りに分かれています（分岐・すり替えの疑い）。"
	case errors.Is(err, ErrTampered):
		return "サーバーから受け取った変更の署名または内容が一致しません（改ざんの疑い）。"
	case errors.Is(err, ErrMalformed):
		return "サーバーとのやり取りのデータが壊れています。"
	}
	return ""
}
