package jinja

// Statement and expression nodes beyond the ones api.go declares. They are exported so a
// host walking the AST can recognise them, and all report their byte offset.
type (
	// If is {% if %}…{% elif %}…{% else %}…{% endif %}: Conds[i] guards Bodies[i].
	If struct {
		Pos    int
		Conds  []Expr
		Bodies [][]Node
		Else   []Node
	}
	// For is {% for target in iter if cond recursive %}…{% else %}…{% endfor %}.
	For struct {
		Pos       int
		Target    Expr // *Name or *TupleExpr of names
		Iter      Expr
		Cond      Expr // nil when absent
		Recursive bool
		Body      []Node
		Else      []Node
	}
	// Set is {% set target = value %}; Target is *Name, *TupleExpr or *GetAttr (ns.attr).
	Set struct {
		Pos    int
		Target Expr
		Value  Expr
	}
	// SetBlock is {% set target | filters %}body{% endset %}.
	SetBlock struct {
		Pos    int
		Target Expr
		Filter *FilterExpr // chain applied to the body, X of the innermost is nil; may be nil
		Body   []Node
	}
	// CallBlock is {% call(params) f(args) %}body{% endcall %}.
	CallBlock struct {
		Pos      int
		Call     *CallExpr
		Params   []string
		Defaults []Expr
		Body     []Node
		uses     macroUses
	}
	// FilterBlock is {% filter f(args)|g %}body{% endfilter %}.
	FilterBlock struct {
		Pos    int
		Filter *FilterExpr
		Body   []Node
	}
	// Do is {% do expr %}.
	Do struct {
		Pos int
		X   Expr
	}
	// Break and Continue are the loop controls.
	Break    struct{ Pos int }
	Continue struct{ Pos int }
	// With is {% with a=1 %}…{% endwith %}.
	With struct {
		Pos     int
		Targets []Expr
		Values  []Expr
		Body    []Node
	}
	// Scoped is a body with its own scope ({% autoescape %}).
	Scoped struct {
		Pos  int
		Body []Node
	}
	// Include is {% include expr [ignore missing] [with|without context] %}.
	Include struct {
		Pos           int
		Template      Expr
		IgnoreMissing bool
		WithContext   bool
	}
	// Import is {% import expr as name %}.
	Import struct {
		Pos         int
		Template    Expr
		Target      string
		WithContext bool
	}
	// FromImport is {% from expr import a as b, c %}.
	FromImport struct {
		Pos         int
		Template    Expr
		Names       []string
		Aliases     []string
		WithContext bool
	}

	// GetItem is x[index]; Index may be a *SliceExpr.
	GetItem struct {
		Pos   int
		X     Expr
		Index Expr
		fold  bool // see fold.go, as for the other expressions that carry it
	}
	// SliceExpr is start:stop:step inside a subscript; parts may be nil.
	SliceExpr struct {
		Pos               int
		Start, Stop, Step Expr
	}
	// FilterExpr is x|name(args). In a filter block or set block X is nil for the input.
	FilterExpr struct {
		Pos     int
		X       Expr
		Name    string
		Args    []Expr
		Kwargs  []KwargExpr
		DynArgs Expr
		DynKw   Expr
		fold    bool
	}
	// TestExpr is x is name(args) (Negated for `is not`).
	TestExpr struct {
		Pos     int
		X       Expr
		Name    string
		Args    []Expr
		Kwargs  []KwargExpr
		DynArgs Expr
		DynKw   Expr
		Negated bool
		fold    bool
	}
	// BinExpr is a binary operator: + - * / // % ** ~ and or.
	BinExpr struct {
		Pos  int
		Op   string
		L, R Expr
		fold bool
	}
	// UnaryExpr is not x, -x, +x.
	UnaryExpr struct {
		Pos  int
		Op   string
		X    Expr
		fold bool
	}
	// Compare is a (chained) comparison: X op1 Y1 op2 Y2 …
	Compare struct {
		Pos  int
		X    Expr
		Ops  []CompareOp
		fold bool
	}
	// CompareOp is one link of a comparison: ==, !=, <, <=, >, >=, in, notin.
	CompareOp struct {
		Op string
		Y  Expr
	}
	// CondExpr is then if test else else_ (Else nil when absent).
	CondExpr struct {
		Pos              int
		Test, Then, Else Expr
		fold             bool
	}
)

// Offset implements Node and Expr: the byte offset of the node in its template.
func (n *If) Offset() int          { return n.Pos }
func (n *For) Offset() int         { return n.Pos }
func (n *Set) Offset() int         { return n.Pos }
func (n *SetBlock) Offset() int    { return n.Pos }
func (n *CallBlock) Offset() int   { return n.Pos }
func (n *FilterBlock) Offset() int { return n.Pos }
func (n *Do) Offset() int          { return n.Pos }
func (n *Break) Offset() int       { return n.Pos }
func (n *Continue) Offset() int    { return n.Pos }
func (n *With) Offset() int        { return n.Pos }
func (n *Scoped) Offset() int      { return n.Pos }
func (n *Include) Offset() int     { return n.Pos }
func (n *Import) Offset() int      { return n.Pos }
func (n *FromImport) Offset() int  { return n.Pos }
func (n *GetItem) Offset() int     { return n.Pos }
func (n *SliceExpr) Offset() int   { return n.Pos }
func (n *FilterExpr) Offset() int  { return n.Pos }
func (n *TestExpr) Offset() int    { return n.Pos }
func (n *BinExpr) Offset() int     { return n.Pos }
func (n *UnaryExpr) Offset() int   { return n.Pos }
func (n *Compare) Offset() int     { return n.Pos }
func (n *CondExpr) Offset() int    { return n.Pos }

// Walk calls fn for every Node and Expr under root in source order; returning false from fn
// skips the children of that node.
func Walk(root *Root, fn func(n any) bool) {
	if root == nil {
		return
	}
	walkNodes(root.Body, fn)
}

func walkNodes(ns []Node, fn func(n any) bool) {
	for _, n := range ns {
		walk(n, fn)
	}
}

func walkExprs(xs []Expr, fn func(n any) bool) {
	for _, x := range xs {
		walk(x, fn)
	}
}

func walkKw(kws []KwargExpr, fn func(n any) bool) {
	for _, k := range kws {
		walk(k.Value, fn)
	}
}

func walk(n any, fn func(n any) bool) {
	if n == nil {
		return
	}
	switch x := n.(type) {
	case Expr:
		if isNilExpr(x) {
			return
		}
	}
	if !fn(n) {
		return
	}
	switch x := n.(type) {
	case *Output:
		walk(x.X, fn)
	case *MacroNode:
		walkExprs(x.Defaults, fn)
		walkNodes(x.Body, fn)
	case *BlockNode:
		walkExprs(x.Args, fn)
		walkKw(x.Kwargs, fn)
		walkNodes(x.Body, fn)
	case *If:
		for i, c := range x.Conds {
			walk(c, fn)
			walkNodes(x.Bodies[i], fn)
		}
		walkNodes(x.Else, fn)
	case *For:
		walk(x.Target, fn)
		walk(x.Iter, fn)
		walk(x.Cond, fn)
		walkNodes(x.Body, fn)
		walkNodes(x.Else, fn)
	case *Set:
		walk(x.Target, fn)
		walk(x.Value, fn)
	case *SetBlock:
		walk(x.Target, fn)
		if x.Filter != nil {
			walk(x.Filter, fn)
		}
		walkNodes(x.Body, fn)
	case *CallBlock:
		walk(x.Call, fn)
		walkExprs(x.Defaults, fn)
		walkNodes(x.Body, fn)
	case *FilterBlock:
		walk(x.Filter, fn)
		walkNodes(x.Body, fn)
	case *Do:
		walk(x.X, fn)
	case *With:
		walkExprs(x.Targets, fn)
		walkExprs(x.Values, fn)
		walkNodes(x.Body, fn)
	case *Scoped:
		walkNodes(x.Body, fn)
	case *Include:
		walk(x.Template, fn)
	case *Import:
		walk(x.Template, fn)
	case *FromImport:
		walk(x.Template, fn)
	case *CallExpr:
		walk(x.Func, fn)
		walkExprs(x.Args, fn)
		walkKw(x.Kwargs, fn)
		walk(x.DynArgs, fn)
		walk(x.DynKw, fn)
	case *GetAttr:
		walk(x.X, fn)
	case *GetItem:
		walk(x.X, fn)
		walk(x.Index, fn)
	case *SliceExpr:
		walk(x.Start, fn)
		walk(x.Stop, fn)
		walk(x.Step, fn)
	case *ListExpr:
		walkExprs(x.Items, fn)
	case *TupleExpr:
		walkExprs(x.Items, fn)
	case *DictExpr:
		for i := range x.Keys {
			walk(x.Keys[i], fn)
			walk(x.Values[i], fn)
		}
	case *FilterExpr:
		walk(x.X, fn)
		walkExprs(x.Args, fn)
		walkKw(x.Kwargs, fn)
		walk(x.DynArgs, fn)
		walk(x.DynKw, fn)
	case *TestExpr:
		walk(x.X, fn)
		walkExprs(x.Args, fn)
		walkKw(x.Kwargs, fn)
		walk(x.DynArgs, fn)
		walk(x.DynKw, fn)
	case *BinExpr:
		walk(x.L, fn)
		walk(x.R, fn)
	case *UnaryExpr:
		walk(x.X, fn)
	case *Compare:
		walk(x.X, fn)
		for _, o := range x.Ops {
			walk(o.Y, fn)
		}
	case *CondExpr:
		walk(x.Test, fn)
		walk(x.Then, fn)
		walk(x.Else, fn)
	}
}

// isNilExpr catches typed nil pointers stored in an Expr interface.
func isNilExpr(x Expr) bool {
	switch v := x.(type) {
	case *FilterExpr:
		return v == nil
	case *CallExpr:
		return v == nil
	case *SliceExpr:
		return v == nil
	}
	return false
}
