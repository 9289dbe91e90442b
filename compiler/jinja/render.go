package jinja

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// renderer is the state of one render: the environment, the host context, the template
// being executed (for positions) and the macro call stack (for error messages).
type renderer struct {
	env   *Env
	ctx   *Context
	t     *Template
	stack []callFrame
	pos   int // last position executed, for errors without a better one
	// konst is set while evaluating an output Jinja2 would constant-fold
	konst bool
	// callBuf is a chunk of Call values handed out by call()
	callBuf []Call
	// scopeBuf and valBuf are chunks that loop/macro scopes and argument slices are carved
	// from, so a render allocates them in batches. Carved memory is never reused, so a value
	// that outlives its call (a closure's scope, a retained args slice) stays valid.
	scopeBuf []scope
	valBuf   []Value
	// callN, scopeN and valN are the sizes of the last chunks carved from: chunks start
	// small and double up to a cap, since most renders (a generic test's one macro call)
	// use a few of each and a full chunk per render was an eighth of a compile's
	// allocations (bench/README.md §1 session 7).
	callN, scopeN, valN int
	// bufs is the free list of output buffers (see outBuf)
	bufs []*outBuf
}

// callFrame is one macro call on the render's stack; it becomes a Frame (with lines and
// columns, which cost a scan of the source) only when an error is built.
type callFrame struct {
	name    string
	defT    *Template
	defPos  int
	callT   *Template
	callPos int
}

func (f *callFrame) frame() Frame {
	dl, dc := lineCol(f.defT.Src, f.defPos)
	cl, cc := lineCol(f.callT.Src, f.callPos)
	return Frame{Macro: f.name, File: f.defT.File, Line: dl, Col: dc, CallFile: f.callT.File, CallLine: cl, CallCol: cc}
}

// smallScope returns a child scope carved from the render's scope chunk.
func (r *renderer) smallScope(parent *scope) *scope {
	if len(r.scopeBuf) == 0 {
		r.scopeN = nextChunk(r.scopeN, 2, 8)
		r.scopeBuf = make([]scope, r.scopeN)
	}
	s := &r.scopeBuf[0]
	r.scopeBuf = r.scopeBuf[1:]
	s.parent = parent
	s.names = s.inNames[:0]
	s.vals = s.inVals[:0]
	return s
}

// values returns an empty slice with capacity n carved from the render's value chunk;
// appending past n reallocates, so neighbours are never overwritten.
func (r *renderer) values(n int) []Value {
	if n > 16 {
		return make([]Value, 0, n)
	}
	if len(r.valBuf) < n {
		r.valN = nextChunk(r.valN, 16, 64)
		r.valBuf = make([]Value, r.valN)
	}
	v := r.valBuf[:0:n]
	r.valBuf = r.valBuf[n:]
	return v
}

// nextChunk is the size of a renderer's next chunk after one of size last: first, then
// doubling up to max.
func nextChunk(last, first, max int) int {
	if last == 0 {
		return first
	}
	return min(2*last, max)
}

// returnPanic unwinds to the enclosing macro call when a host function returns Return(v).
type returnPanic struct{ v Value }

// ctrl is the loop-control outcome of executing statements.
type ctrl uint8

const (
	ctrlNone ctrl = iota
	ctrlBreak
	ctrlContinue
)

const maxCallDepth = 300

func newRenderer(e *Env, ctx *Context, t *Template) *renderer {
	if ctx == nil {
		ctx = &Context{}
	}
	return &renderer{env: e, ctx: ctx, t: t}
}

// errAt builds an Error at pos of the current template with the current stack.
func (r *renderer) errAt(pos int, msg string) *Error {
	e := newError(r.t.File, r.t.Src, pos, msg)
	e.Stack = r.frames()
	return e
}

func (r *renderer) frames() []Frame {
	if len(r.stack) == 0 {
		return nil
	}
	out := make([]Frame, len(r.stack))
	for i := range r.stack {
		out[i] = r.stack[len(r.stack)-1-i].frame()
	}
	return out
}

func (r *renderer) fail(pos int, msg string) {
	panic(r.errAt(pos, msg))
}

// failErr wraps a Go error (from a host function or filter) with position and stack.
func (r *renderer) failErr(pos int, err error) {
	var je *Error
	if errors.As(err, &je) {
		panic(err)
	}
	if v, ok := ReturnValue(err); ok {
		panic(&returnPanic{v: v})
	}
	e := r.errAt(pos, err.Error())
	e.cause = err
	panic(e)
}

// recoverErr turns a panic into an error at a package boundary. Return signals are
// reported through ret.
func (r *renderer) recoverErr(p any) (err error, ret *returnPanic) {
	switch x := p.(type) {
	case *Error:
		return x, nil
	case *returnPanic:
		return nil, x
	case error:
		var je *Error
		if errors.As(x, &je) {
			return x, nil
		}
		if _, ok := x.(runtime.Error); ok {
			e := r.errAt(r.pos, "internal error: "+x.Error())
			e.cause = x
			return e, nil
		}
		e := r.errAt(r.pos, x.Error())
		e.cause = x
		return e, nil
	}
	return r.errAt(r.pos, fmt.Sprint("internal error: ", p)), nil
}

// exec runs statements, writing output to w.
func (r *renderer) exec(body []Node, sc *scope, w *outBuf) ctrl {
	for _, n := range body {
		switch x := n.(type) {
		case *TemplateData:
			w.WriteString(x.Text)
		case *Output:
			r.pos = x.Pos
			if x.konst {
				// visit_Output folds a constant output whatever its value, and falls
				// back to run time when folding raises (fold.go).
				if v, ok := r.asConst(x.X, sc); ok {
					r.writeValue(w, v)
					continue
				}
			}
			v := r.eval(x.X, sc)
			r.writeValue(w, v)
		case *If:
			done := false
			for i, c := range x.Conds {
				if Truthy(r.eval(c, sc)) {
					if c := r.exec(x.Bodies[i], sc, w); c != ctrlNone {
						return c
					}
					done = true
					break
				}
			}
			if !done && x.Else != nil {
				if c := r.exec(x.Else, sc, w); c != ctrlNone {
					return c
				}
			}
		case *For:
			r.pos = x.Pos
			if c := r.execFor(x, sc, w); c != ctrlNone {
				return c // a break or continue in the else: the enclosing loop's
			}
		case *Set:
			r.pos = x.Pos
			r.assign(x.Target, r.eval(x.Value, sc), sc)
		case *SetBlock:
			// Jinja2 renders the body inline in an inner frame (compiler.py
			// visit_AssignBlock): its sets stay inside, and a break or continue leaves
			// the enclosing loop without assigning.
			b := r.getBuf()
			if c := r.exec(x.Body, newScope(sc), b); c != ctrlNone {
				r.putBuf(b)
				return c
			}
			var v Value = r.bufString(b)
			if x.Filter != nil {
				v = r.applyFilterChain(x.Filter, v, sc)
			}
			r.assign(x.Target, v, sc)
		case *MacroNode:
			if x.Tag == "macro" {
				sc.set(x.Name, &macroValue{node: x, name: x.Name, params: x.Params, defaults: x.Defaults, body: x.Body, uses: x.uses, closure: sc, t: r.t, r: r, ctx: r.ctx})
			}
		case *BlockNode:
			// host blocks are rendered by the host through Template.Blocks.
		case *CallBlock:
			r.pos = x.Pos
			caller := &macroValue{name: "caller", params: x.Params, defaults: x.Defaults, body: x.Body, uses: x.uses, closure: sc, t: r.t, r: r, pos: x.Pos, ctx: r.ctx}
			v := r.evalCall(x.Call, sc, caller)
			r.writeValue(w, v)
		case *FilterBlock:
			// As a set block (compiler.py visit_FilterBlock): an inner frame, inline
			// loop control. The filter's result is written as it is, and joining the
			// output fails on anything but a string: when w's text is taken (outBuf.pend),
			// not if a break or continue discards w first.
			b := r.getBuf()
			if c := r.exec(x.Body, newScope(sc), b); c != ctrlNone {
				r.putBuf(b)
				return c
			}
			v := r.applyFilterChain(x.Filter, r.bufString(b), sc)
			switch v.(type) {
			case string, Markup:
			default:
				w.pend(x.Pos, "sequence item: expected str instance, "+typeName(v)+" found (the result of a filter block)")
			}
			r.writeValue(w, v)
		case *Do:
			r.pos = x.Pos
			r.eval(x.X, sc)
		case *Break:
			return ctrlBreak
		case *Continue:
			return ctrlContinue
		case *With:
			inner := newScope(sc)
			for i, t := range x.Targets {
				r.assign(t, r.eval(x.Values[i], sc), inner)
			}
			if c := r.exec(x.Body, inner, w); c != ctrlNone {
				return c
			}
		case *Scoped:
			if c := r.exec(x.Body, newScope(sc), w); c != ctrlNone {
				return c
			}
		case *Include:
			r.pos = x.Pos
			r.execInclude(x, sc, w)
		case *Import:
			r.pos = x.Pos
			mod := r.importModule(x.Template, sc, x.WithContext, x.Pos)
			sc.set(x.Target, mod)
		case *FromImport:
			r.pos = x.Pos
			mod := r.importModule(x.Template, sc, x.WithContext, x.Pos)
			for i, name := range x.Names {
				v, ok := mod.sc.lookup(name)
				if !ok || strings.HasPrefix(name, "_") {
					v = &Undefined{Name: name, hint: "the template " + pyQuote(mod.name) + " does not export the requested name " + pyQuote(name)}
				}
				sc.set(x.Aliases[i], v)
			}
		}
	}
	return ctrlNone
}

func (r *renderer) writeValue(w *outBuf, v Value) {
	switch s := v.(type) {
	case string:
		w.WriteString(s)
	case *Undefined:
	default:
		w.WriteString(ToString(v))
	}
}

// assign binds a set/for/with target.
func (r *renderer) assign(target Expr, v Value, sc *scope) {
	switch t := target.(type) {
	case *Name:
		sc.set(t.Name, v)
	case *TupleExpr:
		items := r.unpack(v, len(t.Items), t.Pos)
		for i, it := range t.Items {
			r.assign(it, items[i], sc)
		}
	case *GetAttr:
		nm := t.X.(*Name)
		obj := r.lookupName(nm.Name, sc, nm.Pos)
		ns, ok := obj.(*Namespace)
		if !ok {
			r.fail(t.Pos, "cannot assign attribute on non-namespace object")
		}
		ns.Attrs.Set(t.Name, v)
	default:
		r.fail(target.Offset(), "can't assign to expression")
	}
}

func (r *renderer) unpack(v Value, n int, pos int) []Value {
	items, ok := iterValues(v)
	if !ok {
		r.fail(pos, "cannot unpack non-iterable "+typeName(v)+" object")
	}
	if len(items) < n {
		r.fail(pos, fmt.Sprintf("not enough values to unpack (expected %d, got %d)", n, len(items)))
	}
	if len(items) > n {
		r.fail(pos, fmt.Sprintf("too many values to unpack (expected %d)", n))
	}
	return items
}

// iterValues lists what iterating v yields, or ok=false if v is not iterable.
func iterValues(v Value) ([]Value, bool) {
	switch x := v.(type) {
	case *List:
		return x.Items, true
	case Tuple:
		return x, true
	case *Dict:
		return x.keys, true
	case string:
		out := make([]Value, 0, len(x))
		for _, c := range x {
			out = append(out, string(c))
		}
		return out, true
	case Markup:
		return iterValues(string(x))
	case *Undefined:
		return nil, true
	case rangeVal:
		if x.length() > maxRange {
			return nil, false
		}
		return x.items(), true
	case *Namespace:
		return nil, false
	case Iterable:
		return x.JinjaIter(), true
	}
	return nil, false
}

// Iterable lets a host value be looped over, measured with length and tested with `in`
// (e.g. the rows of a query result).
type Iterable interface{ JinjaIter() []Value }

// Indexable lets a host value answer x[key] (e.g. results[0] or row['id']); ok=false
// falls back to attribute lookup for string keys, then Undefined.
type Indexable interface {
	JinjaItem(key Value) (Value, bool)
}

func (r *renderer) iterate(v Value, pos int) []Value {
	items, ok := iterValues(v)
	if !ok {
		r.fail(pos, pyQuote(typeName(v))+" object is not iterable")
	}
	return items
}

// execFor runs a for statement. Its result is the else block's break or continue, which
// belong to the enclosing loop: Jinja2 compiles the else after the Python for statement
// (compiler.py visit_For).
func (r *renderer) execFor(x *For, sc *scope, w *outBuf) ctrl {
	v := r.eval(x.Iter, sc)
	if l, ok := v.(*List); ok && x.Cond == nil {
		return r.liveLoop(x, l, sc, w)
	}
	items := r.iterate(v, x.Iter.Offset())
	return r.loop(x, items, sc, w, 1)
}

// liveLoop iterates a list the way Python does: items appended by the body are visited.
func (r *renderer) liveLoop(x *For, l *List, sc *scope, w *outBuf) ctrl {
	if len(l.Items) == 0 {
		return r.loopElse(x, false, sc, w)
	}
	lo := &loopObj{items: l.Items, depth: 1, r: r, node: x, sc: sc, live: l, liveLen: -1}
	completed := false
	for i := 0; i < len(l.Items); i++ {
		lo.items = l.Items
		lo.index0 = i
		inner := r.smallScope(sc)
		r.assign(x.Target, l.Items[i], inner)
		inner.set("loop", lo)
		c := r.exec(x.Body, inner, w)
		if c == ctrlBreak {
			break
		}
		completed = completed || c == ctrlNone
	}
	return r.loopElse(x, completed, sc, w)
}

// loopElse runs a for loop's else unless some iteration reached the end of the body:
// Jinja2 clears its indicator there, so a break or continue in every iteration still
// runs the else (compiler.py visit_For, iteration_indicator).
func (r *renderer) loopElse(x *For, completed bool, sc *scope, w *outBuf) ctrl {
	if !completed && x.Else != nil {
		return r.exec(x.Else, newScope(sc), w)
	}
	return ctrlNone
}

func (r *renderer) loop(x *For, items []Value, sc *scope, w *outBuf, depth int) ctrl {
	if depth > maxCallDepth {
		r.fail(x.Pos, "maximum recursion depth exceeded")
	}
	items = append([]Value(nil), items...)
	if x.Cond != nil {
		kept := items[:0]
		for _, it := range items {
			inner := newScope(sc)
			r.assign(x.Target, it, inner)
			if Truthy(r.eval(x.Cond, inner)) {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if len(items) == 0 {
		return r.loopElse(x, false, sc, w)
	}
	lo := &loopObj{items: items, depth: depth, r: r, node: x, sc: sc}
	completed := false
	for i, it := range items {
		lo.index0 = i
		inner := r.smallScope(sc)
		r.assign(x.Target, it, inner)
		inner.set("loop", lo)
		c := r.exec(x.Body, inner, w)
		if c == ctrlBreak {
			break
		}
		completed = completed || c == ctrlNone
	}
	return r.loopElse(x, completed, sc, w)
}

func (r *renderer) execInclude(x *Include, sc *scope, w *outBuf) {
	v := r.eval(x.Template, sc)
	var names []Value
	switch t := v.(type) {
	case *List:
		names = t.Items
	case Tuple:
		names = t
	default:
		names = []Value{v}
	}
	var lastErr error
	for _, n := range names {
		tmpl, err := r.load(ToString(n))
		if err != nil {
			lastErr = err
			continue
		}
		if !x.WithContext {
			ir := &renderer{env: r.env, ctx: &Context{}, t: tmpl, stack: r.stack}
			ir.exec(tmpl.root.Body, newScope(nil), w)
			return
		}
		saved := r.t
		r.t = tmpl
		r.exec(tmpl.root.Body, newScope(sc), w)
		r.t = saved
		return
	}
	if x.IgnoreMissing {
		return
	}
	if lastErr != nil {
		r.failErr(x.Pos, lastErr)
	}
}

// load parses a template through the Env's loader.
func (r *renderer) load(name string) (*Template, error) {
	if r.env.Loader == nil {
		return nil, fmt.Errorf("template %s not found: no loader configured", pyQuote(name))
	}
	src, file, err := r.env.Loader.Load(name)
	if err != nil {
		return nil, err
	}
	return r.env.Parse(file, src)
}

// module is an imported template: its top-level names are its attributes.
type module struct {
	name string
	sc   *scope
}

// Attr implements Object.
func (m *module) Attr(name string) (Value, bool) {
	v, ok := m.sc.lookup(name)
	return v, ok
}

func (r *renderer) importModule(x Expr, sc0 *scope, withContext bool, pos int) *module {
	name := ToString(r.eval(x, sc0))
	tmpl, err := r.load(name)
	if err != nil {
		r.failErr(pos, err)
	}
	sc := newScope(nil)
	if withContext {
		sc = newScope(sc0)
	}
	saved := r.t
	r.t = tmpl
	mr := r
	if !withContext {
		mr = &renderer{env: r.env, ctx: &Context{}, t: tmpl, stack: r.stack}
	}
	b := mr.getBuf()
	mr.exec(tmpl.root.Body, sc, b)
	mr.putBuf(b)
	r.t = saved
	return &module{name: name, sc: sc}
}
