package migrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// MappingFormat and MappingVersion identify a mapping file (docs/FORMATS.md).
const (
	MappingFormat  = "madoguchi-import-mapping"
	MappingVersion = 1
)

// Mapping says which field each column of a file fills. Columns are named
// by their header text, so a file whose columns moved still maps; a header
// mapped to "" is left out on purpose.
type Mapping struct {
	Format  string            `json:"format"`
	Version int               `json:"version"`
	Kind    record.Kind       `json:"kind"`
	Columns map[string]string `json:"columns"` // header → field key ("" = not imported)
}

func errMapping(msg, en string) error {
	return &record.FieldError{Field: "対応表", Msg: msg, En: "Mapping: " + en}
}

// AutoMapping maps every header that is a business field's Japanese name
// (or a common other name of it) to that field; the first such column
// wins.
func AutoMapping(headers []string) Mapping { return AutoMappingOf(record.KindBusiness, headers) }

// AutoMappingOf is AutoMapping for records of kind k.
func AutoMappingOf(kind record.Kind, headers []string) Mapping {
	m := NewMapping()
	m.Kind = kind
	taken := map[string]bool{}
	for _, h := range headers {
		if _, seen := m.Columns[h]; seen || h == "" {
			continue
		}
		k, ok := lookupAliasOf(kind, h)
		if !ok || taken[k] {
			m.Columns[h] = ""
			continue
		}
		taken[k] = true
		m.Columns[h] = k
	}
	return m
}

// NewMapping returns an empty mapping for businesses.
func NewMapping() Mapping {
	return Mapping{Format: MappingFormat, Version: MappingVersion, Kind: record.KindBusiness, Columns: map[string]string{}}
}

// Check refuses a mapping of another format, version or kind, a field
// that does not exist, and a field filled by two columns.
func (m Mapping) Check() error {
	if m.Format != MappingFormat {
		return errMapping("対応表のファイルではありません。", "this is not a mapping file.")
	}
	if m.Version != MappingVersion {
		return errMapping(fmt.Sprintf("対応表の版 %d は読めません（この版で読めるのは %d です）。", m.Version, MappingVersion),
			fmt.Sprintf("version %d cannot be read (this version reads %d).", m.Version, MappingVersion))
	}
	if len(FieldsOf(m.Kind)) == 0 {
		return errMapping("対応表の記録の種類が読めません（取り込めるのは事業者、予約、相談記録です）。",
			"its kind of record cannot be read (businesses, reservations and consultations can be imported).")
	}
	used := map[string]string{}
	for _, h := range m.headers() {
		k := m.Columns[h]
		if k == "" {
			continue
		}
		if _, ok := FieldOf(m.Kind, k); !ok {
			return errMapping(fmt.Sprintf("対応表の列「%s」の項目 %q がありません。", h, k),
				fmt.Sprintf("column %q maps to %q, which is not a field.", h, k))
		}
		if other, dup := used[k]; dup {
			f, _ := FieldOf(m.Kind, k)
			return errMapping(fmt.Sprintf("列「%s」と「%s」が同じ項目「%s」になっています。", other, h, f.Label),
				fmt.Sprintf("columns %q and %q both map to %s.", other, h, record.LabelEnglish(f.Label)))
		}
		used[k] = h
	}
	return nil
}

// headers returns the mapped headers in a fixed order.
func (m Mapping) headers() []string {
	hs := make([]string, 0, len(m.Columns))
	for h := range m.Columns {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	return hs
}

// ParseMapping decodes and checks a mapping file.
func ParseMapping(b []byte) (Mapping, error) {
	var m Mapping
	if err := json.Unmarshal(b, &m); err != nil {
		return Mapping{}, errMapping("対応表のファイルが読めません（JSON の形が正しくありません）。", "the file cannot be read (it is not well-formed JSON).")
	}
	if m.Columns == nil {
		m.Columns = map[string]string{}
	}
	return m, m.Check()
}

// LoadMapping reads a mapping file.
func LoadMapping(path string) (Mapping, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Mapping{}, errMapping("対応表のファイル "+path+" がありません。", "there is no file "+path+".")
	}
	if err != nil {
		return Mapping{}, fmt.Errorf("read mapping: %w", err)
	}
	return ParseMapping(b)
}

// Marshal encodes the mapping as an indented JSON file.
func (m Mapping) Marshal() ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode mapping: %w", err)
	}
	return append(b, '\n'), nil
}

// Save writes the mapping file (0600: headers can say much about a list).
func (m Mapping) Save(path string) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("write mapping: %w", err)
	}
	return nil
}

// columnsOf returns, for each header index of t, the field it fills (nil
// when none).
func (m Mapping) columnsOf(headers []string) []*Field {
	out := make([]*Field, len(headers))
	seen := map[string]bool{}
	for i, h := range headers {
		k := m.Columns[h]
		if k == "" || seen[k] {
			continue
		}
		if f, ok := FieldOf(m.Kind, k); ok {
			seen[k] = true
			out[i] = &f
		}
	}
	return out
}
