package jinja

import (
	"math"
	"math/big"
	"runtime"
)

// Jinja2 folds constant expressions at compile time (optimizer.py, and compiler.py
// visit_Output through nodes.Expr.as_const). The difference is visible where the folded and
// the run-time paths disagree: a slice is compiled to plain Python subscription (compiler.py
// visit_Getitem), so slicing an int raises TypeError at run time, while folding goes through
// environment.getitem, which returns Undefined instead: `{{ 0[1:] is defined }}` renders
// False, `{{ (0[1:] | selectattr('a')) | list }}` raises (selectattr never folds).
//
// An output whose whole expression is constant is folded by visit_Output whatever the value
// (Output.konst). Below that, the optimizer folds a constant sub-expression only when its
// value has a safe repr (nodes.Const.from_untrusted → utils.has_safe_repr), trying parents
// first in effect (a parent's as_const re-evaluates its children): `{{ [0[1:] is defined, n] }}`
// renders [False] because `0[1:] is defined` folds, while `{{ [0[1:], n] }}` raises. Since
// only slices behave differently folded, markFolds flags just the constant expressions with
// a slice inside; eval tries those folded first (fold) and falls back to run time.

// passContextFilters are the built-in filters marked pass_context (filters.py); their
// as_const raises Impossible (nodes.py _FilterTestCommon.as_const), so they never fold.
var passContextFilters = map[string]bool{
	"map": true, "select": true, "reject": true, "selectattr": true, "rejectattr": true,
	"random": true,
}

// isConstExpr reports whether Jinja2's optimizer would fold x to a constant.
func isConstExpr(x Expr) bool {
	switch n := x.(type) {
	case nil:
		return true
	case *Const:
		return true
	case *ListExpr:
		for _, it := range n.Items {
			if !isConstExpr(it) {
				return false
			}
		}
		return true
	case *TupleExpr:
		for _, it := range n.Items {
			if !isConstExpr(it) {
				return false
			}
		}
		return true
	case *DictExpr:
		for i := range n.Keys {
			if !isConstExpr(n.Keys[i]) || !isConstExpr(n.Values[i]) {
				return false
			}
		}
		return true
	case *SliceExpr:
		return (n.Start == nil || isConstExpr(n.Start)) && (n.Stop == nil || isConstExpr(n.Stop)) && (n.Step == nil || isConstExpr(n.Step))
	case *BinExpr:
		if n.Op == "and" || n.Op == "or" {
			// And.as_const and Or.as_const evaluate the right operand only when the left
			// one does not decide (eval raises impossible when that one is not constant).
			return isConstExpr(n.L)
		}
		return isConstExpr(n.L) && isConstExpr(n.R)
	case *UnaryExpr:
		return isConstExpr(n.X)
	case *Compare:
		for _, o := range n.Ops {
			if !isConstExpr(o.Y) {
				return false
			}
		}
		return isConstExpr(n.X)
	case *CondExpr:
		// CondExpr.as_const folds the branch its constant test picks: only that one
		// need be constant (eval raises impossible when it is not).
		return isConstExpr(n.Test) && (isConstExpr(n.Then) || n.Else != nil && isConstExpr(n.Else))
	case *GetItem:
		return isConstExpr(n.X) && isConstExpr(n.Index)
	case *TestExpr:
		if n.DynArgs != nil || n.DynKw != nil || !isConstExpr(n.X) {
			return false
		}
		return constArgs(n.Args, n.Kwargs)
	case *FilterExpr:
		if n.X == nil || n.DynArgs != nil || n.DynKw != nil || !isConstExpr(n.X) || passContextFilters[n.Name] {
			return false
		}
		return constArgs(n.Args, n.Kwargs)
	}
	return false
}

// constArgs reports whether every argument of a filter or test call is constant.
func constArgs(args []Expr, kwargs []KwargExpr) bool {
	for _, a := range args {
		if !isConstExpr(a) {
			return false
		}
	}
	for _, k := range kwargs {
		if !isConstExpr(k.Value) {
			return false
		}
	}
	return true
}

// hasSafeRepr is Jinja2's utils.has_safe_repr: the values a folded constant may hold.
func hasSafeRepr(v Value) bool {
	switch x := v.(type) {
	case nil, bool, int64, int, float64, *big.Int, string, Markup, rangeVal, complexVal:
		return true
	case *List:
		for _, it := range x.Items {
			if !hasSafeRepr(it) {
				return false
			}
		}
		return true
	case Tuple:
		for _, it := range x {
			if !hasSafeRepr(it) {
				return false
			}
		}
		return true
	case *Dict:
		for i, k := range x.keys {
			if !hasSafeRepr(k) || !hasSafeRepr(x.vals[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// impossible is nodes.Impossible: raised (as a panic) while folding when the expression
// turns out not to be constant after all.
type impossible struct{}

// fold evaluates the constant expression x as Jinja2's optimizer would: ok when that
// succeeds with a safe-repr value; otherwise the caller evaluates x at run time.
func (r *renderer) fold(x Expr, sc *scope) (Value, bool) {
	v, ok := r.asConst(x, sc)
	if !ok || !hasSafeRepr(v) {
		return v, false
	}
	if name := bareName(v); name != "" {
		r.failBare(x.Offset(), name)
	}
	return v, true
}

// asConst is nodes.Expr.as_const: x evaluated in folding mode, ok false when that raised
// (Impossible or any error: the caller then evaluates x at run time, as Jinja2 does).
func (r *renderer) asConst(x Expr, sc *scope) (v Value, ok bool) {
	r.konst = true
	defer func() {
		r.konst = false
		if p := recover(); p != nil {
			switch x := p.(type) {
			case impossible, *Error:
				v, ok = nil, false
			case error: // a generator's deferred error (gen.go)
				if _, internal := x.(runtime.Error); internal {
					panic(p)
				}
				v, ok = nil, false
			default:
				panic(p)
			}
		}
	}()
	return r.eval(x, sc), true
}

// markFolds flags the constant expressions under body that contain a slice (when slices is
// set) or a float literal or the float filter (when floats is set; see bareName). The parser
// calls it only for templates with one of those, so other templates pay nothing for it.
func markFolds(body []Node, slices, floats bool) {
	walkNodes(body, func(n any) bool {
		x, ok := n.(Expr)
		if !ok || !isConstExpr(x) || !(slices && hasSlice(x) || floats && hasFloat(x)) {
			return true
		}
		switch e := x.(type) {
		case *GetItem:
			_, isSlice := e.Index.(*SliceExpr)
			e.fold = !isSlice
		case *FilterExpr:
			e.fold = true
		case *TestExpr:
			e.fold = true
		case *BinExpr:
			e.fold = true
		case *UnaryExpr:
			e.fold = true
		case *Compare:
			e.fold = true
		case *CondExpr:
			e.fold = true
		case *ListExpr:
			e.fold = true
		case *TupleExpr:
			e.fold = true
		case *DictExpr:
			e.fold = true
		}
		return true
	})
}

// hasSlice reports whether x contains a slice subscript.
func hasSlice(x Expr) bool {
	found := false
	walk(x, func(n any) bool {
		if g, ok := n.(*GetItem); ok {
			if _, isSlice := g.Index.(*SliceExpr); isSlice {
				found = true
			}
		}
		return !found
	})
	return found
}

// hasFloat reports whether x contains a float literal or the float filter: without one a
// constant expression cannot be inf or nan (int arithmetic raises OverflowError instead).
func hasFloat(x Expr) bool {
	found := false
	walk(x, func(n any) bool {
		switch e := n.(type) {
		case *Const:
			_, isFloat := e.Value.(float64)
			found = found || isFloat
		case *FilterExpr:
			found = found || e.Name == "float"
		}
		return !found
	})
	return found
}

// A folded constant reaches Jinja2's generated Python source through visit_Const
// (compiler.py), which writes str(value) for a float and repr(value) otherwise. For inf and
// nan, alone or inside a list, tuple, dict or complex number, that text is a bare name
// (inf, nan, infj, nanj), so the module raises NameError when that code runs:
// `{% set x = 1e400 %}`, `{% set x = 'nan'|float %}`, `{{ [1e400, n] }}` and
// `{% if 1e308 * 10 %}` all fail with "name 'inf' is not defined". Only an output whose whole
// expression is constant renders such a value (visit_Output turns it into a string at
// compile time: `{{ 1e400 }}` renders inf), and a constant that is folded further first
// (`1e400 > 3`, `1e400|string`) never reaches the code. The engine follows this with the
// fold flags: a flagged expression that folds to such a value, or a float literal that is
// itself inf, fails with Jinja2's NameError where it is evaluated at run time.

// bareName returns the name Python would look up first when evaluating repr(v) as code:
// "inf" or "nan" for a non-finite float, "infj" or "nanj" for a complex number whose first
// non-finite part written is its imaginary one, "" when v's repr is valid Python.
func bareName(v Value) string {
	switch x := v.(type) {
	case float64:
		return nonFinite(x)
	case complexVal:
		// complex.__repr__: "imagj" alone when real is +0.0, else "(real+imagj)"
		if x.re != 0 || math.Signbit(x.re) {
			if name := nonFinite(x.re); name != "" {
				return name
			}
		}
		if name := nonFinite(x.im); name != "" {
			return name + "j"
		}
	case *List:
		for _, it := range x.Items {
			if name := bareName(it); name != "" {
				return name
			}
		}
	case Tuple:
		for _, it := range x {
			if name := bareName(it); name != "" {
				return name
			}
		}
	case *Dict:
		for i, k := range x.keys {
			if name := bareName(k); name != "" {
				return name
			}
			if name := bareName(x.vals[i]); name != "" {
				return name
			}
		}
	}
	return ""
}

// nonFinite is str(f) for an infinite or nan float without its sign, else "".
func nonFinite(f float64) string {
	switch {
	case math.IsInf(f, 0):
		return "inf"
	case math.IsNaN(f):
		return "nan"
	}
	return ""
}

// nonFiniteStr is str(f) for an infinite or nan f.
func nonFiniteStr(f float64) string {
	if math.IsInf(f, -1) {
		return "-inf"
	}
	return nonFinite(f)
}

// failBare raises the NameError of Jinja2's generated code for a constant written as name.
func (r *renderer) failBare(pos int, name string) {
	r.fail(pos, "name '"+name+"' is not defined (Jinja2 writes this folded constant into its generated code as a bare name)")
}

// Unknown filters and tests are compiler errors (compiler.py _filter_test_common), but the
// code generator compiles the tree the optimizer left: it visits each and/or, comparison and
// inline if through optimizeconst, which folds it to a constant when its as_const succeeds
// with a safe repr. Those as_consts evaluate only what they need (nodes.py And/Or: Python's
// short-circuit; Compare: the chain stops at the first false comparison; CondExpr: the
// branch its test picks), so an unknown filter in an operand they skip is never compiled:
// `{{ 0 and x|nope }}` renders 0. The parser drops the errors recorded for such operands.

// dropFoldedAway drops the unknown filters and tests recorded since mark (while parsing the
// right operand of an and, or of an or when or is set) when the left operand folds to a
// constant that decides the result.
func (p *parser) dropFoldedAway(left Expr, or bool, mark int) {
	if len(p.unknown) == mark {
		return
	}
	if v, ok := p.constOf(left); ok && Truthy(v) == or && hasSafeRepr(v) {
		p.unknown = p.unknown[:mark]
	}
}

// dropFoldedAwayCompare drops the unknown names recorded in the operands of the chained
// comparison c that follow a constant false comparison; marks[i] is len(p.unknown) before
// operand i was parsed.
func (p *parser) dropFoldedAwayCompare(c *Compare, marks []int) {
	l, ok := p.constOf(c.X)
	if !ok {
		return
	}
	for i, op := range c.Ops[:len(c.Ops)-1] {
		y, ok := p.constOf(op.Y)
		if !ok {
			return
		}
		res, err := compareOp(op.Op, l, y)
		if err != nil {
			return
		}
		if !res {
			p.unknown = p.unknown[:marks[i+1]]
			return
		}
		l = y
	}
}

// constOf is nodes.Expr.as_const at parse time: x's value when Jinja2's optimizer can
// compute it. And, or and inline ifs need only the operands their as_const evaluates.
func (p *parser) constOf(x Expr) (Value, bool) {
	switch n := x.(type) {
	case *BinExpr:
		if n.Op == "and" || n.Op == "or" {
			l, ok := p.constOf(n.L)
			if !ok {
				return nil, false
			}
			if Truthy(l) == (n.Op == "or") {
				return l, true
			}
			return p.constOf(n.R)
		}
	case *CondExpr:
		t, ok := p.constOf(n.Test)
		switch {
		case !ok:
			return nil, false
		case Truthy(t):
			return p.constOf(n.Then)
		case n.Else == nil:
			return nil, false
		}
		return p.constOf(n.Else)
	}
	if !isConstExpr(x) {
		return nil, false
	}
	r := &renderer{env: p.env, ctx: &Context{}, t: &Template{File: p.file, Src: p.src}}
	return r.asConst(x, nil)
}
