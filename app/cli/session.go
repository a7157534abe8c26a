package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// common holds the flags every vault command takes.
type common struct {
	vault, as, passwordFile string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.vault, "vault", "", "窓口データのフォルダ")
	fs.StringVar(&c.as, "as", "", "ログインID")
	fs.StringVar(&c.passwordFile, "password-file", "", "パスワードを1行で書いたファイル（省略時は標準入力）")
}

func (c *common) check() error {
	if c.vault == "" {
		return usagef("--vault でフォルダを指定してください。")
	}
	if c.as == "" {
		return usagef("--as でログインIDを指定してください。")
	}
	return nil
}

// readSecret reads a password from a file (its first line) or, with no file,
// one line of standard input. Trailing newline characters are dropped.
func (e *Env) readSecret(file, what string) ([]byte, error) {
	var line string
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usagef("%sのファイル %s を読めません。", what, file)
		}
		line, _, _ = strings.Cut(string(b), "\n")
	} else {
		s, err := e.lines.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		line = s
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, usagef("%sが空です。--password-file で渡すか、標準入力に1行で入力してください。", what)
	}
	return []byte(line), nil
}

// open logs in and returns the office and the session; close the office
// when done.
func (e *Env) open(c *common) (*office.Office, *office.Session, error) {
	o, s, pw, err := e.openKeep(c)
	clear(pw)
	return o, s, err
}

// openKeep is open that also returns the password (clear it when done),
// for a command that logs in to the server too.
func (e *Env) openKeep(c *common) (*office.Office, *office.Session, []byte, error) {
	if err := c.check(); err != nil {
		return nil, nil, nil, err
	}
	o, err := office.Open(c.vault, e.options())
	if err != nil {
		return nil, nil, nil, err
	}
	pw, err := e.readSecret(c.passwordFile, "パスワード")
	if err != nil {
		o.Close()
		return nil, nil, nil, err
	}
	s, err := o.Login(e.ctx, c.as, pw)
	if err != nil {
		clear(pw)
		o.Close()
		return nil, nil, nil, err
	}
	return o, s, pw, nil
}

// loginKDF is the Argon2id cost of a login key registered on the server.
func (e *Env) loginKDF() vault.KDFParams {
	if e.KDF != (vault.KDFParams{}) {
		return e.KDF
	}
	return vault.DefaultKDF
}

func (e *Env) options() office.Options { return office.Options{KDF: e.KDF} }
