package compiler

import (
	"reflect"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// fill sets every field reachable from v to a non-zero value (so a field the codec
// forgot, now or after someone adds one to manifest.Node, fails the round trip).
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + v.Type().Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(-42)
	case reflect.Float64:
		v.SetFloat(2.5)
	case reflect.Pointer:
		if depth > 4 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), depth+1)
		v.Set(s) // the second element stays zero
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, depth+1)
		m.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), e)
		m.SetMapIndex(reflect.ValueOf("zero").Convert(v.Type().Key()), reflect.New(v.Type().Elem()).Elem())
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), depth+1)
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf(map[string]any{
			"str": "x", "t": true, "f": false, "int": 3, "int64": int64(-9), "float": 1.5, "nil": nil,
			"list": []any{"a", 1, nil, []any{}}, "emptymap": map[string]any{}, "nilmap": map[string]any(nil),
			"strings": []string{"p", "q"}, "nillist": []any(nil),
		}))
	}
}

func TestParseCodecRoundTrip(t *testing.T) {
	var n manifest.Node
	fill(reflect.ValueOf(&n).Elem(), 0)
	empty := &manifest.Node{Columns: map[string]*manifest.Column{}, Tags: []string{}, Meta: map[string]any{}}
	pns := []*parsedNode{
		{n: &n, refs: []refCall{{args: manifest.RefArgs{Name: "a", Version: int64(2)}, file: "f", pos: 7}}, sources: []sourceCall{{source: "s", table: "t", file: "f", pos: 9}}, macros: []string{"macro.x.y"}},
		{n: empty},
	}
	data, ok := encodeParsed(pns)
	if !ok {
		t.Fatal("a manifest node could not be encoded")
	}
	f := &SourceFile{Path: "models/a.sql", Contents: []byte("select 1"), Package: &Package{Name: "p"}}
	got, ok := decodeParsed(data, f)
	if !ok || len(got) != 2 {
		t.Fatalf("decode: ok=%v, %d nodes", ok, len(got))
	}
	if !reflect.DeepEqual(got[0].n, &n) {
		t.Errorf("node changed in the round trip:\n got %#v\nwant %#v", got[0].n, &n)
	}
	if !reflect.DeepEqual(got[1].n, empty) || got[1].n.Columns == nil || got[1].n.Tags == nil || got[1].n.Refs != nil {
		t.Errorf("nil and empty were not kept apart: %#v", got[1].n)
	}
	if !reflect.DeepEqual(got[0].refs, pns[0].refs) || !reflect.DeepEqual(got[0].sources, pns[0].sources) || !reflect.DeepEqual(got[0].macros, pns[0].macros) {
		t.Errorf("captures changed: %+v %+v %v", got[0].refs, got[0].sources, got[0].macros)
	}
	if got[0].src != "select 1" || got[0].file != f.DisplayPath() {
		t.Errorf("source not restored from the file: %q %q", got[0].src, got[0].file)
	}
	// Every truncation is rejected, never half-decoded.
	for i := 0; i < len(data); i++ {
		if _, ok := decodeParsed(data[:i], f); ok {
			t.Fatalf("a state cut at byte %d of %d decoded", i, len(data))
		}
	}
	// A config value of a type the codec does not know makes the file uncacheable.
	odd := &manifest.Node{Config: map[string]any{"x": struct{ A int }{1}}}
	if _, ok := encodeParsed([]*parsedNode{{n: odd}}); ok {
		t.Error("an unknown config value type was encoded")
	}
}
