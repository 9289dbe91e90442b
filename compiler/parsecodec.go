package compiler

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// The parse state stores parsed nodes in a compact binary form written by reflection over
// the manifest types: every exported field in declaration order, nil kept apart from
// empty, and interface values tagged with their dynamic type. It round-trips exactly what
// a parse produced (TestParseCodecRoundTrip fills every field), and a value of a type it
// does not know makes the file uncacheable rather than stored approximately. It is about
// ten times faster than encoding/gob here, whose per-stream type descriptions cost more
// than parsing a small model again.

var errCodec = errors.New("parse state codec: unsupported value")

// structPlan is the fields the codec writes of a struct type, in declaration order (looked
// up once per type: reflect.Type.Field was a tenth of encoding a node). A field tagged
// `state:"-"` is left out: its owner restores it after decoding (a property file's
// *SourceFile, its config-key uses). err is set when the type has an unexported field
// that is not left out.
type structPlan struct {
	fields []int
	err    error
}

var structPlans sync.Map // reflect.Type → *structPlan

func planOf(t reflect.Type) *structPlan {
	if p, ok := structPlans.Load(t); ok {
		return p.(*structPlan)
	}
	p := &structPlan{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Tag.Get("state") == "-" {
			continue
		}
		if !f.IsExported() {
			p.err = fmt.Errorf("%w: unexported field %s.%s", errCodec, t.Name(), f.Name)
			break
		}
		p.fields = append(p.fields, i)
	}
	structPlans.Store(t, p)
	return p
}

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
		plan := planOf(v.Type())
		if plan.err != nil {
			return plan.err
		}
		for _, i := range plan.fields {
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
	if n == 0 {
		return ""
	}
	// The string shares the stored bytes instead of copying them (a third of decoding a
	// node was allocating its strings): ParseCache.Lookup's data never changes.
	s := unsafe.String(&d.b[0], int(n))
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
		switch v.Type() {
		case stringsType:
			if l := d.strings(); l != nil {
				v.Set(reflect.ValueOf(l))
			}
			return
		case anyListType:
			if l := d.anyList(); l != nil {
				v.Set(reflect.ValueOf(l))
			}
			return
		}
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
		switch v.Type() {
		case anyMapType:
			if m := d.anyMap(); m != nil {
				v.Set(reflect.ValueOf(m))
			}
			return
		case stringMapType:
			n := d.count()
			if n < 0 {
				return
			}
			m := make(map[string]string, n)
			for i := 0; i < n && d.err == nil; i++ {
				k := d.str()
				m[k] = d.str()
			}
			v.Set(reflect.ValueOf(m))
			return
		}
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
		plan := planOf(v.Type())
		if plan.err != nil {
			d.fail()
			return
		}
		for _, i := range plan.fields {
			d.value(v.Field(i))
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
		if l := d.anyList(); l != nil {
			return l
		}
		return []any(nil)
	case tagMap:
		if m := d.anyMap(); m != nil {
			return m
		}
		return map[string]any(nil)
	case tagStrings:
		if l := d.strings(); l != nil {
			return l
		}
		return []string(nil)
	}
	d.fail()
	return nil
}

// The types the decoder reads without reflection (most values of a node).
var (
	stringsType   = reflect.TypeFor[[]string]()
	anyListType   = reflect.TypeFor[[]any]()
	anyMapType    = reflect.TypeFor[map[string]any]()
	stringMapType = reflect.TypeFor[map[string]string]()
)

// strings reads a []string (nil when it was nil or on bad data).
func (d *stateDecoder) strings() []string {
	n := d.count()
	if n < 0 {
		return nil
	}
	l := make([]string, n)
	for i := 0; i < n && d.err == nil; i++ {
		l[i] = d.str()
	}
	return l
}

// anyList reads a []any.
func (d *stateDecoder) anyList() []any {
	n := d.count()
	if n < 0 {
		return nil
	}
	l := make([]any, n)
	for i := 0; i < n && d.err == nil; i++ {
		l[i] = d.dynamic()
	}
	return l
}

// anyMap reads a map[string]any.
func (d *stateDecoder) anyMap() map[string]any {
	n := d.count()
	if n < 0 {
		return nil
	}
	m := make(map[string]any, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.str()
		m[k] = d.dynamic()
	}
	return m
}
