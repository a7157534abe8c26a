package office

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/backup"
	"github.com/madoguchi-jp/madoguchi/app/handover"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Sentinel errors. Callers test them with errors.Is and show people
// MessageIn(lang, err), never err.Error(). Each has its row in errorTable;
// the errors of vault and storage/local that reach a caller are mapped to
// these (see sentinelOf), so callers need to know no other package's.
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
	// ErrWebRequest: a web booking request from the server that this PC
	// cannot take (an unknown status, a malformed reference code, an
	// oversized form). Errors that wrap it name the request.
	ErrWebRequest      = errors.New("web booking request refused")
	ErrDoubleBooking   = errors.New("slot already taken")
	ErrFull            = errors.New("capacity reached")
	ErrDuplicate       = errors.New("business looks like an existing one")
	ErrNotLoggedIn     = errors.New("not logged in")
	ErrUserExists      = vault.ErrUserExists
	ErrUnknownUser     = vault.ErrUnknownUser
	ErrWeakPassword    = errors.New("password too short")
	ErrCannotGrant     = errors.New("granting user lacks the key")
	ErrTampered        = vault.ErrTampered
	ErrFileExists      = errors.New("output file exists")
	ErrWrongStoreKey   = errors.New("the store key does not open the store")
	ErrAuditBroken     = errors.New("access log chain is broken") // matched by *audit.BrokenLink
	ErrInvalid         = errors.New("invalid input")              // matched by record.Problems and *record.FieldError
	ErrCompanyFormOnly = errors.New("query holds only company-form words")
	// ErrForged means the user table in keyring.json is not signed by the
	// office admin key, belongs to another office, or is older than one this
	// vault already used.
	ErrForged = vault.ErrForged
	// ErrCannotSign means the person's signing key is not yet in the signed
	// user table (carried over from the earlier format; an admin's login
	// completes it).
	ErrCannotSign = errors.New("signing key not yet in the user table")
	// ErrNeedsReset is returned when re-enabling an account whose keys were
	// deleted: give it a new password instead.
	ErrNeedsReset = vault.ErrNeedsReset
	// ErrBadLogin is returned for a login id that breaks the CheckLogin rule.
	ErrBadLogin = errors.New("bad login id")
	// ErrNoName is returned when a new account has no name.
	ErrNoName = errors.New("user name missing")
	// ErrUnknownRole is returned by ParseRoles for a name that is not a role.
	ErrUnknownRole = errors.New("unknown role")
	// ErrBadPeriod is returned for a period that is neither "2026-10" nor "FY2026".
	ErrBadPeriod = errors.New("bad statistics period")
	// ErrSessionEnded is returned by a use case that Logout (or the window's
	// idle lock) stopped while it ran. It matches ErrNotLoggedIn too.
	ErrSessionEnded = fmt.Errorf("session ended: %w", ErrNotLoggedIn)
	// ErrCanceled is the caller's own cancellation (Ctrl+C on the command
	// line, 中止 in the window): context.Canceled.
	ErrCanceled = context.Canceled
	// ErrSyncDamaged is returned by the sync replica's Apply for a version
	// whose sealed header does not name the id and rev it came under, or
	// that differs from the stored version of the same id and rev; nothing
	// of the page is stored.
	ErrSyncDamaged = errors.New("synced version does not match its id and rev")
	// ErrNoConflict is returned for a record that is not in 競合.
	ErrNoConflict = errors.New("record has no conflict")
	// ErrBackupDamaged: a backup file does not verify (changed, cut off,
	// or not made with this office's keys); nothing was restored.
	ErrBackupDamaged = backup.ErrDamaged
	// ErrNotBackup: the file given as a backup is not one.
	ErrNotBackup = backup.ErrNotBackup
	// ErrBackupNewer: the backup was made by a newer program version.
	ErrBackupNewer = backup.ErrNewerFormat
	// ErrBackupBusy: the store's files or the keyring kept changing while
	// a backup read them, every time it started over; the older backup
	// file, if any, is as it was.
	ErrBackupBusy = errors.New("the vault kept changing during the backup")
)

// Errors of the hand-over, each with its row in errorTable.
var (
	// ErrWrongPassphrase: the hand-over file does not open with the
	// passphrase (or its header was changed).
	ErrWrongPassphrase = handover.ErrWrongPassphrase
	// ErrDamagedHandover: the file is not a hand-over file, or it was cut
	// or changed; nothing of it is taken.
	ErrDamagedHandover = errors.New("hand-over file is damaged")
	// ErrWeakPassphrase: an export's passphrase is shorter than MinPassphrase.
	ErrWeakPassphrase = errors.New("passphrase too short")
	// ErrNoRecipient: an export names no recipient (相手先).
	ErrNoRecipient = errors.New("no recipient")
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

// BookingError says which reservation is in the way of a new one. Error
// (for logs) names ids only; MessageIn words it for people with the names.
type BookingError struct {
	Err   error  // ErrDoubleBooking or ErrFull
	What  string // "相談員" or "会場"
	Other string // the id of the reservation in the way
	Start string
	End   string
	// Date is the day of the booking (2006-01-02), "" when not known.
	Date string
	// Name is the consultant's or the venue's name, Business the name of
	// the business the reservation in the way is for: shown to people,
	// never logged. Either may be "" (the message then does without).
	Name, Business string
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

// Lang is the language of a message for people.
type Lang string

// The languages of the messages; Japanese is the default.
const (
	Japanese Lang = "ja"
	English  Lang = "en"
)

// Class is the kind of failure an error is. It decides whether the full
// error goes to the support log (Logged).
type Class int

// The classes of errors.
const (
	// ClassUnexpected is an error outside the table: a fault of the program
	// or of the machine (disk full, permissions). Its message says only
	// that it failed; the support log holds the error.
	ClassUnexpected Class = iota
	// ClassInput: what was entered or asked for cannot be accepted; the
	// person corrects it.
	ClassInput
	// ClassAccess: who is asking: password, lockout, role.
	ClassAccess
	// ClassState: the vault or the record is not in a state that allows it
	// (missing, open elsewhere, changed meanwhile, newer).
	ClassState
	// ClassDamage: damaged or altered data; an administrator must look.
	ClassDamage
)

// Logged reports whether errors of the class belong in the support log:
// the unexpected ones and damage, where the message cannot say enough.
func (c Class) Logged() bool { return c == ClassUnexpected || c == ClassDamage }

// Exit statuses of the command line, one per cause; README.md lists them
// ("Exit status"), and a test keeps the two in step.
const (
	ExitOK          = 0
	ExitUnexpected  = 1  // ClassUnexpected: see the support log
	ExitUsage       = 2  // the command line itself is wrong (the CLI decides)
	ExitWrongPass   = 3  // wrong login id or password
	ExitLocked      = 4  // account locked or disabled
	ExitInUse       = 5  // vault open in another program
	ExitDamaged     = 6  // damaged or altered keyring or store
	ExitNoVault     = 7  // no vault in the folder
	ExitForbidden   = 8  // not allowed for the role
	ExitAuditBroken = 9  // the access log chain is broken
	ExitNotFound    = 10 // record or user not found
	ExitInvalid     = 11 // invalid input, or a request the records refuse
	ExitNewer       = 12 // written by a newer version of the program
	ExitCanceled    = 13 // stopped by the person (Ctrl+C) or by a logout
)

// errorRow is what the office says about one sentinel.
type errorRow struct {
	err   error
	class Class
	exit  int
	ja    string
	en    string
}

// errorTable is the one place that decides, for every sentinel, its class,
// its exit status and its message in each language. Messages say what
// happened and what to do, in words that fit the window and the command
// line alike (the command line adds its own hints: cli.hint). Where an
// error matches several sentinels the first row wins.
var errorTable = []errorRow{
	{ErrBackupDamaged, ClassDamage, ExitDamaged,
		"バックアップファイルが壊れているか、書き換えられています。何も復元していません。別のバックアップファイルを指定してください。",
		"The backup file is damaged or has been altered. Nothing was restored. Choose another backup file."},
	{ErrNotBackup, ClassInput, ExitInvalid,
		"指定したファイルは窓口のバックアップファイルではありません。ファイルを確かめてください。",
		"The file is not a Madoguchi backup file. Check the file."},
	{ErrBackupNewer, ClassState, ExitNewer,
		"このバックアップは新しい版の窓口で作られています。窓口を更新してから復元してください。",
		"This backup was made by a newer version of Madoguchi. Update Madoguchi, then restore."},
	{ErrBackupBusy, ClassState, ExitInUse,
		"保存や整理が続いていたため、バックアップを取れませんでした。前のバックアップはそのまま残っています。しばらくしてからやり直してください。",
		"The vault kept changing (saves or housekeeping), so no backup was made. The previous backup is unchanged. Try again in a while."},
	{ErrWrongPassword, ClassAccess, ExitWrongPass,
		"IDまたはパスワードが違います。もう一度入力してください。",
		"Wrong login ID or password. Enter them again."},
	{ErrLocked, ClassAccess, ExitLocked,
		"パスワードを続けて間違えたため、このアカウントはしばらく使えません。時間をおいてからやり直すか、管理者に連絡してください。",
		"This account is locked for a while after repeated wrong passwords. Try again later, or contact the administrator."},
	{ErrDisabled, ClassAccess, ExitLocked,
		"このアカウントは無効になっています。管理者に連絡してください。",
		"This account is disabled. Contact the administrator."},
	{ErrVaultInUse, ClassState, ExitInUse,
		"このデータは別の窓口プログラムで開かれています。そちらを終了してからやり直してください。",
		"This data is open in another Madoguchi program. Close that one and try again."},
	{ErrForged, ClassDamage, ExitDamaged,
		"鍵ファイル（keyring.json）の利用者一覧の署名が正しくありません。ファイルが書き換えられた可能性があるため開けません。バックアップから戻し、管理者と監督者に連絡してください。",
		"The signature of the user list in the key file (keyring.json) does not verify: the file may have been altered, so it is not opened. Restore it from a backup and tell the administrator and the supervisors."},
	{ErrDamagedKeyring, ClassDamage, ExitDamaged,
		"鍵ファイル（keyring.json）が壊れているため開けません。バックアップから戻すか、管理者に連絡してください。",
		"The key file (keyring.json) is damaged and cannot be opened. Restore it from a backup, or contact the administrator."},
	{ErrDamagedStore, ClassDamage, ExitDamaged,
		"データのフォルダが壊れているため開けません。バックアップから戻すか、管理者に連絡してください。",
		"The data folder is damaged and cannot be opened. Restore it from a backup, or contact the administrator."},
	{ErrWrongStoreKey, ClassDamage, ExitDamaged,
		"データの鍵が合いません。鍵ファイルとデータのフォルダの組み合わせを確かめてください。",
		"The key does not fit the data. Check that the key file and the data folder belong together."},
	{ErrSyncDamaged, ClassDamage, ExitDamaged,
		"同期で受け取ったデータが壊れているか書き換えられているため、取り込みませんでした。管理者に連絡してください。",
		"Data received by sync is damaged or altered and was not taken in. Contact the administrator."},
	{ErrWebRequest, ClassDamage, ExitDamaged,
		"サーバーから受け取ったウェブ予約の内容が正しくないため、取り込みませんでした。管理者に連絡してください。",
		"A web booking request from the server is malformed and was not taken in. Contact the administrator."},
	{ErrTampered, ClassDamage, ExitDamaged,
		"データが改ざんされているか壊れているため開けません。管理者に連絡してください。",
		"The data has been altered or is damaged and cannot be opened. Contact the administrator."},
	{ErrNoVault, ClassState, ExitNoVault,
		"指定したフォルダに窓口のデータがありません。フォルダを確かめるか、管理者にデータの作成を依頼してください。",
		"There is no Madoguchi data in this folder. Check the folder, or ask the administrator to create it."},
	{ErrNewerVault, ClassState, ExitNewer,
		"このデータは新しい版の窓口で作られています。プログラムを更新してください。",
		"This data was written by a newer version of Madoguchi. Update the program."},
	{ErrForbidden, ClassAccess, ExitForbidden,
		"この操作を行う権限がありません。権限のある職員に依頼してください。",
		"Your role does not allow this. Ask a colleague who may do it."},
	{ErrCannotGrant, ClassAccess, ExitForbidden,
		"相談内容の鍵を持たない管理者は、相談員・コーディネーター・監督者を登録できません。監督者を兼ねる管理者が登録してください。",
		"An administrator without the key to consultation content cannot register consultants, coordinators or supervisors. An administrator who is also a supervisor must do it."},
	{ErrCannotSign, ClassAccess, ExitForbidden,
		"この職員の署名用の鍵は、まだ利用者一覧に登録されていません。管理者が一度ログインすると承認できるようになります。",
		"This person's signing key is not in the user list yet. Approving becomes possible once an administrator has logged in."},
	{ErrSessionEnded, ClassState, ExitCanceled,
		"ログアウトまたはロックしたため、処理を中止しました。",
		"The work was stopped because the session was logged out or locked."},
	{ErrCanceled, ClassState, ExitCanceled,
		"処理を中止しました。",
		"The work was stopped."},
	{ErrNotLoggedIn, ClassAccess, ExitForbidden,
		"ログインしていません。ログインしてからやり直してください。",
		"You are not logged in. Log in and try again."},
	{ErrAuditBroken, ClassDamage, ExitAuditBroken,
		"アクセスログに改ざんまたは破損が見つかりました。監督者と管理者に連絡してください。",
		"The access log has been altered or is damaged. Tell the supervisors and the administrator."},
	{ErrNotFound, ClassState, ExitNotFound,
		"指定した記録が見つかりません。番号を確かめてください。",
		"The record was not found. Check its number."},
	{ErrUnknownUser, ClassState, ExitNotFound,
		"そのログインIDの利用者は登録されていません。",
		"No user has that login ID."},
	{ErrConflict, ClassState, ExitInvalid,
		"この記録は他の職員が先に更新しました。開き直してから編集してください。",
		"Another person updated this record first. Open it again, then edit."},
	{ErrNoConflict, ClassState, ExitInvalid,
		"この記録に競合はありません。",
		"This record has no conflict."},
	{ErrNeedsReset, ClassState, ExitInvalid,
		"無効にした利用者の鍵は削除されています。有効に戻すには、パスワードを再設定してください。",
		"The keys of a disabled user were deleted. To enable the user again, reset the password."},
	{ErrDoubleBooking, ClassInput, ExitInvalid,
		"その時間帯には別の予約が入っています。別の時間帯を選んでください。",
		"That time slot is already taken. Choose another time."},
	{ErrFull, ClassInput, ExitInvalid,
		"その時間帯は定員に達しています。別の時間帯か会場を選んでください。",
		"That time slot is full. Choose another time or venue."},
	{ErrDuplicate, ClassInput, ExitInvalid,
		"同じ名前または電話番号の事業者がすでに登録されています。既存の事業者を選ぶか、別の事業者として登録してください。",
		"A business with the same name or phone number is already registered. Choose it, or register this one as a different business."},
	{ErrVaultExists, ClassInput, ExitInvalid,
		"このフォルダにはすでに窓口のデータがあります。別のフォルダを指定してください。",
		"This folder already holds Madoguchi data. Choose another folder."},
	{ErrUserExists, ClassInput, ExitInvalid,
		"そのログインIDはすでに使われています。別のIDを指定してください。",
		"That login ID is already taken. Choose another one."},
	{ErrWeakPassword, ClassInput, ExitInvalid,
		fmt.Sprintf("パスワードは%d文字以上にしてください。", MinPasswordLen),
		fmt.Sprintf("Use a password of at least %d characters.", MinPasswordLen)},
	{ErrBadLogin, ClassInput, ExitInvalid,
		"ログインIDは半角英小文字・数字・「.」「_」「-」で2〜32文字にしてください。",
		`A login ID has 2 to 32 characters: lower-case letters, digits, ".", "_" and "-".`},
	{ErrNoName, ClassInput, ExitInvalid,
		"氏名を入力してください。",
		"Enter the name."},
	{ErrUnknownRole, ClassInput, ExitInvalid,
		"その役割はありません。",
		"There is no such role."},
	{ErrBadPeriod, ClassInput, ExitInvalid,
		"期間の指定が正しくありません。",
		"The period is not valid."},
	{ErrFileExists, ClassInput, ExitInvalid,
		"出力先のファイルがすでにあります。別の名前にしてください。",
		"The output file already exists. Choose another name."},
	{ErrCompanyFormOnly, ClassInput, ExitInvalid,
		"「株式会社」「有限会社」など法人の種類を表す言葉は、検索では無視されます。事業所名のほかの部分で検索してください。",
		"Words for the legal form of a business (株式会社, 有限会社, …) are ignored by the search. Search for another part of the name."},
	{ErrWrongPassphrase, ClassAccess, ExitWrongPass,
		"パスワードが違うか、ファイルの先頭が書き換えられています。パスワード通知書のパスワードを確かめてください。",
		"The passphrase is wrong, or the start of the file was changed. Check the passphrase on the passphrase notice."},
	{ErrDamagedHandover, ClassDamage, ExitDamaged,
		"この暗号化ファイルは途中で切れているか、書き換えられています。何も取り込んでいません。送り主にもう一度送ってもらってください。",
		"This encrypted file is cut short or was changed. Nothing was taken from it. Ask the sender to send it again."},
	{ErrWeakPassphrase, ClassInput, ExitInvalid,
		"パスワードが短すぎます。12文字以上にしてください（自動で作られたパスワードを使えます）。",
		"The passphrase is too short. Use at least 12 characters (or the one made for you)."},
	{ErrNoRecipient, ClassInput, ExitInvalid,
		"相手先を入力してください。管理簿に記録されます。",
		"Enter the recipient. It is written in the handover ledger."},
	{ErrInvalid, ClassInput, ExitInvalid,
		"入力内容を確かめてください。",
		"Check what was entered."},
}

// unexpected is the message of an error outside the table.
var unexpected = errorRow{nil, ClassUnexpected, ExitUnexpected,
	"処理できませんでした。もう一度やり直し、続く場合は管理者に連絡してください。",
	"This could not be done. Try again; if it keeps failing, contact the administrator."}

// foreign maps the sentinels of vault and storage/local that may reach a
// caller wrapped in an office error to the office's own.
var foreign = []struct{ from, to error }{
	{local.ErrLocked, ErrVaultInUse},
	{local.ErrWrongKey, ErrWrongStoreKey},
	{local.ErrCorrupt, ErrDamagedStore},
	{local.ErrNewerSchema, ErrNewerVault},
	{vault.ErrNewerFormat, ErrNewerVault},
	{vault.ErrMalformed, ErrTampered},
}

// sentinelOf returns the sentinel of the table that err matches, or nil.
func sentinelOf(err error) error {
	var bl *audit.BrokenLink
	var probs record.Problems
	var fe *record.FieldError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &bl):
		return ErrAuditBroken
	case errors.As(err, &probs), errors.As(err, &fe):
		return ErrInvalid
	}
	for _, r := range errorTable {
		if errors.Is(err, r.err) {
			return r.err
		}
	}
	for _, f := range foreign {
		if errors.Is(err, f.from) {
			return f.to
		}
	}
	return nil
}

// rowOf returns the table row of err (unexpected when it has none).
func rowOf(err error) errorRow {
	if s := sentinelOf(err); s != nil {
		for _, r := range errorTable {
			if r.err == s {
				return r
			}
		}
	}
	return unexpected
}

// ClassOf returns the class of err; nil and errors outside the table are
// ClassUnexpected.
func ClassOf(err error) Class { return rowOf(err).class }

// ExitStatus returns the command line's exit status for err: ExitOK for nil.
func ExitStatus(err error) int {
	if err == nil {
		return ExitOK
	}
	return rowOf(err).exit
}

// Message is MessageIn(Japanese, err).
func Message(err error) string { return MessageIn(Japanese, err) }

// MessageIn turns any error of this package into a sentence in lang that
// tells a person what happened and what to do. It never includes record
// content. Validation messages (record.Problems, record.FieldError) come
// in both languages from the package that words them.
func MessageIn(lang Lang, err error) string {
	if err == nil {
		return ""
	}
	if msg, ok := detailed(lang, err); ok {
		return msg
	}
	r := rowOf(err)
	if lang == English {
		return r.en
	}
	return r.ja
}

// LogHint says in lang where the support log holds the details of an error.
func LogHint(lang Lang, path string) string {
	if lang == English {
		return "The details were written to " + path + "; hand this file over when asking for support."
	}
	return "詳しい内容を " + path + " に記録しました。問い合わせの際はこのファイルを渡してください。"
}

// detailed words the errors that carry details (who, when, which event).
func detailed(lang Lang, err error) (string, bool) {
	en := lang == English
	var probs record.Problems
	if errors.As(err, &probs) {
		return probs.In(en), true
	}
	var fe *record.FieldError
	if errors.As(err, &fe) {
		return fe.In(en), true
	}
	var le *vault.LockedError
	if errors.As(err, &le) {
		until := le.Until.In(jst).Format("15:04:05")
		return pick(en, fmt.Sprintf("パスワードを続けて間違えたため、このアカウントは %s まで使えません。時間をおいてからやり直すか、管理者に連絡してください。", until),
			fmt.Sprintf("After repeated wrong passwords this account is locked until %s. Try again later, or contact the administrator.", until)), true
	}
	var sd *StoreDamagedError
	if errors.As(err, &sd) {
		return pick(en, fmt.Sprintf("データのフォルダ（%s）が壊れているため開けません。バックアップから戻すか、管理者に連絡してください。", sd.Dir),
			fmt.Sprintf("The data folder (%s) is damaged and cannot be opened. Restore it from a backup, or contact the administrator.", sd.Dir)), true
	}
	var be *BookingError
	if errors.As(err, &be) {
		return bookingMessage(en, be), true
	}
	var bl *audit.BrokenLink
	if errors.As(err, &bl) {
		return brokenLinkMessage(en, bl), true
	}
	var we *WebStatusError
	if errors.As(err, &we) {
		return pick(en, we.Error(), fmt.Sprintf("Web booking %s is already %s: another PC handled it, or the business cancelled.", we.Ref, we.Status)), true
	}
	var de *DuplicateError
	if errors.As(err, &de) {
		n := len(de.Matches)
		return pick(en, fmt.Sprintf("同じ名前または電話番号の事業者がすでに %d 件登録されています。既存の事業者を選ぶか、別の事業者として登録してください。", n),
			fmt.Sprintf("%d businesses with the same name or phone number are already registered. Choose one of them, or register this one as a different business.", n)), true
	}
	return "", false
}

func bookingMessage(en bool, be *BookingError) string {
	if be.What == "セミナー" && errors.Is(be.Err, ErrFull) {
		return pick(en, "このセミナーは定員に達しています。キャンセル待ちで受け付けるか、定員を見直してください。",
			"This seminar is full. Put the application on the waiting list, or review the capacity.")
	}
	if be.Name != "" && be.Business != "" && errors.Is(be.Err, ErrDoubleBooking) {
		return namedBookingMessage(en, be)
	}
	if !en {
		if errors.Is(be.Err, ErrFull) {
			return fmt.Sprintf("%sは %s〜%s に定員に達しています。別の時間帯か会場を選んでください。", be.What, be.Start, be.End)
		}
		return fmt.Sprintf("%sは %s〜%s に別の予約が入っています。別の時間帯を選んでください。", be.What, be.Start, be.End)
	}
	what := map[string]string{"相談員": "The consultant", "会場": "The venue"}[be.What]
	if what == "" {
		what = be.What
	}
	if errors.Is(be.Err, ErrFull) {
		return fmt.Sprintf("%s is fully booked from %s to %s. Choose another time or venue.", what, be.Start, be.End)
	}
	return fmt.Sprintf("%s already has another booking from %s to %s. Choose another time.", what, be.Start, be.End)
}

// namedBookingMessage words a double booking with the names: 「山口 一郎さんは
// 12/10 10:00〜11:00 に 稲穂若葉商店 の予約があります。」
func namedBookingMessage(en bool, be *BookingError) string {
	who, when := be.Name, be.Start+"〜"+be.End
	if be.What == "相談員" && !en {
		who += "さん"
	}
	if t, err := time.Parse(time.DateOnly, be.Date); err == nil {
		when = t.Format("1/2") + " " + when
	}
	if en {
		return fmt.Sprintf("%s already has a booking for %s at %s. Choose another time.", who, be.Business, strings.Replace(when, "〜", "–", 1))
	}
	return fmt.Sprintf("%sは %s に %s の予約があります。別の時間帯を選んでください。", who, when, be.Business)
}

// reasonsEN are the English words of audit's reasons.
var reasonsEN = map[string]string{
	audit.ReasonHash:       "the hash does not match",
	audit.ReasonPrev:       "it does not follow the previous event",
	audit.ReasonGap:        "a number is missing",
	audit.ReasonUnreadable: "it cannot be read",
	audit.ReasonCheckpoint: "an event before a signed checkpoint was changed, or the signature does not verify",
	audit.ReasonTruncated:  "events up to a signed checkpoint were deleted",
	"最後のイベントが失われています": "the last event is missing", // VerifyAudit
}

func brokenLinkMessage(en bool, bl *audit.BrokenLink) string {
	if !en {
		if bl.Signer != "" {
			return fmt.Sprintf("アクセスログの %d 番目で改ざんが見つかりました（%s。%s さんの署名付きチェックポイント）。監督者と管理者に連絡してください。", bl.Seq, bl.Reason, bl.Signer)
		}
		return fmt.Sprintf("アクセスログの %d 番目のイベントで改ざんまたは破損が見つかりました（%s）。監督者と管理者に連絡してください。", bl.Seq, bl.Reason)
	}
	reason := reasonsEN[bl.Reason]
	if reason == "" {
		reason = bl.Reason
	}
	if bl.Signer != "" {
		return fmt.Sprintf("The access log was altered at event %d (%s; the signed checkpoint of %s). Tell the supervisors and the administrator.", bl.Seq, reason, bl.Signer)
	}
	return fmt.Sprintf("The access log was altered or damaged at event %d (%s). Tell the supervisors and the administrator.", bl.Seq, reason)
}

func pick(en bool, ja, english string) string {
	if en {
		return english
	}
	return ja
}

// jst is Japan Standard Time; offices read times in it.
var jst = record.JST()
