package jinja

import (
	"strconv"
)

// macroValue is a macro (or a call block's caller) closed over the scope it was defined in.
type macroValue struct {
	node     *MacroNode
	name     string
	params   []string
	defaults []Expr
	body     []Node
	uses     macroUses
	closure  *scope
	t        *Template
	r        *renderer // the render that defined it
	ctx      *Context  // the context its body resolves global names in
	pos      int       // definition offset for caller macros
	// bound is set when a host Bind()s a macro: its module scope is built lazily.
	bound *boundMacro
}

func (m *macroValue) defPos() int {
	if m.node != nil {
		return m.node.Pos
	}
	return m.pos
}

func (m *macroValue) attr(name string) (Value, bool) {
	switch name {
	case "name":
		if m.node == nil && m.name == "caller" {
			return nil, true // a call block's macro has no name (jinja2 nodes.CallBlock)
		}
		return m.name, true
	case "arguments":
		t := make(Tuple, len(m.params))
		for i, p := range m.params {
			t[i] = p
		}
		return t, true
	case "catch_kwargs":
		return m.uses.kwargs, true
	case "catch_varargs":
		return m.uses.varargs, true
	case "caller":
		return m.uses.caller, true
	}
	return nil, false
}

// CallJinja lets hosts (and host functions such as dbt's dispatch) call a macro value.
func (m *macroValue) CallJinja(c *Call, args []Value, kwargs []KeywordArg) (v Value, err error) {
	r := m.r
	if c != nil && c.r != nil {
		r = c.r
	}
	if r == nil {
		r = newRenderer(NewEnv(), nil, m.t)
	}
	pos := m.defPos()
	savedT := r.t
	if c != nil && c.File != "" && c.r != nil {
		pos = c.Pos
	} else {
		r.t = m.t
	}
	depth := len(r.stack)
	savedCtx := r.ctx
	defer func() {
		if p := recover(); p != nil {
			r.stack = r.stack[:depth]
			r.t = savedT
			r.ctx = savedCtx
			var ret *returnPanic
			err, ret = r.recoverErr(p)
			if ret != nil {
				v, err = ret.v, nil
			}
		}
	}()
	v = r.callMacro(m, args, kwargs, pos)
	r.t = savedT
	return v, nil
}

// callMacro binds arguments the way Jinja2's Macro._invoke does and runs the body.
func (r *renderer) callMacro(m *macroValue, args []Value, kwargs []KeywordArg, callPos int) (result Value) {
	if len(r.stack) >= maxCallDepth {
		e := r.errAt(callPos, "maximum recursion depth exceeded")
		e.cause = ErrRecursion
		panic(e)
	}
	closure := m.closure
	if m.bound != nil {
		closure = m.bound.moduleScope(r) // not stored in m: m may be shared
	}
	callT := r.t
	callCtx := r.ctx
	if m.ctx != nil {
		r.ctx = m.ctx
	}
	r.stack = append(r.stack, callFrame{name: m.name, defT: m.t, defPos: m.defPos(), callT: callT, callPos: callPos})
	r.t = m.t
	depth := len(r.stack)

	sc := r.smallScope(closure)
	// keyword arguments not consumed by parameters
	rest := kwargs
	var restUsed []bool
	if len(kwargs) > 0 {
		restUsed = make([]bool, len(kwargs))
	}
	foundCaller := false
	for i, p := range m.params {
		if i < len(args) {
			sc.set(p, args[i])
			continue
		}
		found := false
		for j, k := range rest {
			if !restUsed[j] && k.Name == p {
				restUsed[j] = true
				sc.set(p, k.Value)
				found = true
				break
			}
		}
		if p == "caller" {
			foundCaller = true
		}
		if !found {
			if m.defaults[i] != nil {
				sc.set(p, r.eval(m.defaults[i], sc))
			} else {
				sc.set(p, &Undefined{Name: p, hint: "parameter " + pyQuote(p) + " was not provided"})
			}
		}
	}
	if m.uses.caller && !foundCaller {
		var caller Value = &Undefined{Name: "caller", hint: "No caller defined"}
		for j, k := range rest {
			if !restUsed[j] && k.Name == "caller" {
				restUsed[j] = true
				caller = k.Value
				break
			}
		}
		sc.set("caller", caller)
	}
	if m.uses.kwargs {
		d := NewDict()
		for j, k := range rest {
			if !restUsed[j] {
				d.Set(k.Name, k.Value)
			}
		}
		sc.set("kwargs", d)
	} else {
		for j, k := range rest {
			if !restUsed[j] {
				r.t = callT
				r.ctx = callCtx
				r.stack = r.stack[:depth-1]
				if k.Name == "caller" {
					r.fail(callPos, "macro "+pyQuote(m.name)+" was invoked with two values for the special caller argument")
				}
				r.fail(callPos, "macro "+pyQuote(m.name)+" takes no keyword argument "+pyQuote(k.Name))
			}
		}
	}
	if m.uses.varargs {
		var extra Tuple
		if len(args) > len(m.params) {
			extra = append(Tuple{}, args[len(m.params):]...)
		} else {
			extra = Tuple{}
		}
		sc.set("varargs", extra)
	} else if len(args) > len(m.params) {
		r.t = callT
		r.ctx = callCtx
		r.stack = r.stack[:depth-1]
		r.fail(callPos, "macro "+pyQuote(m.name)+" takes not more than "+strconv.Itoa(len(m.params))+" argument(s)")
	}

	b := r.getBuf()
	returned := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				if rp, ok := p.(*returnPanic); ok {
					result = rp.v
					returned = true
					return
				}
				panic(p)
			}
		}()
		r.exec(m.body, sc, b)
	}()
	r.stack = r.stack[:depth-1]
	r.t = callT
	r.ctx = callCtx
	if returned {
		r.putBuf(b)
		return result
	}
	return r.bufString(b)
}

// boundMacro is a macro handed to the host by Macro.Bind: its globals are the template's
// top-level names (executed once, lazily) over the host context.
type boundMacro struct {
	m   *Macro
	env *Env
	ctx *Context
	sc  *scope
	mv  *macroValue
	// alone: the module is the macro's own definition only (BindAlone).
	alone bool
}

func (b *boundMacro) moduleScope(r *renderer) *scope {
	if b.sc != nil {
		return b.sc
	}
	if b.alone {
		sc := newScope(nil)
		saved := r.t
		r.t = b.m.tmpl
		out := r.getBuf()
		r.exec([]Node{b.m.Node}, sc, out)
		r.putBuf(out)
		r.t = saved
		b.sc = sc
		return sc
	}
	if sc := b.ctx.modules[b.m.tmpl]; sc != nil {
		b.sc = sc
		return sc
	}
	sc := newScope(nil)
	b.sc = sc
	if b.ctx.modules == nil {
		b.ctx.modules = map[*Template]*scope{}
	}
	b.ctx.modules[b.m.tmpl] = sc
	saved := r.t
	r.t = b.m.tmpl
	out := r.getBuf()
	r.exec(b.m.tmpl.root.Body, sc, out)
	r.putBuf(out)
	r.t = saved
	return sc
}

// CallJinja implements Callable for a bound macro.
func (b *boundMacro) CallJinja(c *Call, args []Value, kwargs []KeywordArg) (v Value, err error) {
	var r *renderer
	if c != nil && c.r != nil && c.r.env == b.env && c.r.ctx == b.ctx {
		r = c.r
	} else {
		r = newRenderer(b.env, b.ctx, b.m.tmpl)
	}
	if b.mv == nil {
		n := b.m.Node
		b.mv = &macroValue{node: n, name: n.Name, params: n.Params, defaults: n.Defaults, body: n.Body, uses: n.uses, t: b.m.tmpl, r: r, bound: b, ctx: b.ctx}
	}
	cc := c
	if c == nil || c.r != r {
		cc = &Call{Ctx: b.ctx, File: b.m.File, Pos: b.m.Pos}
	}
	savedT := r.t
	r.t = b.m.tmpl
	if cc.r == r {
		r.t = savedT
	}
	defer func() { r.t = savedT }()
	return b.mv.callFrom(r, cc, args, kwargs)
}

// callFrom calls m on renderer r, recovering panics into errors.
func (m *macroValue) callFrom(r *renderer, c *Call, args []Value, kwargs []KeywordArg) (v Value, err error) {
	depth := len(r.stack)
	savedT := r.t
	savedCtx := r.ctx
	defer func() {
		if p := recover(); p != nil {
			var ret *returnPanic
			err, ret = r.recoverErr(p)
			r.stack = r.stack[:depth]
			r.t = savedT
			r.ctx = savedCtx
			if ret != nil {
				v, err = ret.v, nil
			}
		}
	}()
	pos := c.Pos
	if c.r != r {
		pos = m.defPos()
	}
	return r.callMacro(m, args, kwargs, pos), nil
}
