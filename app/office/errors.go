package office

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Sentinel errors. Callers test them with errors.Is and show people
// Message(err), never err.Error().
var (
	ErrNoVault        = errors.New("no vault in this folder")
	ErrVaultExists    = errors.New("a vault already exists in this folder")
	ErrDamagedKeyring = errors.New("keyring file is damaged")
	ErrNewerVault     = errors.New("vault was written by a newer version")
	ErrWrongPassword  = vault.ErrWrongPassword
	ErrLocked         = vault.ErrLocked
	ErrDisabled       = vault.ErrDisabled
	ErrVaultInUse     = errors.New("vault is open in another process")
	ErrForbidden      = errors.New("not allowed for this role")
	ErrNotFound       = errors.New("record not found")
	ErrConflict       = errors.New("record changed since it was read")
	ErrDoubleBooking  = errors.New("slot already taken")
	ErrFull           = errors.New("capacity reached")
	ErrDuplicate      = errors.New("business looks like an existing one")
	ErrNotLoggedIn    = errors.New("not logged in")
	ErrUserExists     = vault.ErrUserExists
	ErrUnknownUser    = vault.ErrUnknownUser
	ErrWeakPassword   = errors.New("password too short")
	ErrCannotGrant    = errors.New("granting user lacks the key")
	ErrTampered       = vault.ErrTampered
	ErrFileExists     = errors.New("output file exists")
)

// ErrDamagedStore is matched by *StoreDamagedError.
var ErrDamagedStore = errors.New("store is damaged")

// StoreDamagedError says which store folder could not be read.
type StoreDamagedError struct {
	Dir string
	Err error // the store's error, for logs; never shown
}

// Error implements error.
func (e *StoreDamagedError) Error() string { return "store " + e.Dir + " is damaged: " + e.Err.Error() }

// Is reports whether target is ErrDamagedStore.
func (e *StoreDamagedError) Is(target error) bool { return target == ErrDamagedStore }

// BookingError says which reservation is in the way of a new one.
type BookingError struct {
	Err   error  // ErrDoubleBooking or ErrFull
	What  string // "相談員" or "会場"
	Other string // the id of the reservation in the way
	Start string
	End   string
}

func (e *BookingError) Error() string {
	return fmt.Sprintf("%v: %s %s-%s", e.Err, e.Other, e.Start, e.End)
}

// Unwrap returns ErrDoubleBooking or ErrFull.
func (e *BookingError) Unwrap() error { return e.Err }

// DuplicateError lists the existing businesses that look like a new one.
type DuplicateError struct{ Matches []BusinessSummary }

func (e *DuplicateError) Error() string { return fmt.Sprintf("%v (%d)", ErrDuplicate, len(e.Matches)) }

// Unwrap returns ErrDuplicate.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// Message turns any error of this package into one Japanese sentence that
// tells a person what happened and what to do. It never includes record
// content.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var probs record.Problems
	if errors.As(err, &probs) {
		return probs.Error()
	}
	var fe *record.FieldError
	if errors.As(err, &fe) {
		return fe.Error()
	}
	var le *vault.LockedError
	if errors.As(err, &le) {
		return fmt.Sprintf("パスワードを続けて間違えたため、このアカウントは %s まで使えません。時間をおいてからやり直すか、管理者に連絡してください。",
			le.Until.In(jst).Format("15:04:05"))
	}
	var sd *StoreDamagedError
	if errors.As(err, &sd) {
		return fmt.Sprintf("データのフォルダ（%s）が壊れているため開けません。バックアップから戻すか、管理者に連絡してください。", sd.Dir)
	}
	var be *BookingError
	if errors.As(err, &be) {
		if errors.Is(be.Err, ErrFull) {
			return fmt.Sprintf("%sは %s〜%s に定員に達しています。別の時間帯か会場を選んでください。", be.What, be.Start, be.End)
		}
		return fmt.Sprintf("%sは %s〜%s に別の予約（%s）が入っています。別の時間帯を選んでください。", be.What, be.Start, be.End, be.Other)
	}
	var bl *audit.BrokenLink
	if errors.As(err, &bl) {
		if bl.Signer != "" {
			return fmt.Sprintf("アクセスログの %d 番目で改ざんが見つかりました（%s。%s さんの署名付きチェックポイント）。監督者と管理者に連絡してください。", bl.Seq, bl.Reason, bl.Signer)
		}
		return fmt.Sprintf("アクセスログの %d 番目のイベントで改ざんまたは破損が見つかりました（%s）。監督者と管理者に連絡してください。", bl.Seq, bl.Reason)
	}
	var de *DuplicateError
	if errors.As(err, &de) {
		return fmt.Sprintf("同じ名前または電話番号の事業者がすでに %d 件登録されています。既存の事業者を選ぶか、別の事業者として登録してください。", len(de.Matches))
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return m.msg
		}
	}
	return "処理できませんでした。もう一度やり直し、続く場合は管理者に連絡してください。"
}

var messages = []struct {
	err error
	msg string
}{
	{ErrNoVault, "指定したフォルダに窓口のデータがありません。フォルダを確かめるか、madoguchi init で作成してください。"},
	{ErrVaultExists, "このフォルダにはすでに窓口のデータがあります。別のフォルダを指定してください。"},
	{ErrDamagedKeyring, "鍵ファイル（keyring.json）が壊れているため開けません。バックアップから戻すか、管理者に連絡してください。"},
	{ErrNewerVault, "このデータは新しい版の窓口で作られています。プログラムを更新してください。"},
	{ErrWrongPassword, "IDまたはパスワードが違います。もう一度入力してください。"},
	{ErrDisabled, "このアカウントは無効になっています。管理者に連絡してください。"},
	{ErrVaultInUse, "このデータは別の窓口プログラムで開かれています。そちらを終了してからやり直してください。"},
	{ErrForbidden, "この操作を行う権限がありません。権限のある職員に依頼してください。"},
	{ErrNotFound, "指定した記録が見つかりません。番号を確かめてください。"},
	{ErrConflict, "この記録は他の職員が先に更新しました。開き直してから編集してください。"},
	{ErrNotLoggedIn, "ログインしていません。ログインしてからやり直してください。"},
	{ErrUserExists, "そのログインIDはすでに使われています。別のIDを指定してください。"},
	{ErrUnknownUser, "そのログインIDの利用者は登録されていません。"},
	{ErrWeakPassword, "パスワードは10文字以上にしてください。"},
	{ErrCannotGrant, "相談内容の鍵を持たない管理者は、相談員・コーディネーター・監督者を登録できません。監督者を兼ねる管理者が登録してください。"},
	{ErrForged, "鍵ファイル（keyring.json）の利用者一覧の署名が正しくありません。ファイルが書き換えられた可能性があるため開けません。バックアップから戻し、管理者と監督者に連絡してください。"},
	{ErrCannotSign, "この職員の署名用の鍵は、まだ利用者一覧に登録されていません。管理者が一度ログインすると承認できるようになります。"},
	{ErrNeedsReset, "無効にした利用者の鍵は削除されています。有効に戻すには、パスワードを再設定してください。"},
	{ErrTampered, "データが改ざんされているか壊れているため開けません。管理者に連絡してください。"},
	{ErrBadLogin, "ログインIDは半角英小文字・数字・「.」「_」「-」で2〜32文字にしてください。"},
	{ErrNoName, "氏名を入力してください。"},
	{ErrUnknownRole, "役割は reception, consultant, coordinator, supervisor, admin から選んでください。"},
	{ErrBadPeriod, "期間は 2026-10（月）か FY2026（年度）の形で指定してください。"},
	{ErrFileExists, "出力先のファイルがすでにあります。別の名前にするか、上書きする場合は --force を付けてください。"},
	{local.ErrWrongKey, "データの鍵が合いません。鍵ファイルとデータのフォルダの組み合わせを確かめてください。"},
	{local.ErrNewerSchema, "このデータは新しい版の窓口で作られています。プログラムを更新してください。"},
	{context.Canceled, "処理を中止しました。"},
}

// jst is Japan Standard Time; offices read times in it.
var jst = record.JST()
