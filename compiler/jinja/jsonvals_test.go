package jinja

import (
	"encoding/json"
	"strings"
	"testing"
)

// decodeJSON decodes JSON into engine values keeping object key order (as Python does).
func decodeJSON(t testing.TB, s string) Value {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func decodeValue(dec *json.Decoder) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		switch x {
		case '{':
			d := NewDict()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				d.Set(k.(string), v)
			}
			_, err := dec.Token()
			return d, err
		case '[':
			l := &List{Items: []Value{}}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l.Items = append(l.Items, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		return f, err
	case string, bool, nil:
		return x, nil
	}
	return nil, nil
}

// varsOf turns a decoded JSON object into Context.Vars.
func varsOf(v Value) map[string]Value {
	out := map[string]Value{}
	d := v.(*Dict)
	for i, k := range d.keys {
		out[k.(string)] = d.vals[i]
	}
	return out
}
