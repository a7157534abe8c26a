// Package reports renders the office's printed documents as A4 PDFs in
// Japanese: the 相談票 (consultation sheet, 別紙2) filled in or blank for a
// session, the 予約内容 (reservation sheet, 別紙1), the day's schedule, the
// seminar attendance list, the statistics report with bar charts, the
// handover ledger (管理簿), the deletion report (消去報告書) and the sheet of
// an enrollment code for a new PC (端末の登録コード, with its QR code).
//
// Every page carries the same footer: 取扱注意（個人情報）, who printed it and
// when, the document number and "n / m". Text is set in the bundled IPAex
// Gothic and wrapped by WrapLines, which breaks Japanese per character with
// basic 禁則 and never drops a character (gofpdf's MultiCell and SplitText do,
// at each automatic line break between kanji, so this package never calls
// them).
//
// Output is deterministic: the same input and Footer give the same bytes.
// A Renderer holds the font and what it parses from it once (widths, cmap,
// glyph offsets), which it only reads; every call builds its own document
// with its own font subset, so one Renderer serves concurrent callers.
package reports
