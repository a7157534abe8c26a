// Package migrate moves an office's existing lists (CSV files and Excel
// workbooks of businesses) into the vault: it reads the file (detecting the
// text encoding and the header row), maps its columns to record fields
// (a mapping file, or headers that are the fields' Japanese names), checks
// every row against the item definitions of app/record and against the
// vault for duplicates (the rehearsal, 仮移行), and hands the accepted
// records to the office's all-or-nothing import. It writes nothing itself:
// every write goes through app/office.
package migrate
