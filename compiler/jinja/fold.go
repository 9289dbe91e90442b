package jinja

// Jinja2 folds constant expressions at compile time (optimizer.py, and compiler.py
// visit_Output through nodes.Expr.as_const). The difference is visible where the folded and
// the run-time paths disagree: a slice is compiled to plain Python subscription (compiler.py
// visit_Getitem), so slicing an int raises TypeError at run time, while folding goes through
// environment.getitem, which returns Undefined instead: `{{ 0[1:] is defined }}` renders
// False, `{{ (0[1:] | selectattr('a')) | list }}` raises (selectattr never folds).
// Not modelled: the optimizer keeps a folded sub-expression only when its value has a safe
// repr (utils.has_safe_repr), so `{{ [0[1:] is defined, n] }}` renders [False] in Jinja2 but
// raises here, where konst is decided for a whole output at once.

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
		return isConstExpr(n.Test) && isConstExpr(n.Then) && (n.Else == nil || isConstExpr(n.Else))
	case *GetItem:
		return isConstExpr(n.X) && isConstExpr(n.Index)
	case *TestExpr:
		if n.DynArgs != nil || n.DynKw != nil || !isConstExpr(n.X) {
			return false
		}
		for _, a := range n.Args {
			if !isConstExpr(a) {
				return false
			}
		}
		for _, k := range n.Kwargs {
			if !isConstExpr(k.Value) {
				return false
			}
		}
		return true
	case *FilterExpr:
		if n.X == nil || n.DynArgs != nil || n.DynKw != nil || !isConstExpr(n.X) || passContextFilters[n.Name] {
			return false
		}
		for _, a := range n.Args {
			if !isConstExpr(a) {
				return false
			}
		}
		for _, k := range n.Kwargs {
			if !isConstExpr(k.Value) {
				return false
			}
		}
		return true
	}
	return false
}
