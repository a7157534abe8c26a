package cli

import (
	"errors"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// netRow is what the command line says about an error of the central
// server or of the channel to it, in the style of office's error table:
// one Japanese line that says what to do, and the exit status.
type netRow struct {
	err    error
	exit   int
	logged bool // the details belong in the support log
	ja     string
}

// stopSync is what a person does when the server is caught lying.
const stopSync = "同期を止めました。管理者に連絡してください。"

// netTable: the first row whose error matches wins (the refusals that
// wrap syncclient.ErrRefused come before its own row).
var netTable = []netRow{
	// A lie of the server, caught by this PC: nothing after it was applied.
	{syncproto.ErrWithheld, ExitDamaged, true, syncproto.Japanese(syncproto.ErrWithheld) + stopSync},
	{syncproto.ErrDropped, ExitDamaged, true, syncproto.Japanese(syncproto.ErrDropped) + stopSync},
	{syncproto.ErrReordered, ExitDamaged, true, syncproto.Japanese(syncproto.ErrReordered) + stopSync},
	{syncproto.ErrReplayed, ExitDamaged, true, syncproto.Japanese(syncproto.ErrReplayed) + stopSync},
	{syncproto.ErrRolledBack, ExitDamaged, true, syncproto.Japanese(syncproto.ErrRolledBack) + stopSync},
	{syncproto.ErrForked, ExitDamaged, true, syncproto.Japanese(syncproto.ErrForked) + stopSync},
	{syncproto.ErrTampered, ExitDamaged, true, syncproto.Japanese(syncproto.ErrTampered) + stopSync},
	{syncproto.ErrMalformed, ExitDamaged, true, syncproto.Japanese(syncproto.ErrMalformed) + stopSync},
	{syncclient.ErrChainBroken, ExitDamaged, true,
		"サーバーにあるこのパソコンの変更履歴と、このパソコンの記録が一致しません。同期を止めました。管理者に連絡してください。"},
	{syncclient.ErrEnvelopeConflict, ExitDamaged, true,
		"サーバーにある記録と、このパソコンの同じ記録の内容が一致しません。同期を止めました。管理者に連絡してください。"},
	{syncclient.ErrTableStale, ExitError, true,
		"サーバーにはこのパソコンより新しい利用者一覧があります。もう一度 madoguchi sync を実行して受け取ってください。"},
	{syncclient.ErrNoTable, ExitNotFound, false,
		"サーバーに利用者一覧がまだありません。管理者が先に madoguchi sync を実行してください。"},
	{syncclient.ErrTableForged, ExitDamaged, true,
		"サーバーが、この窓口の管理者の署名が確認できない利用者一覧として受け付けませんでした。管理者に連絡してください。"},
	{syncclient.ErrRegisterRefused, ExitForbidden, false,
		"サーバーがこのIDの登録を受け付けませんでした。管理者が先に同期して利用者一覧をサーバーに送ってから、もう一度やり直してください。パソコンの時計が合っているかも確かめてください。"},
	{syncclient.ErrSession, ExitError, true,
		"サーバーとの接続の有効期限が切れました。もう一度 madoguchi sync を実行してください。"},
	{syncer.ErrNotAdmin, ExitForbidden, false,
		"利用者一覧をサーバーに送れるのは管理者だけです。"},
	{server.ErrNoIdentity, ExitNoVault, false,
		"指定したフォルダにサーバーの鍵がありません。madoguchi server init で作ってください。"},
	{server.ErrIdentityExists, ExitInvalidInput, false,
		"このフォルダにはすでにサーバーの鍵があります。作り直すと登録済みのパソコンがつながらなくなるため、別のフォルダを指定してください。"},
	{server.ErrBadIdentity, ExitDamaged, true,
		"サーバーの鍵のファイルが壊れているため読めません。バックアップから戻してください。"},
	{server.ErrBadName, ExitInvalidInput, false,
		"窓口の名前は1〜256バイトの文字で、改行などを含めずに指定してください。"},
	{server.ErrBadAddr, ExitInvalidInput, false,
		"サーバーのアドレスは「ホスト名:ポート番号」の形で指定してください（例: madoguchi.example.jp:8443）。"},
	{server.ErrBadCode, ExitInvalidInput, false,
		"登録コードが正しくありません。コード全体を1行のまま、もう一度貼り付けてください。"},
	{server.ErrTokenNotImported, ExitError, true,
		"動作中のサーバーが登録コードを受け付けませんでした。サーバーが動いているか確かめて、もう一度やり直してください。"},
	{errListen, ExitInUse, false,
		"指定したアドレスで待ち受けできません。ほかのプログラムが同じポートを使っていないか確かめてください。"},
	{central.ErrInUse, ExitInUse, false,
		"サーバーのデータは別のプログラムが使っています。そちらを終了してからやり直してください。"},
	{central.ErrNewerSchema, ExitNewer, false,
		"サーバーのデータは新しい版の窓口で作られています。プログラムを更新してください。"},
	{central.ErrCorrupt, ExitDamaged, true,
		"サーバーのデータが壊れているため使えません。バックアップから戻してください。"},
	{syncclient.ErrPinMismatch, ExitForbidden, false,
		"接続先のサーバーが登録コードのサーバーと違います（鍵が一致しません）。つなぎません。管理者に連絡してください。"},
	{syncclient.ErrTokenUsed, ExitForbidden, false,
		"この登録コードはすでに使われています。管理者に新しいコードを発行してもらってください。"},
	{syncclient.ErrTokenExpired, ExitForbidden, false,
		"この登録コードは有効期限が切れています。管理者に新しいコードを発行してもらってください。"},
	{syncclient.ErrTokenRefused, ExitForbidden, false,
		"サーバーがこの登録コードを受け付けませんでした。管理者に新しいコードを発行してもらってください。"},
	{syncclient.ErrRevoked, ExitForbidden, false,
		"このパソコンの登録は管理者によって取り消されました。管理者に連絡してください。"},
	{syncclient.ErrAdminExists, ExitForbidden, false,
		"この窓口にはすでに管理者が登録されています。最初の管理者の登録はできません。"},
	{syncclient.ErrForbidden, ExitForbidden, false,
		"この操作はサーバーで管理者として登録された人だけができます。"},
	{server.ErrAdminExists, ExitForbidden, false,
		"この窓口にはすでに管理者が登録されているため、最初の管理者用の登録コードは作れません。"},
	{syncclient.ErrOwnDevice, ExitInvalidInput, false,
		"いま使っているこの端末の登録は取り消せません。別の端末から管理者が取り消してください。"},
	{syncclient.ErrUnknownDevice, ExitInvalidInput, false,
		"その番号の端末はありません。devices list で端末番号を確かめてください。"},
	{syncclient.ErrLoginFailed, ExitForbidden, false,
		"サーバーへのログインに失敗しました。ログインIDとパスワードを確かめてください。"},
	{syncclient.ErrLoginLocked, ExitForbidden, false,
		"サーバーへのログインの失敗が続いたため、しばらくログインできません。時間をおいてやり直してください。"},
	{syncclient.ErrRateLimited, ExitError, false,
		"サーバーへのログインの試行が多すぎます。1分ほど待ってからやり直してください。"},
	{syncclient.ErrRefused, ExitForbidden, false,
		"サーバーがこのパソコンからの接続を拒否しました。登録が取り消されたか期限が切れた可能性があります。管理者に連絡してください。"},
	{syncclient.ErrUnreachable, ExitError, false,
		"サーバーに接続できません。ネットワークとサーバーが動いているかを確かめてください。"},
	{syncclient.ErrNotEnrolled, ExitNoVault, false,
		"このパソコンはまだサーバーに登録されていません。管理者が madoguchi enroll で登録するか、新しいパソコンでは madoguchi join で参加してください。"},
	{syncclient.ErrEnrolled, ExitInvalidInput, false,
		"このパソコンはすでにサーバーに登録されています。"},
	{syncclient.ErrBadCreds, ExitDamaged, true,
		"このパソコンのサーバー接続用の鍵のファイルが壊れています。管理者に連絡してください。"},
}

// netRowOf returns the row of err, if any. Errors of office's own table
// keep their office message.
func netRowOf(err error) (netRow, bool) {
	if office.ClassOf(err) != office.ClassUnexpected {
		return netRow{}, false
	}
	for _, r := range netTable {
		if errors.Is(err, r.err) {
			return r, true
		}
	}
	return netRow{}, false
}
