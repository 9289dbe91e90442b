package compiler

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
)

// The parse state stores parsed nodes in a compact binary form written by reflection over
// the manifest types: every exported field in declaration order, nil kept apart from
// empty, and interface values tagged with their dynamic type. It round-trips exactly what
// a parse produced (TestParseCodecRoundTrip fills every field), and a value of a type it
// does not know makes the file uncacheable rather than stored approximately. It is about
// ten times faster than encoding/gob here, whose per-stream type descriptions cost more
// than parsing a small model again.

var errCodec = errors.New("parse state codec: unsupported value")

// skipField reports a field tagged `state:"-"`: one the owner of the stored value restores
// itself after decoding (a property file's *SourceFile, its config-key uses), instead of the
// codec storing it.
func skipField(f reflect.StructField) bool { return f.Tag.Get("state") == "-" }

// Tags of interface values.
const (
	tagNil byte = iota
	tagString
	tagFalse
	tagTrue
	tagInt
	tagInt64
	tagFloat64
	tagList    // []any
	tagMap     // map[string]any
	tagStrings // []string
)

// stateEncoder writes the codec's bytes to b. With sorted set, map entries are written in
// key order, so that equal values encode to equal bytes (the manifest writer's fragment keys,
// artifacts_reuse.go); the parse state does not need it.
type stateEncoder struct {
	b      []byte
	sorted bool
}

func (e *stateEncoder) uvarint(u uint64) { e.b = binary.AppendUvarint(e.b, u) }
func (e *stateEncoder) varint(i int64)   { e.b = binary.AppendVarint(e.b, i) }
func (e *stateEncoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }

// value writes v (of a static type) by reflection.
func (e *stateEncoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		e.str(v.String())
	case reflect.Bool:
		if v.Bool() {
			e.b = append(e.b, 1)
		} else {
			e.b = append(e.b, 0)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		e.varint(v.Int())
	case reflect.Float64:
		e.uvarint(math.Float64bits(v.Float()))
	case reflect.Pointer:
		if v.IsNil() {
			e.b = append(e.b, 0)
			return nil
		}
		e.b = append(e.b, 1)
		return e.value(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		for i := 0; i < v.Len(); i++ {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return errCodec
		}
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		if m, ok := v.Interface().(map[string]any); ok && e.sorted {
			return e.sortedAnyMap(m) // most maps of a node: without reflection
		}
		if e.sorted {
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				e.str(k.String())
				if err := e.value(v.MapIndex(k)); err != nil {
					return err
				}
			}
			return nil
		}
		it := v.MapRange()
		for it.Next() {
			e.str(it.Key().String())
			if err := e.value(it.Value()); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if skipField(t.Field(i)) {
				continue
			}
			if !t.Field(i).IsExported() {
				return fmt.Errorf("%w: unexported field %s.%s", errCodec, t.Name(), t.Field(i).Name)
			}
			if err := e.value(v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Interface:
		if v.IsNil() {
			e.b = append(e.b, tagNil)
			return nil
		}
		return e.dynamic(v.Interface())
	default:
		return fmt.Errorf("%w: %s", errCodec, v.Type())
	}
	return nil
}

// sortedAnyMap writes m's entries in key order (the count is written by the caller).
func (e *stateEncoder) sortedAnyMap(m map[string]any) error {
	var scratch [16]string
	keys := scratch[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e.str(k)
		if err := e.dynamic(m[k]); err != nil {
			return err
		}
	}
	return nil
}

// dynamic writes an interface value with its type tag.
func (e *stateEncoder) dynamic(x any) error {
	switch x := x.(type) {
	case nil:
		e.b = append(e.b, tagNil)
	case string:
		e.b = append(e.b, tagString)
		e.str(x)
	case bool:
		if x {
			e.b = append(e.b, tagTrue)
		} else {
			e.b = append(e.b, tagFalse)
		}
	case int:
		e.b = append(e.b, tagInt)
		e.varint(int64(x))
	case int64:
		e.b = append(e.b, tagInt64)
		e.varint(x)
	case float64:
		e.b = append(e.b, tagFloat64)
		e.uvarint(math.Float64bits(x))
	case []any:
		e.b = append(e.b, tagList)
		return e.value(reflect.ValueOf(x))
	case map[string]any:
		e.b = append(e.b, tagMap)
		return e.value(reflect.ValueOf(x))
	case []string:
		e.b = append(e.b, tagStrings)
		return e.value(reflect.ValueOf(x))
	default:
		return fmt.Errorf("%w: %T", errCodec, x)
	}
	return nil
}

type stateDecoder struct {
	b   []byte
	err error
}

func (d *stateDecoder) fail() {
	if d.err == nil {
		d.err = errors.New("parse state codec: truncated or corrupt data")
	}
	d.b = nil
}

func (d *stateDecoder) uvarint() uint64 {
	u, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return u
}

func (d *stateDecoder) varint() int64 {
	i, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return i
}

func (d *stateDecoder) byte1() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *stateDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// count reads a nil-or-length prefix: -1 for nil.
func (d *stateDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b))+1 { // every element takes at least one byte
		d.fail()
		return -1
	}
	return int(n) - 1
}

// value reads into v (settable, of the static type the stateEncoder saw).
func (d *stateDecoder) value(v reflect.Value) {
	if d.err != nil {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(d.str())
	case reflect.Bool:
		v.SetBool(d.byte1() == 1)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(d.varint())
	case reflect.Float64:
		v.SetFloat(math.Float64frombits(d.uvarint()))
	case reflect.Pointer:
		if d.byte1() == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		d.value(p.Elem())
		v.Set(p)
	case reflect.Slice:
		n := d.count()
		if n < 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n && d.err == nil; i++ {
			d.value(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		n := d.count()
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		et := v.Type().Elem()
		for i := 0; i < n && d.err == nil; i++ {
			k := d.str()
			ev := reflect.New(et).Elem()
			d.value(ev)
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
		}
		v.Set(m)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField() && d.err == nil; i++ {
			if !skipField(t.Field(i)) {
				d.value(v.Field(i))
			}
		}
	case reflect.Interface:
		if x := d.dynamic(); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.fail()
	}
}

// dynamic reads a tagged interface value.
func (d *stateDecoder) dynamic() any {
	switch d.byte1() {
	case tagNil:
		return nil
	case tagString:
		return d.str()
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return int(d.varint())
	case tagInt64:
		return d.varint()
	case tagFloat64:
		return math.Float64frombits(d.uvarint())
	case tagList:
		var l []any
		d.value(reflect.ValueOf(&l).Elem())
		return l
	case tagMap:
		var m map[string]any
		d.value(reflect.ValueOf(&m).Elem())
		return m
	case tagStrings:
		var s []string
		d.value(reflect.ValueOf(&s).Elem())
		return s
	}
	d.fail()
	return nil
}
