package syncagent

import (
	"context"
	"errors"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
)

// ErrWiped marks the error of a sync after which this PC, revoked by an
// administrator (a verified signature), wiped its vault; it wraps the
// server's refusal.
var ErrWiped = errors.New("this PC was revoked and its vault wiped")

// message is one sentence of Message.
type message struct {
	err error
	ja  string
}

// stopSync ends the sentence of a detection of the server's misbehaviour.
const stopSync = "同期を止めました。管理者に連絡してください。"

// messages: the first row whose error matches wins (the refusals that
// wrap syncclient.ErrRefused come before its own row).
var messages = []message{
	{ErrWiped, "この端末は管理者によって登録を取り消されたため、このパソコンの窓口データ（記録と鍵ファイル）を消去しました。記録はサーバーとほかのパソコンに残っています。"},
	// A lie of the server, caught by this PC: nothing after it was applied.
	{syncproto.ErrWithheld, syncproto.Japanese(syncproto.ErrWithheld) + stopSync},
	{syncproto.ErrDropped, syncproto.Japanese(syncproto.ErrDropped) + stopSync},
	{syncproto.ErrReordered, syncproto.Japanese(syncproto.ErrReordered) + stopSync},
	{syncproto.ErrReplayed, syncproto.Japanese(syncproto.ErrReplayed) + stopSync},
	{syncproto.ErrRolledBack, syncproto.Japanese(syncproto.ErrRolledBack) + stopSync},
	{syncproto.ErrForked, syncproto.Japanese(syncproto.ErrForked) + stopSync},
	{syncproto.ErrTampered, syncproto.Japanese(syncproto.ErrTampered) + stopSync},
	{syncproto.ErrMalformed, syncproto.Japanese(syncproto.ErrMalformed) + stopSync},
	{syncclient.ErrChainBroken, "サーバーにあるこのパソコンの変更履歴と、このパソコンの記録が一致しません。同期を止めました。管理者に連絡してください。"},
	{syncclient.ErrEnvelopeConflict, "サーバーにある記録と、このパソコンの同じ記録の内容が一致しません。同期を止めました。管理者に連絡してください。"},
	{syncclient.ErrTableStale, "サーバーにはこのパソコンより新しい利用者一覧があります。次の同期で受け取ります。"},
	{syncclient.ErrNoTable, "サーバーに利用者一覧がまだありません。管理者が先に同期してください。"},
	{syncclient.ErrTableForged, "サーバーが、この窓口の管理者の署名が確認できない利用者一覧として受け付けませんでした。管理者に連絡してください。"},
	{syncclient.ErrRegisterRefused, "サーバーがこのIDの登録を受け付けませんでした。管理者が先に同期して利用者一覧をサーバーに送ってから、もう一度やり直してください。パソコンの時計が合っているかも確かめてください。"},
	{ErrPasswordChanged, "サーバーに登録されたパスワードが、このパソコンでログインしたときのパスワードと違います（ほかのパソコンで変更された可能性があります）。いったんログアウトして、もう一度ログインしてください。"},
	{syncclient.ErrSession, "サーバーとの接続の有効期限が切れました。次の同期でつなぎ直します。"},
	{syncer.ErrNotAdmin, "利用者一覧をサーバーに送れるのは管理者だけです。"},
	{server.ErrBadCode, "登録コードが正しくありません。コード全体を1行のまま、もう一度貼り付けてください。"},
	{syncclient.ErrBadCodeLife, "登録コードの有効期間は10分から7日の間で指定してください。"},
	{syncclient.ErrPinMismatch, "接続先のサーバーが登録コードのサーバーと違います（鍵が一致しません）。つなぎません。管理者に連絡してください。"},
	{syncclient.ErrTokenUsed, "この登録コードはすでに使われています。管理者に新しいコードを発行してもらってください。"},
	{syncclient.ErrTokenExpired, "この登録コードは有効期限が切れています。管理者に新しいコードを発行してもらってください。"},
	{syncclient.ErrTokenRefused, "サーバーがこの登録コードを受け付けませんでした。管理者に新しいコードを発行してもらってください。"},
	{syncclient.ErrRevoked, "このパソコンの登録は管理者によって取り消されました。管理者に連絡してください。"},
	{syncclient.ErrAdminExists, "この窓口にはすでに管理者が登録されています。最初の管理者の登録はできません。"},
	{syncclient.ErrForbidden, "この操作はサーバーで管理者として登録された人だけができます。"},
	{syncclient.ErrOwnDevice, "いま使っているこの端末の登録は取り消せません。別の端末から管理者が取り消してください。"},
	{syncclient.ErrUnknownDevice, "その番号の端末はありません。端末の一覧を確かめてください。"},
	{syncclient.ErrLoginFailed, "サーバーへのログインに失敗しました。ログインIDとパスワードを確かめてください。"},
	{syncclient.ErrLoginLocked, "サーバーへのログインの失敗が続いたため、しばらくログインできません。時間をおいてやり直してください。"},
	{syncclient.ErrRateLimited, "サーバーへのログインの試行が多すぎます。1分ほど待ってからやり直してください。"},
	{syncclient.ErrRefused, "サーバーがこのパソコンからの接続を拒否しました。登録が取り消されたか期限が切れた可能性があります。管理者に連絡してください。"},
	{syncclient.ErrUnreachable, "サーバーに接続できません。作業はこのまま続けられ、つながったときに送ります。ネットワークとサーバーが動いているかを確かめてください。"},
	{context.DeadlineExceeded, "サーバーからの応答が時間内にありませんでした。次の同期でもう一度試します。"},
	{syncclient.ErrNotEnrolled, "このパソコンはまだサーバーに登録されていません。管理者が発行した登録コードで参加してください。"},
	{syncclient.ErrEnrolled, "このパソコンはすでにサーバーに登録されています。"},
	{syncclient.ErrBadCreds, "このパソコンのサーバー接続用の鍵のファイルが壊れています。管理者に連絡してください。"},
}

// unknownMessage is the sentence of an error no row names.
const unknownMessage = "同期できませんでした。しばらくしてからもう一度試してください。続くときは管理者に連絡してください。"

// Message returns the plain Japanese sentence to show a person for err, an
// error of a sync, of the administrator's operations or of a join: what
// happened and what to do. Errors of the vault keep office's own sentence
// (office.Message). It returns "" for nil.
func Message(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, ErrWiped) {
		return messages[0].ja
	}
	if office.ClassOf(err) != office.ClassUnexpected {
		return office.Message(err)
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return m.ja
		}
	}
	return unknownMessage
}
