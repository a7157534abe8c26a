package cli

import (
	"errors"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
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

// netTable: the first row whose error matches wins (the refusals that
// wrap syncclient.ErrRefused come before its own row). A sentence that
// names no command is syncagent's, which the window shows too.
var netTable = []netRow{
	{errCheckFailed, ExitError, false, "サーバーの設定に問題があります。上の「問題」の行に従って直し、もう一度 madoguchi server check を実行してください。"},
	// A lie of the server, caught by this PC: nothing after it was applied.
	{syncproto.ErrWithheld, ExitDamaged, true, syncagent.Message(syncproto.ErrWithheld)},
	{syncproto.ErrDropped, ExitDamaged, true, syncagent.Message(syncproto.ErrDropped)},
	{syncproto.ErrReordered, ExitDamaged, true, syncagent.Message(syncproto.ErrReordered)},
	{syncproto.ErrReplayed, ExitDamaged, true, syncagent.Message(syncproto.ErrReplayed)},
	{syncproto.ErrRolledBack, ExitDamaged, true, syncagent.Message(syncproto.ErrRolledBack)},
	{syncproto.ErrForked, ExitDamaged, true, syncagent.Message(syncproto.ErrForked)},
	{syncproto.ErrTampered, ExitDamaged, true, syncagent.Message(syncproto.ErrTampered)},
	{syncproto.ErrMalformed, ExitDamaged, true, syncagent.Message(syncproto.ErrMalformed)},
	{syncclient.ErrChainBroken, ExitDamaged, true, syncagent.Message(syncclient.ErrChainBroken)},
	{syncclient.ErrEnvelopeConflict, ExitDamaged, true, syncagent.Message(syncclient.ErrEnvelopeConflict)},
	{syncclient.ErrTableStale, ExitError, true,
		"サーバーにはこのパソコンより新しい利用者一覧があります。もう一度 madoguchi sync を実行して受け取ってください。"},
	{syncclient.ErrNoTable, ExitNotFound, false,
		"サーバーに利用者一覧がまだありません。管理者が先に madoguchi sync を実行してください。"},
	{syncclient.ErrTableForged, ExitDamaged, true, syncagent.Message(syncclient.ErrTableForged)},
	{syncclient.ErrRegisterRefused, ExitForbidden, false, syncagent.Message(syncclient.ErrRegisterRefused)},
	{syncclient.ErrSession, ExitError, true,
		"サーバーとの接続の有効期限が切れました。もう一度 madoguchi sync を実行してください。"},
	{syncer.ErrNotAdmin, ExitForbidden, false, syncagent.Message(syncer.ErrNotAdmin)},
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
	{server.ErrBadCode, ExitInvalidInput, false, syncagent.Message(server.ErrBadCode)},
	{server.ErrTokenNotImported, ExitError, true,
		"動作中のサーバーが登録コードを受け付けませんでした。サーバーが動いているか確かめて、もう一度やり直してください。"},
	{errListen, ExitInUse, false,
		"指定したアドレスで待ち受けできません。ほかのプログラムが同じポートを使っていないか確かめてください。"},
	{errServerRunning, ExitInUse, false,
		"サーバーが動いている間は server backup を使えません。サーバーを止めてからやり直してください（PostgreSQL を使うサーバーは pg_dump でバックアップします）。"},
	{central.ErrInUse, ExitInUse, false,
		"サーバーのデータは別のプログラムが使っています。そちらを終了してからやり直してください。"},
	{central.ErrNewerSchema, ExitNewer, false,
		"サーバーのデータは新しい版の窓口で作られています。プログラムを更新してください。"},
	{central.ErrCorrupt, ExitDamaged, true,
		"サーバーのデータが壊れているため使えません。バックアップから戻してください。"},
	{syncclient.ErrPinMismatch, ExitForbidden, false, syncagent.Message(syncclient.ErrPinMismatch)},
	{syncclient.ErrTokenUsed, ExitForbidden, false, syncagent.Message(syncclient.ErrTokenUsed)},
	{syncclient.ErrTokenExpired, ExitForbidden, false, syncagent.Message(syncclient.ErrTokenExpired)},
	{syncclient.ErrTokenRefused, ExitForbidden, false, syncagent.Message(syncclient.ErrTokenRefused)},
	{syncclient.ErrRevoked, ExitForbidden, false, syncagent.Message(syncclient.ErrRevoked)},
	{syncclient.ErrAdminExists, ExitForbidden, false, syncagent.Message(syncclient.ErrAdminExists)},
	{syncclient.ErrForbidden, ExitForbidden, false, syncagent.Message(syncclient.ErrForbidden)},
	{server.ErrAdminExists, ExitForbidden, false,
		"この窓口にはすでに管理者が登録されているため、最初の管理者用の登録コードは作れません。"},
	{syncclient.ErrOwnDevice, ExitInvalidInput, false, syncagent.Message(syncclient.ErrOwnDevice)},
	{syncclient.ErrUnknownDevice, ExitInvalidInput, false,
		"その番号の端末はありません。devices list で端末番号を確かめてください。"},
	{syncclient.ErrLoginFailed, ExitForbidden, false, syncagent.Message(syncclient.ErrLoginFailed)},
	{syncclient.ErrLoginLocked, ExitForbidden, false, syncagent.Message(syncclient.ErrLoginLocked)},
	{syncclient.ErrRateLimited, ExitError, false, syncagent.Message(syncclient.ErrRateLimited)},
	{syncclient.ErrRefused, ExitForbidden, false, syncagent.Message(syncclient.ErrRefused)},
	{syncclient.ErrUnreachable, ExitError, false,
		"サーバーに接続できません。ネットワークとサーバーが動いているかを確かめてください。"},
	{syncclient.ErrNotEnrolled, ExitNoVault, false,
		"このパソコンはまだサーバーに登録されていません。管理者が madoguchi enroll で登録するか、新しいパソコンでは madoguchi join で参加してください。"},
	{syncclient.ErrEnrolled, ExitInvalidInput, false, syncagent.Message(syncclient.ErrEnrolled)},
	{syncclient.ErrBadCreds, ExitDamaged, true, syncagent.Message(syncclient.ErrBadCreds)},
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
