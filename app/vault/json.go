package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// decodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data. Errors wrap ErrMalformed.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	return nil
}
