package handover

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// Format names the payload: what the first line of every hand-over file
// says it is.
const Format = "madoguchi-handover"

// PayloadVersion is the version of the payload written today.
const PayloadVersion = 1

// Header is the payload's first line: who handed what to whom. It holds no
// record's personal data.
type Header struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	Office     string         `json:"office"`
	DocID      string         `json:"doc_id"` // the ledger row of the export
	ExportedAt time.Time      `json:"exported_at"`
	By         string         `json:"by"` // login of who exported
	ByName     string         `json:"by_name"`
	Recipient  string         `json:"recipient"` // 相手先
	Counts     map[string]int `json:"counts"`    // records per kind
}

// Item is one record: its kind, its contact part and, where it has one
// and the exporter could open it, its case part, each as the JSON the
// record types define.
type Item struct {
	Kind   string          `json:"kind"`
	Record json.RawMessage `json:"record"`
	Case   json.RawMessage `json:"case,omitempty"`
}

// Limits of what a payload may hold, so that a hostile file cannot make a
// reader keep gigabytes.
const (
	maxLine  = 4 << 20
	maxItems = 1_000_000
)

// PayloadWriter writes a payload: the header, then one item per line.
type PayloadWriter struct {
	enc *json.Encoder
}

// NewPayloadWriter writes h as the first line and returns the writer of
// the items.
func NewPayloadWriter(w io.Writer, h Header) (*PayloadWriter, error) {
	h.Format, h.Version = Format, PayloadVersion
	enc := json.NewEncoder(w)
	if err := enc.Encode(h); err != nil {
		return nil, fmt.Errorf("handover: write header line: %w", err)
	}
	return &PayloadWriter{enc: enc}, nil
}

// Add writes one item.
func (p *PayloadWriter) Add(it Item) error {
	if err := p.enc.Encode(it); err != nil {
		return fmt.Errorf("handover: write %s: %w", it.Kind, err)
	}
	return nil
}

// ErrPayload: the payload opened but is not a hand-over payload this
// version reads (a wrong format line, a line that is not JSON, too many or
// too long lines).
var ErrPayload = errors.New("handover: unreadable payload")

// ReadPayload reads a whole payload. Every line must be one JSON object of
// the expected shape, and the counts in the header must match the items.
func ReadPayload(r io.Reader) (Header, []Item, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var h Header
	if !sc.Scan() {
		return h, nil, fmt.Errorf("no header line: %w", errors.Join(ErrPayload, sc.Err()))
	}
	if err := strictJSON(sc.Bytes(), &h); err != nil {
		return h, nil, fmt.Errorf("header line: %w: %w", ErrPayload, err)
	}
	if h.Format != Format || h.Version != PayloadVersion {
		return h, nil, fmt.Errorf("format %q version %d: %w", h.Format, h.Version, ErrPayload)
	}
	var items []Item
	got := map[string]int{}
	for sc.Scan() {
		if len(items) == maxItems {
			return h, nil, fmt.Errorf("more than %d records: %w", maxItems, ErrPayload)
		}
		var it Item
		if err := strictJSON(sc.Bytes(), &it); err != nil {
			return h, nil, fmt.Errorf("line %d: %w: %w", len(items)+2, ErrPayload, err)
		}
		if it.Kind == "" || len(it.Record) == 0 {
			return h, nil, fmt.Errorf("line %d: no kind or record: %w", len(items)+2, ErrPayload)
		}
		got[it.Kind]++
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return h, nil, fmt.Errorf("line %d: %w: %w", len(items)+2, ErrPayload, err)
	}
	if len(got) != len(h.Counts) {
		return h, nil, fmt.Errorf("counts %v, header says %v: %w", got, h.Counts, ErrPayload)
	}
	for k, n := range h.Counts {
		if got[k] != n {
			return h, nil, fmt.Errorf("counts %v, header says %v: %w", got, h.Counts, ErrPayload)
		}
	}
	return h, items, nil
}

// strictJSON decodes one JSON object into v, refusing unknown fields,
// invalid UTF-8 and anything after the object.
func strictJSON(line []byte, v any) error {
	if !utf8.Valid(line) {
		return errors.New("not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one value on the line")
	}
	return nil
}
