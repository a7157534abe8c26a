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
	err    error
	ja, en string
}

// stopSync ends the sentence of a detection of the server's misbehaviour.
const (
	stopSync   = "同期を止めました。管理者に連絡してください。"
	stopSyncEn = "Sync was stopped. Please contact your administrator."
)

// messages: the first row whose error matches wins (the refusals that
// wrap syncclient.ErrRefused come before its own row).
var messages = []message{
	{ErrWiped, "この端末は管理者によって登録を取り消されたため、このパソコンの窓口データ（記録と鍵ファイル）を消去しました。記録はサーバーとほかのパソコンに残っています。", "An administrator revoked this PC, so the Madoguchi data on this PC (records and key files) was erased. The records remain on the server and on the other PCs."},
	// A lie of the server, caught by this PC: nothing after it was applied.
	{syncproto.ErrWithheld, syncproto.Japanese(syncproto.ErrWithheld) + stopSync, "The server is not handing over some of the changes other PCs sent (suspected withholding). " + stopSyncEn},
	{syncproto.ErrDropped, syncproto.Japanese(syncproto.ErrDropped) + stopSync, "Changes received from the server have gaps (suspected deletion). " + stopSyncEn},
	{syncproto.ErrReordered, syncproto.Japanese(syncproto.ErrReordered) + stopSync, "Changes received from the server are out of order (suspected tampering). " + stopSyncEn},
	{syncproto.ErrReplayed, syncproto.Japanese(syncproto.ErrReplayed) + stopSync, "The server sent changes that were already received (suspected replay). " + stopSyncEn},
	{syncproto.ErrRolledBack, syncproto.Japanese(syncproto.ErrRolledBack) + stopSync, "The server's records went back to an earlier state (suspected rollback). " + stopSyncEn},
	{syncproto.ErrForked, syncproto.Japanese(syncproto.ErrForked) + stopSync, "One PC's change history has split in two (suspected substitution). " + stopSyncEn},
	{syncproto.ErrTampered, syncproto.Japanese(syncproto.ErrTampered) + stopSync, "The signature or content of changes received from the server does not match (suspected tampering). " + stopSyncEn},
	{syncproto.ErrMalformed, syncproto.Japanese(syncproto.ErrMalformed) + stopSync, "The data exchanged with the server is damaged. " + stopSyncEn},
	{syncclient.ErrChainBroken, "サーバーにあるこのパソコンの変更履歴と、このパソコンの記録が一致しません。同期を止めました。管理者に連絡してください。", "This PC's change history on the server does not match this PC's records. Sync was stopped. Please contact your administrator."},
	{syncclient.ErrEnvelopeConflict, "サーバーにある記録と、このパソコンの同じ記録の内容が一致しません。同期を止めました。管理者に連絡してください。", "A record on the server differs from the same record on this PC. Sync was stopped. Please contact your administrator."},
	{syncclient.ErrTableStale, "サーバーにはこのパソコンより新しい利用者一覧があります。次の同期で受け取ります。", "The server has a newer user list than this PC; it will be received at the next sync."},
	{syncclient.ErrNoTable, "サーバーに利用者一覧がまだありません。管理者が先に同期してください。", "The server has no user list yet. An administrator must sync first."},
	{syncclient.ErrTableForged, "サーバーが、この窓口の管理者の署名が確認できない利用者一覧として受け付けませんでした。管理者に連絡してください。", "The server refused the user list because the office administrator's signature could not be verified. Please contact your administrator."},
	{syncclient.ErrRegisterRefused, "サーバーがこのIDの登録を受け付けませんでした。管理者が先に同期して利用者一覧をサーバーに送ってから、もう一度やり直してください。パソコンの時計が合っているかも確かめてください。", "The server refused to register this login ID. Have an administrator sync first to send the user list to the server, then try again. Also check that this PC's clock is right."},
	{ErrPasswordChanged, "サーバーに登録されたパスワードが、このパソコンでログインしたときのパスワードと違います（ほかのパソコンで変更された可能性があります）。いったんログアウトして、もう一度ログインしてください。", "The password registered on the server differs from the one you logged in with on this PC (it may have been changed on another PC). Please log out and log in again."},
	{syncclient.ErrSession, "サーバーとの接続の有効期限が切れました。次の同期でつなぎ直します。", "The session with the server expired; it reconnects at the next sync."},
	{syncer.ErrNotAdmin, "利用者一覧をサーバーに送れるのは管理者だけです。", "Only an administrator can send the user list to the server."},
	{server.ErrBadCode, "登録コードが正しくありません。コード全体を1行のまま、もう一度貼り付けてください。", "The enrollment code is not valid. Paste the whole code again, as one line."},
	{syncclient.ErrBadCodeLife, "登録コードの有効期間は10分から7日の間で指定してください。", "An enrollment code must be valid for between 10 minutes and 7 days."},
	{syncclient.ErrPinMismatch, "接続先のサーバーが登録コードのサーバーと違います（鍵が一致しません）。つなぎません。管理者に連絡してください。", "The server reached is not the server of the enrollment code (its key does not match). Not connecting. Please contact your administrator."},
	{syncclient.ErrTokenUsed, "この登録コードはすでに使われています。管理者に新しいコードを発行してもらってください。", "This enrollment code was already used. Ask your administrator to issue a new one."},
	{syncclient.ErrTokenExpired, "この登録コードは有効期限が切れています。管理者に新しいコードを発行してもらってください。", "This enrollment code has expired. Ask your administrator to issue a new one."},
	{syncclient.ErrTokenRefused, "サーバーがこの登録コードを受け付けませんでした。管理者に新しいコードを発行してもらってください。", "The server did not accept this enrollment code. Ask your administrator to issue a new one."},
	{syncclient.ErrRevoked, "このパソコンの登録は管理者によって取り消されました。管理者に連絡してください。", "An administrator revoked this PC's registration. Please contact your administrator."},
	{syncclient.ErrAdminExists, "この窓口にはすでに管理者が登録されています。最初の管理者の登録はできません。", "This office already has an administrator on the server; a first administrator cannot be registered."},
	{syncclient.ErrForbidden, "この操作はサーバーで管理者として登録された人だけができます。", "Only people registered on the server as administrators can do this."},
	{syncclient.ErrOwnDevice, "いま使っているこの端末の登録は取り消せません。別の端末から管理者が取り消してください。", "You cannot revoke the PC you are using; an administrator must do it from another PC."},
	{syncclient.ErrUnknownDevice, "その番号の端末はありません。端末の一覧を確かめてください。", "There is no PC with that number. Check the list of PCs."},
	{syncclient.ErrLoginFailed, "サーバーへのログインに失敗しました。ログインIDとパスワードを確かめてください。", "Login to the server failed. Check your login ID and password."},
	{syncclient.ErrLoginLocked, "サーバーへのログインの失敗が続いたため、しばらくログインできません。時間をおいてやり直してください。", "After repeated failed logins, login to the server is blocked for a while. Please try again later."},
	{syncclient.ErrRateLimited, "サーバーへのログインの試行が多すぎます。1分ほど待ってからやり直してください。", "Too many login attempts to the server. Wait about a minute and try again."},
	{syncclient.ErrRefused, "サーバーがこのパソコンからの接続を拒否しました。登録が取り消されたか期限が切れた可能性があります。管理者に連絡してください。", "The server refused this PC's connection: its registration may have been revoked or may have expired. Please contact your administrator."},
	{syncclient.ErrUnreachable, "サーバーに接続できません。作業はこのまま続けられ、つながったときに送ります。ネットワークとサーバーが動いているかを確かめてください。", "Cannot connect to the server. You can keep working; your changes are sent once it is reachable. Check the network and that the server is running."},
	{context.DeadlineExceeded, "サーバーからの応答が時間内にありませんでした。次の同期でもう一度試します。", "The server did not answer in time; the next sync tries again."},
	{syncclient.ErrNotEnrolled, "このパソコンはまだサーバーに登録されていません。管理者が発行した登録コードで参加してください。", "This PC is not registered with the server yet. Join with an enrollment code from your administrator."},
	{syncclient.ErrEnrolled, "このパソコンはすでにサーバーに登録されています。", "This PC is already registered with the server."},
	{syncclient.ErrBadCreds, "このパソコンのサーバー接続用の鍵のファイルが壊れています。管理者に連絡してください。", "This PC's key files for the server connection are damaged. Please contact your administrator."},
}

// unknownMessage is the sentence of an error no row names.
const (
	unknownMessage   = "同期できませんでした。しばらくしてからもう一度試してください。続くときは管理者に連絡してください。"
	unknownMessageEn = "Could not sync. Please try again later; if it goes on, contact your administrator."
)

// Message returns the plain Japanese sentence to show a person for err, an
// error of a sync, of the administrator's operations or of a join: what
// happened and what to do. Errors of the vault keep office's own sentence
// (office.Message). It returns "" for nil.
func Message(err error) string { return MessageIn(office.Japanese, err) }

// MessageIn is Message in the language lang (the window's English).
func MessageIn(lang office.Lang, err error) string {
	if err == nil {
		return ""
	}
	pick := func(m message) string {
		if lang == office.English {
			return m.en
		}
		return m.ja
	}
	if errors.Is(err, ErrWiped) {
		return pick(messages[0])
	}
	if office.ClassOf(err) != office.ClassUnexpected {
		return office.MessageIn(lang, err)
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return pick(m)
		}
	}
	return pick(message{ja: unknownMessage, en: unknownMessageEn})
}
