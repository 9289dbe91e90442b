package jinja

import "slices"

// eval evaluates an expression in scope sc.
func (r *renderer) eval(x Expr, sc *scope) Value {
	switch n := x.(type) {
	case *Const:
		if n.inf && !r.konst {
			r.failBare(n.Pos, "inf")
		}
		return n.Value
	case *Name:
		return r.lookupName(n.Name, sc, n.Pos)
	case *GetAttr:
		return r.getattr(r.eval(n.X, sc), n.Name, n.Pos)
	case *GetItem:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		obj := r.eval(n.X, sc)
		if s, ok := n.Index.(*SliceExpr); ok {
			return r.slice(obj, s, sc, r.konst)
		}
		return r.getitem(obj, r.eval(n.Index, sc), n.Pos)
	case *CallExpr:
		return r.evalCall(n, sc, nil)
	case *FilterExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		return r.applyFilter(n, r.eval(n.X, sc), sc)
	case *TestExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		return r.applyTest(n, sc)
	case *BinExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		switch n.Op {
		case "and", "or":
			l := r.eval(n.L, sc)
			if Truthy(l) == (n.Op == "or") {
				return l
			}
			if r.konst && !isConstExpr(n.R) {
				panic(impossible{})
			}
			return r.eval(n.R, sc)
		case "~":
			l := r.eval(n.L, sc)
			rv := r.eval(n.R, sc)
			return ToString(l) + ToString(rv)
		}
		l := r.eval(n.L, sc)
		rv := r.eval(n.R, sc)
		v, err := binop(n.Op, l, rv)
		if err != nil {
			r.failErr(n.Pos, err)
		}
		return v
	case *UnaryExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		v := r.eval(n.X, sc)
		switch n.Op {
		case "not":
			return !Truthy(v)
		case "-", "+":
			res, err := unary(n.Op, v)
			if err != nil {
				r.failErr(n.Pos, err)
			}
			return res
		}
	case *Compare:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		l := r.eval(n.X, sc)
		for _, op := range n.Ops {
			rv := r.eval(op.Y, sc)
			ok, err := compareOp(op.Op, l, rv)
			if err != nil {
				r.failErr(n.Pos, err)
			}
			if !ok {
				return false
			}
			l = rv
		}
		return true
	case *CondExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		if Truthy(r.eval(n.Test, sc)) {
			if r.konst && !isConstExpr(n.Then) {
				panic(impossible{})
			}
			return r.eval(n.Then, sc)
		}
		if r.konst && (n.Else == nil || !isConstExpr(n.Else)) {
			panic(impossible{})
		}
		if n.Else == nil {
			return &Undefined{hint: "the inline if-expression evaluated to false and no else section was defined."}
		}
		return r.eval(n.Else, sc)
	case *ListExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		items := make([]Value, len(n.Items))
		for i, it := range n.Items {
			items[i] = r.eval(it, sc)
		}
		return &List{Items: items}
	case *TupleExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		items := make(Tuple, len(n.Items))
		for i, it := range n.Items {
			items[i] = r.eval(it, sc)
		}
		return items
	case *DictExpr:
		if n.fold && !r.konst {
			if v, ok := r.fold(n, sc); ok {
				return v
			}
		}
		d := &Dict{}
		for i, k := range n.Keys {
			kv := r.eval(k, sc)
			if !hashable(kv) {
				r.fail(k.Offset(), "unhashable type: "+pyQuote(typeName(kv)))
			}
			d.Set(kv, r.eval(n.Values[i], sc))
		}
		return d
	case *SliceExpr:
		r.fail(n.Pos, "slice outside of a subscript")
	}
	r.fail(x.Offset(), "cannot evaluate expression")
	return nil
}

// lookupName resolves a name: local scopes, Context.Vars, Context.Resolve, Env.Globals.
func (r *renderer) lookupName(name string, sc *scope, pos int) Value {
	if sc != nil {
		if v, ok := sc.lookup(name); ok {
			return v
		}
	}
	if r.ctx.Vars != nil {
		if v, ok := r.ctx.Vars[name]; ok {
			return normalize(v)
		}
	}
	if r.ctx.Resolve != nil {
		if v, ok := r.ctx.Resolve(name); ok {
			return normalize(v)
		}
	}
	if v, ok := r.env.Globals[name]; ok {
		return v
	}
	return &Undefined{Name: name}
}

// undefinedError fails for use of an undefined value.
func (r *renderer) undefinedError(pos int, u *Undefined) {
	e := r.errAt(pos, u.message())
	e.cause = ErrUndefined
	panic(e)
}

func (u *Undefined) message() string {
	if u.hint != "" {
		return u.hint
	}
	return pyQuote(u.Name) + " is undefined"
}

// evalArgs evaluates call arguments including *args and **kwargs.
func (r *renderer) evalArgs(args []Expr, kwargs []KwargExpr, dynArgs, dynKw Expr, sc *scope, first Value, hasFirst bool) ([]Value, []KeywordArg) {
	n := len(args)
	if hasFirst {
		n++
	}
	var pos []Value
	if n > 0 {
		pos = r.values(n)
	}
	if hasFirst {
		pos = append(pos, first)
	}
	for _, a := range args {
		pos = append(pos, r.eval(a, sc))
	}
	if dynArgs != nil {
		v := r.eval(dynArgs, sc)
		items, ok := iterValues(v)
		if !ok {
			r.fail(dynArgs.Offset(), "argument after * must be an iterable, not "+typeName(v))
		}
		pos = append(pos, items...)
	}
	var kws []KeywordArg
	if len(kwargs) > 0 {
		kws = make([]KeywordArg, 0, len(kwargs))
		for _, k := range kwargs {
			kws = append(kws, KeywordArg{Name: k.Name, Value: r.eval(k.Value, sc)})
		}
	}
	if dynKw != nil {
		v := r.eval(dynKw, sc)
		d, ok := v.(*Dict)
		if !ok {
			if _, isU := v.(*Undefined); !isU {
				r.fail(dynKw.Offset(), "argument after ** must be a mapping, not "+typeName(v))
			}
		} else {
			for i, k := range d.keys {
				ks, ok := k.(string)
				if !ok {
					r.fail(dynKw.Offset(), "keywords must be strings")
				}
				kws = append(kws, KeywordArg{Name: ks, Value: d.vals[i]})
			}
		}
	}
	return pos, kws
}

// evalCall evaluates f(args); caller, if not nil, is passed as the caller keyword (call blocks).
func (r *renderer) evalCall(n *CallExpr, sc *scope, caller *macroValue) Value {
	if ga, ok := n.Func.(*GetAttr); ok && caller == nil && n.DynArgs == nil && n.DynKw == nil && len(n.Kwargs) == 0 && len(n.Args) <= 2 {
		// common str/list/dict methods without allocating a bound method
		recv := r.eval(ga.X, sc)
		var argv [2]Value
		for i, a := range n.Args {
			argv[i] = r.eval(a, sc)
		}
		if v, ok, err := fastMethod(recv, ga.Name, argv[:len(n.Args)]); ok {
			if err != nil {
				r.failErr(n.Pos, err)
			}
			return v
		}
		fn := r.getattrFn(recv, ga.Name, ga.Pos)
		args := make([]Value, len(n.Args))
		copy(args, argv[:len(n.Args)])
		return r.callValue(fn, args, nil, n.Pos)
	}
	var fn Value
	if ga, ok := n.Func.(*GetAttr); ok {
		fn = r.getattrFn(r.eval(ga.X, sc), ga.Name, ga.Pos)
	} else {
		fn = r.eval(n.Func, sc)
	}
	args, kwargs := r.evalArgs(n.Args, n.Kwargs, n.DynArgs, n.DynKw, sc, nil, false)
	if caller != nil {
		// compiler.py signature(): the explicit keywords, then caller=, then **kwargs,
		// which is the order a macro's kwargs dict shows.
		kwargs = slices.Insert(kwargs, len(n.Kwargs), KeywordArg{Name: "caller", Value: caller})
	}
	return r.callValue(fn, args, kwargs, n.Pos)
}

func (r *renderer) callValue(fn Value, args []Value, kwargs []KeywordArg, pos int) Value {
	r.pos = pos
	switch f := fn.(type) {
	case *macroValue:
		return r.callMacro(f, args, kwargs, pos)
	case *Undefined:
		r.undefinedError(pos, f)
	case Callable:
		v, err := f.CallJinja(r.call(pos), args, kwargs)
		if err != nil {
			r.failErr(pos, err)
		}
		return normalize(v)
	}
	r.fail(pos, pyQuote(typeName(fn))+" object is not callable")
	return nil
}
