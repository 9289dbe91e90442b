package jinja

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// The pprint filter is Python's pprint.pformat(value) (width 80, indent 1, dicts sorted):
// a value whose one-line repr is wider than what is left of the line is broken up, a dict
// one item per line, a list or tuple one element per line, a str into several literals at
// line breaks and word boundaries (pprint.py PrettyPrinter._format and its _pprint_*
// methods, CPython 3.11). Only exact dicts, lists, tuples and strs break; everything else
// (Markup, ranges, objects) stays its repr.

const pprintWidth = 80

// pformat is pprint.pformat(v).
func pformat(v Value) string {
	var b strings.Builder
	pp := &pprinter{b: &b, active: map[any]bool{}}
	pp.format(sortedDicts(v, map[any]Value{}), 0, 0, 0)
	return b.String()
}

type pprinter struct {
	b      *strings.Builder
	active map[any]bool // containers being printed (PrettyPrinter._format's context)
	ids    map[any]int  // made-up ids for "<Recursion on list with id=…>"
}

// id numbers the containers a recursion is shown for (CPython shows their address).
func (pp *pprinter) id(k any) int {
	if pp.ids == nil {
		pp.ids = map[any]int{}
	}
	if _, ok := pp.ids[k]; !ok {
		pp.ids[k] = 140000000000000 + 64*len(pp.ids)
	}
	return pp.ids[k]
}

// format is PrettyPrinter._format. v has its dicts sorted already.
func (pp *pprinter) format(v Value, indent, allowance, level int) {
	switch x := v.(type) {
	case *List, *Dict:
		if pp.active[x] {
			pp.b.WriteString(fmt.Sprintf("<Recursion on %s with id=%d>", typeName(x), pp.id(x)))
			return
		}
	}
	rep := pp.repr(v)
	if utf8.RuneCountInString(rep) <= pprintWidth-indent-allowance {
		pp.b.WriteString(rep)
		return
	}
	switch x := v.(type) {
	case *Dict:
		pp.active[x] = true
		pp.dict(x, indent, allowance, level+1)
		delete(pp.active, x)
		return
	case *List:
		pp.active[x] = true
		pp.b.WriteByte('[')
		pp.items(x.Items, indent, allowance+1, level+1)
		pp.b.WriteByte(']')
		delete(pp.active, x)
		return
	case Tuple:
		end := ")"
		if len(x) == 1 {
			end = ",)"
		}
		pp.b.WriteByte('(')
		pp.items(x, indent, allowance+len(end), level+1)
		pp.b.WriteString(end)
		return
	case string:
		pp.str(x, rep, indent, allowance, level+1)
		return
	}
	pp.b.WriteString(rep)
}

// repr is PrettyPrinter._repr (_safe_repr): repr, but a container met again inside itself,
// or one being printed around it, shows as "<Recursion on list with id=…>".
func (pp *pprinter) repr(v Value) string {
	var b strings.Builder
	pp.safeRepr(&b, v, map[any]bool{})
	return b.String()
}

func (pp *pprinter) safeRepr(b *strings.Builder, v Value, ctx map[any]bool) {
	switch x := v.(type) {
	case *List, *Dict:
		if pp.active[x] || ctx[x] {
			fmt.Fprintf(b, "<Recursion on %s with id=%d>", typeName(x), pp.id(x))
			return
		}
	}
	switch x := v.(type) {
	case *Dict:
		ctx[x] = true
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			pp.safeRepr(b, k, ctx)
			b.WriteString(": ")
			pp.safeRepr(b, x.vals[i], ctx)
		}
		b.WriteByte('}')
		delete(ctx, x)
	case *List:
		ctx[x] = true
		b.WriteByte('[')
		pp.itemsRepr(b, x.Items, ctx)
		b.WriteByte(']')
		delete(ctx, x)
	case Tuple:
		b.WriteByte('(')
		pp.itemsRepr(b, x, ctx)
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	default:
		b.WriteString(repr(v))
	}
}

// itemsRepr writes items separated by ", ".
func (pp *pprinter) itemsRepr(b *strings.Builder, items []Value, ctx map[any]bool) {
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		pp.safeRepr(b, it, ctx)
	}
}

// dict is _pprint_dict and _format_dict_items.
func (pp *pprinter) dict(d *Dict, indent, allowance, level int) {
	pp.b.WriteByte('{')
	allowance++
	indent++
	for i, k := range d.keys {
		last := i == len(d.keys)-1
		rep := pp.repr(k)
		pp.b.WriteString(rep)
		pp.b.WriteString(": ")
		a := 1
		if last {
			a = allowance
		}
		pp.format(d.vals[i], indent+utf8.RuneCountInString(rep)+2, a, level)
		if !last {
			pp.b.WriteString(",\n")
			pp.b.WriteString(strings.Repeat(" ", indent))
		}
	}
	pp.b.WriteByte('}')
}

// items is _format_items (not compact).
func (pp *pprinter) items(items []Value, indent, allowance, level int) {
	indent++
	for i, it := range items {
		if i > 0 {
			pp.b.WriteString(",\n")
			pp.b.WriteString(strings.Repeat(" ", indent))
		}
		a := 1
		if i == len(items)-1 {
			a = allowance
		}
		pp.format(it, indent, a, level)
	}
}

// str is _pprint_str: each line (kept ends) one literal if it fits, else split after runs
// of whitespace (re.findall(r'\S*\s*', line)); at the top level the literals are
// parenthesized.
func (pp *pprinter) str(s, rep string, indent, allowance, level int) {
	if s == "" {
		pp.b.WriteString(rep)
		return
	}
	if level == 1 {
		indent++
		allowance++
	}
	maxWidth := pprintWidth - indent
	maxWidth1 := maxWidth
	lines := pySplitLines(s, true)
	var chunks []string
	for i, line := range lines {
		rep = repr(line)
		lastLine := i == len(lines)-1
		if lastLine {
			maxWidth1 -= allowance
		}
		if utf8.RuneCountInString(rep) <= maxWidth1 {
			chunks = append(chunks, rep)
			continue
		}
		parts := spaceParts(line)
		maxWidth2 := maxWidth
		current := ""
		for j, part := range parts {
			candidate := current + part
			if j == len(parts)-1 && lastLine {
				maxWidth2 -= allowance
			}
			if utf8.RuneCountInString(repr(candidate)) > maxWidth2 {
				if current != "" {
					chunks = append(chunks, repr(current))
				}
				current = part
			} else {
				current = candidate
			}
		}
		if current != "" {
			chunks = append(chunks, repr(current))
		}
	}
	if len(chunks) == 1 {
		pp.b.WriteString(rep)
		return
	}
	if level == 1 {
		pp.b.WriteByte('(')
	}
	for i, c := range chunks {
		if i > 0 {
			pp.b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		pp.b.WriteString(c)
	}
	if level == 1 {
		pp.b.WriteByte(')')
	}
}

// spaceParts is re.findall(r'\S*\s*', s) without its final empty match: runs of
// non-whitespace each with the whitespace after it.
func spaceParts(s string) []string {
	var parts []string
	for s != "" {
		i := strings.IndexFunc(s, pyIsSpace)
		if i < 0 {
			parts = append(parts, s)
			break
		}
		j := len(s) - len(strings.TrimLeftFunc(s[i:], pyIsSpace))
		parts = append(parts, s[:j])
		s = s[j:]
	}
	return parts
}

// sortedDicts copies v with every dict's keys in pprint's order; a container met again
// (a recursive value) maps to the same copy, so the copy recurses where v does.
func sortedDicts(v Value, seen map[any]Value) Value {
	switch x := v.(type) {
	case *Dict:
		if c, ok := seen[x]; ok {
			return c
		}
		d := NewDict()
		seen[x] = d
		keys := append([]Value(nil), x.keys...)
		safeKeySort(keys)
		for _, k := range keys {
			val, _ := x.Get(k)
			d.Set(k, sortedDicts(val, seen))
		}
		return d
	case *List:
		if c, ok := seen[x]; ok {
			return c
		}
		out := &List{Items: make([]Value, len(x.Items))}
		seen[x] = out
		for i, it := range x.Items {
			out.Items[i] = sortedDicts(it, seen)
		}
		return out
	case Tuple:
		out := make(Tuple, len(x))
		for i, it := range x {
			out[i] = sortedDicts(it, seen)
		}
		return out
	}
	return v
}

// safeKeySort orders dict keys as pprint's _safe_key: by "<" where the two compare, else
// by the text of their types ("<class 'int'>" before "<class 'str'>"), else as they were.
func safeKeySort(keys []Value) {
	sort.SliceStable(keys, func(i, j int) bool {
		if c, ok := compare(keys[i], keys[j]); ok {
			return c < 0
		}
		return classText(keys[i]) < classText(keys[j])
	})
}

// classText is str(type(v)) for the values that can be dict keys.
func classText(v Value) string {
	switch v.(type) {
	case Markup:
		return "<class 'markupsafe.Markup'>"
	case *Undefined:
		return "<class 'jinja2.runtime.Undefined'>"
	case *Namespace:
		return "<class 'jinja2.utils.Namespace'>"
	case *macroValue:
		return "<class 'jinja2.runtime.Macro'>"
	}
	return "<class '" + typeName(v) + "'>"
}
