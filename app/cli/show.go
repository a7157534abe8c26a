package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// field is one key of a record as `show` writes it; fields keep the order
// they are shown in, and encode as a JSON object in that order.
type field struct {
	key   string
	value any // string, json.Number, bool, nil, []any or fields
}

type fields []field

// MarshalJSON writes the fields as one object, in order.
func (fs fields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// get returns the value of key.
func (fs fields) get(key string) (any, bool) {
	for _, f := range fs {
		if f.key == key {
			return f.value, true
		}
	}
	return nil, false
}

// recordFields turns a record into its fields in the order people read it
// (sheetOrder), its case part under "case" (the record types keep it out
// of their own JSON).
func recordFields(rec any) (fields, error) {
	fs, err := orderedJSON(rec)
	if err != nil {
		return nil, err
	}
	v := reflect.ValueOf(rec)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if f := v.FieldByName("Case"); f.IsValid() && !f.IsNil() {
		cf, err := orderedJSON(f.Interface())
		if err != nil {
			return nil, err
		}
		fs = append(fs, field{"case", cf})
	}
	id, _ := fs.get("id")
	kind, _ := record.KindOfID(fmt.Sprint(id))
	return inOrder(fs, sheetOrder[kind]), nil
}

// orderedJSON encodes v and decodes it again keeping the order of its keys
// (the order of the struct's fields).
func orderedJSON(v any) (fields, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	out, err := decodeValue(dec)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	fs, ok := out.(fields)
	if !ok {
		return nil, errors.New("encode record: not an object")
	}
	return fs, nil
}

// decodeValue reads one JSON value: objects become fields, arrays []any.
func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch d {
	case '{':
		fs := fields{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			fs = append(fs, field{fmt.Sprint(k), v})
		}
		_, err := dec.Token()
		return fs, err
	case '[':
		vs := []any{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
		_, err := dec.Token()
		return vs, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// metaKeys close every record: its version and who wrote it when.
var metaKeys = []string{"rev", "created_at", "created_by", "updated_at", "updated_by"}

// sheetOrder is the order of the fields of a kind after its id: a
// consultation in the order of its 相談票 (header, business, check groups,
// loan, texts), a business and a reservation in the order of their blocks
// on the printed sheets. Fields not named follow in the order of the
// record type, then metaKeys.
var sheetOrder = map[record.Kind][]string{
	record.KindConsultation: {"date", "consultant_id", "start", "end", "minutes", "venue_id", "mode",
		"business_id", "category", "case", "status", "reservation_id"},
	record.KindBusiness: {"name", "kana", "contact", "phone", "email", "postal", "prefecture", "city", "address",
		"ward", "industry", "employees", "category", "form", "rep_name", "rep_kana", "case", "note", "merged_into"},
	record.KindReservation: {"received_on", "received_by", "date", "venue_id", "start", "end", "consultant_id",
		"channel", "walk_in", "business_id", "checks", "status", "note"},
}

// inOrder puts id first, then the keys of order, the rest, and metaKeys.
func inOrder(fs fields, order []string) fields {
	rank := func(k string) int {
		switch i := slices.Index(order, k); {
		case k == "id":
			return 0
		case i >= 0:
			return 1 + i
		case slices.Contains(metaKeys, k):
			return 2 + len(order) + slices.Index(metaKeys, k)
		}
		return 1 + len(order)
	}
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b field) int { return rank(a.key) - rank(b.key) })
	return out
}

// recordNames finds the names of the businesses, staff, venues and support
// programs a record refers to by id. What the person may not read, or
// what no longer exists, keeps its id.
func recordNames(ctx context.Context, o *office.Office, s *office.Session, fs fields) map[string]string {
	var ids []string
	walkStrings(fs, func(v string) {
		if k, ok := record.KindOfID(v); ok && slices.Contains([]record.Kind{record.KindBusiness, record.KindStaff,
			record.KindVenue, record.KindProgram}, k) {
			ids = append(ids, v)
		}
	})
	names := map[string]string{}
	if len(ids) == 0 {
		return names
	}
	if m, err := o.Names(ctx, s); err == nil {
		for id, n := range m {
			names[id] = n
		}
	}
	if ps, err := o.Programs(ctx, s); err == nil {
		for _, p := range ps {
			names[p.ID] = p.Name
		}
	}
	var businesses []string
	for _, id := range ids {
		if k, _ := record.KindOfID(id); k == record.KindBusiness {
			businesses = append(businesses, id)
		}
	}
	if len(businesses) > 0 {
		if m, err := o.BusinessNames(ctx, s, businesses); err == nil {
			for id, n := range m {
				names[id] = n
			}
		}
	}
	return names
}

// walkStrings calls fn for every string value in fs, nested ones too.
func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case fields:
		for _, f := range x {
			walkStrings(f.value, fn)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	}
}

// withNames adds after each field that refers to a record by id the name of
// that record (business_id → business_name, programs → program_names), for
// JSON output, which keeps the ids.
func withNames(fs fields, names map[string]string) fields {
	out := make(fields, 0, len(fs))
	for _, f := range fs {
		if sub, ok := f.value.(fields); ok {
			f.value = withNames(sub, names)
		}
		out = append(out, f)
		key := nameKey(f.key)
		if _, taken := fs.get(key); key == "" || taken {
			continue
		}
		switch v := f.value.(type) {
		case string:
			if n, ok := names[v]; ok {
				out = append(out, field{key, n})
			}
		case []any:
			ns := make([]any, 0, len(v))
			for _, e := range v {
				if n, ok := names[fmt.Sprint(e)]; ok {
					ns = append(ns, n)
				}
			}
			if len(ns) > 0 {
				out = append(out, field{key, ns})
			}
		}
	}
	return out
}

// nameKey is the key of the name beside an id field: "venue_id" →
// "venue_name", "programs" → "program_names", "merged_into" →
// "merged_into_name"; "" for a field that holds no id of a named record.
func nameKey(key string) string {
	switch {
	case key == "programs":
		return "program_names"
	case key == "merged_into":
		return "merged_into_name"
	case strings.HasSuffix(key, "_id") && key != "reservation_id" && key != "seminar_id":
		return strings.TrimSuffix(key, "_id") + "_name"
	}
	return ""
}
