package jinja

import (
	"fmt"
	"hash/fnv"
)

// Several of Jinja2's filters are Python generators (filters.py: map, select, reject,
// selectattr, rejectattr, unique, batch, slice, items) and reverse returns an iterator
// (reversed(value)), so what they give is not a list until something consumes it:
//
//   - it prints as its repr, `<generator object sync_do_map at 0x…>`;
//   - it is always true (`{% if cols|select('x') %}` takes the branch even when nothing
//     is selected) and has no len (|length raises TypeError);
//   - it is consumed once: a second loop over the same variable sees nothing, |first takes
//     one item and leaves the rest, `in` stops at the first match;
//   - it is neither a sequence nor reversible (|last raises TypeError), and |list, |join,
//     loops and the other consumers see its items.
//
// The engine computes the items when the filter runs (its filters have no side effects),
// so a generator that fails on an item fails where it is made rather than where it is
// consumed, and a generator over another generator consumes that one at once.
type genVal struct {
	repr  string // "generator object sync_do_map", "list_reverseiterator object", …
	typ   string // type(g).__name__: "generator", "list_reverseiterator", …
	items []Value
	pos   int   // items before pos are consumed
	err   error // raised when the items are exhausted: the generator function failed
}

// newGen is the generator a generator function fn of filters.py returns.
func newGen(fn string, items []Value) *genVal {
	return &genVal{repr: "generator object " + fn, typ: "generator", items: items}
}

// newIter is a built-in iterator of type typ (reversed(value)).
func newIter(typ string, items []Value) *genVal {
	return &genVal{repr: typ + " object", typ: typ, items: items}
}

// JinjaString implements Stringer: the generator's repr. Its address is made from its
// name, so that a render is reproducible (as builtinMethod's are).
func (g *genVal) JinjaString() string {
	h := fnv.New32a()
	h.Write([]byte(g.repr))
	return fmt.Sprintf("<%s at 0x7f%010x>", g.repr, uint64(h.Sum32())<<4)
}

// JinjaTypeName implements TypeNamer.
func (g *genVal) JinjaTypeName() string { return g.typ }

// JinjaIter implements Iterable: the items not consumed yet, which this consumes; it
// raises (panics with) the generator's error, once, as the consumer would meet it.
func (g *genVal) JinjaIter() []Value {
	rest := g.items[g.pos:]
	g.pos = len(g.items)
	g.raise()
	return rest
}

// next is Python's next(g): the next item, ok false when g is exhausted.
func (g *genVal) next() (Value, bool) {
	if g.pos >= len(g.items) {
		g.raise()
		return nil, false
	}
	g.pos++
	return g.items[g.pos-1], true
}

// raise raises the generator's error, if any; a generator that raised is finished.
func (g *genVal) raise() {
	if err := g.err; err != nil {
		g.err = nil
		panic(err)
	}
}

// lazy runs the body of generator function fn (filters.py) now: Python runs it only when
// the generator is consumed, so an error the body raises (bad input or arguments) is kept
// for the consumer, after the items in *partial (those yielded before it; partial may be
// nil), and a generator nobody consumes renders as its repr without failing.
func lazy(fn string, partial *[]Value, body func() (Value, error)) (Value, error) {
	v, err := guard(body)
	if err != nil {
		g := newGen(fn, nil)
		if partial != nil {
			g.items = *partial
		}
		g.err = err
		return g, nil
	}
	return v, nil
}

// reversedOf is reversed(v) as do_reverse calls it for a value that is not a str: an
// iterator over a list, tuple, dict (its keys), dict view or range; ok false when v is
// not reversible (do_reverse then reverses list(v)).
func reversedOf(v Value) (*genVal, bool) {
	var typ string
	switch x := v.(type) {
	case *List:
		typ = "list_reverseiterator"
	case Tuple, *Undefined, bytesVal:
		typ = "reversed"
	case *Dict:
		typ = "dict_reversekeyiterator"
	case rangeVal:
		typ = "range_iterator"
	case *dictView:
		typ = map[string]string{"dict_keys": "dict_reversekeyiterator", "dict_values": "dict_reversevalueiterator",
			"dict_items": "dict_reverseitemiterator"}[x.kind]
	}
	if typ == "" {
		return nil, false
	}
	items, _ := iterValues(v)
	out := make([]Value, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it
	}
	return newIter(typ, out), true
}
