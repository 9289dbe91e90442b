// Package jinja is a Jinja2-faithful template engine: Python's Jinja2 3.1 is the reference,
// and the same template with the same context must render byte-identical. It knows nothing
// of dbt; the compiler plugs dbt's context, functions and block tags in through the host API
// declared in this file.
//
// CONTRACT FILE: the exported names below are what the compiler codes against. Their
// signatures are fixed; the engine may add exported names, and replaces the stub bodies.
package jinja

// Value is a runtime value. The representation is Go-native so host code stays simple:
//
//	nil            None
//	bool           bool
//	int64          int (host code may pass int; the engine normalises to int64)
//	float64        float
//	string         str
//	*List          list (mutable, shared by reference like Python's)
//	Tuple          tuple
//	*Dict          dict (insertion-ordered, mutable)
//	*Undefined     an undefined name or attribute (Jinja2's default Undefined)
//	Callable       a function, macro or bound method
//	Object         a host object exposing attributes (e.g. a dbt Relation)
//	*Namespace     namespace()
//
// FromGo converts host values (map[string]any, []any, []string, int, …) to this form.
type Value = any

// List is a mutable Python list.
type List struct{ Items []Value }

// Tuple is an immutable Python tuple.
type Tuple []Value

// Undefined is Jinja2's default Undefined: renders as "", is falsy, iterates as empty, and
// fails on attribute or item access with "'name' is undefined".
type Undefined struct {
	Name string // what was looked up, for the error message
	hint string // Jinja2's message when not "'Name' is undefined"
}

// Namespace is the object returned by namespace(); its attributes are assignable with
// {% set ns.attr = … %}.
type Namespace struct{ Attrs *Dict }

// KeywordArg is one keyword argument of a call, in call order.
type KeywordArg struct {
	Name  string
	Value Value
}

// Callable is anything that can be called from a template.
type Callable interface {
	CallJinja(c *Call, args []Value, kwargs []KeywordArg) (Value, error)
}

// Func adapts a Go function to Callable. Host functions receive positional and keyword
// arguments as written in the template.
type Func func(c *Call, args []Value, kwargs []KeywordArg) (Value, error)

// CallJinja implements Callable.
func (f Func) CallJinja(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
	return f(c, args, kwargs)
}

// Object is a host value with attributes, e.g. a dbt Relation ({{ this.schema }}) or the
// adapter ({{ adapter.quote(x) }}: Attr returns a Callable). Attr returns ok=false for an
// unknown attribute, which the engine turns into Undefined. An Object may also implement
// Stringer (how it renders), Operand (arithmetic and comparisons, e.g. datetimes) and
// TypeNamer (its Python type name in error messages); see operand.go.
type Object interface {
	Attr(name string) (Value, bool)
}

// Stringer lets a host Object choose how it renders in {{ }} (dbt renders a Relation as its
// quoted SQL name). Objects without it render via fmt-free Python-like repr rules.
type Stringer interface {
	JinjaString() string
}

// Call is passed to host functions: the render context they were called from and where.
type Call struct {
	Ctx  *Context
	File string // template file of the call site
	Pos  int    // byte offset of the call in File
	r    *renderer
}

// Context is one render's variables: the template's globals plus what the host supplies.
// Lookup order for a name: local scopes, Vars, then Resolve (a lazy fallback so the host
// need not build a map of every macro per render), then Env.Globals.
// Put engine values in Vars (convert once with FromGo): a plain Go map or slice is
// converted again on every lookup, so template mutations of it would not stick.
type Context struct {
	Vars    map[string]Value
	Resolve func(name string) (Value, bool)
	// Data is the host's per-render state (the dbt node being compiled, the adapter, …);
	// host functions reach it through Call.Ctx.Data.
	Data any

	// modules caches, per template, the top level run in this context for macros bound to
	// it (Macro.Bind): every macro of one file shares it, so a render that calls ten macros
	// of one macro file runs that file's top level once, not ten times. Like the bound
	// macros themselves, a Context belongs to one render at a time.
	modules map[*Template]*scope
}

// Loader supplies templates for include, import and from-import.
type Loader interface {
	Load(name string) (src string, file string, err error)
}

// TagKind says how a host block tag's header is parsed.
type TagKind int

const (
	// TagMacroLike parses `{% name ident(params) %}…{% endname %}` like a macro definition and
	// yields a *Macro (dbt's {% test not_null(model, column_name) %} ).
	TagMacroLike TagKind = iota
	// TagArgs parses `{% name expr, expr, key=expr %}…{% endname %}`: a comma-separated list
	// of expressions and keyword arguments (a bare identifier is a *Name expression), e.g.
	// {% materialization table, adapter='duckdb' %}, {% docs orders %}, {% snapshot s %}.
	TagArgs
)

// Env holds the configuration shared by many templates: globals, filters, tests, host tags
// and the loader. Set it up, then Parse and Render from many goroutines.
type Env struct {
	Globals map[string]Value
	Filters map[string]Func
	Tests   map[string]Func
	Tags    map[string]TagKind // host block tags, keyed by the opening tag name
	Loader  Loader
}

// Template is a parsed template, safe to render concurrently.
type Template struct {
	File   string
	Src    string
	root   *Root
	macros []*Macro
	blocks []*Block
}

// Macro is a macro definition found at the top level of a template, or a TagMacroLike block.
type Macro struct {
	Name     string   // for a host tag, the name in the header (not prefixed)
	Tag      string   // "macro" or the host tag name, e.g. "test"
	Params   []string // parameter names in order
	Defaults []Expr   // default expressions aligned with Params, nil where none
	File     string
	Pos      int // byte offset of the opening tag
	Node     *MacroNode
	tmpl     *Template
}

// Block is a TagArgs host block found at the top level of a template.
type Block struct {
	Tag    string
	Args   []Expr
	Kwargs []KwargExpr
	Body   []Node
	File   string
	Pos    int
	tmpl   *Template
}

// Error is one template error with its position and the macro call stack.
// Error() formats as "file:line:col: message" followed by "\n  in macro x (file:l:c) called
// from file:l:c" lines.
type Error struct {
	File  string
	Line  int
	Col   int
	Msg   string
	Stack []Frame
	cause error
}

// Frame is one macro call on the stack when a runtime error happened.
type Frame struct {
	Macro    string
	File     string // where the macro is defined
	Line     int
	Col      int
	CallFile string // where it was called from
	CallLine int
	CallCol  int
}

// ErrorList is every error of one parse, sorted by position.
type ErrorList []*Error

// Parse parses src. Errors come back as ErrorList (all of them, sorted), never a panic.
// As Jinja2's compile step does, a filter or test the Env does not know is an error here
// (outside if blocks, where it is deferred to render time), so register host filters and
// tests before parsing.
func (e *Env) Parse(file, src string) (*Template, error) { return e.parse(file, src) }

// Render renders the whole template with ctx (nil means an empty context).
func (t *Template) Render(e *Env, ctx *Context) (string, error) {
	out, _, _, err := t.RenderValue(e, ctx)
	return out, err
}

// Eval evaluates one expression of the template (typically the X of its single Output
// node) in ctx and returns its value unconverted: hosts use it for native rendering, where
// a YAML value written as one {{ expression }} keeps its type (dbt's NativeSandboxTemplate).
func (t *Template) Eval(e *Env, ctx *Context, x Expr) (v Value, err error) {
	r := newRenderer(e, ctx, t)
	defer func() {
		if p := recover(); p != nil {
			var rp *returnPanic
			err, rp = r.recoverErr(p)
			if rp != nil {
				v, err = rp.v, nil
			}
		}
	}()
	return r.eval(x, newScope(nil)), nil
}

// Root is the template's parsed AST, read-only, for static analysis (e.g. the compiler's
// static ref/source/config extraction).
func (t *Template) Root() *Root { return t.root }

// Macros returns the top-level macro definitions and TagMacroLike blocks, in source order.
func (t *Template) Macros() []*Macro { return t.macros }

// Blocks returns the top-level TagArgs host blocks, in source order.
func (t *Template) Blocks() []*Block { return t.blocks }

// Bind returns m as a Callable evaluated in ctx (its globals are ctx's names): calling it
// renders the body with the parameters bound and returns the output string, or the value
// passed to Return. caller, varargs and kwargs work as in Jinja2.
// On its first call the template's top level runs once in ctx (like Jinja2's make_module),
// so top-level {% set %}s and sibling macros are visible; the result is cached, so bind
// once per render context and do not call it from several goroutines at once. The Macro,
// its Template and the Env stay shareable: many goroutines may each Bind the same Macro to
// their own Context (TestConcurrentBoundRender checks this under -race).
func (m *Macro) Bind(e *Env, ctx *Context) Callable {
	if ctx == nil {
		ctx = &Context{}
	}
	return &boundMacro{m: m, env: e, ctx: ctx}
}

// BindAlone is Bind for a macro compiled on its own, as dbt compiles each macro of a macro
// file from its own text (dbt-core clients/jinja.py MacroGenerator.get_template renders
// macro.macro_sql, one macro): the module the body sees holds only the macro itself, so
// sibling macros and top-level {% set %}s of its file are not visible and every other name
// is looked up in ctx.
func (m *Macro) BindAlone(e *Env, ctx *Context) Callable {
	if ctx == nil {
		ctx = &Context{}
	}
	return &boundMacro{m: m, env: e, ctx: ctx, alone: true}
}

// Render renders the block body in ctx (e.g. a docs block or snapshot body).
// A Return in the body ends it with out "" and no error; use RenderValue for the value.
func (b *Block) Render(e *Env, ctx *Context) (string, error) {
	out, _, _, err := b.RenderValue(e, ctx)
	return out, err
}

// Eval evaluates one expression of a block header (e.g. adapter='duckdb') in ctx.
func (b *Block) Eval(e *Env, ctx *Context, x Expr) (Value, error) { return b.eval(e, ctx, x) }

// Dict is an insertion-ordered Python dict. Keys are hashable values (str, int, float, bool,
// None, Tuple of hashables).
type Dict struct {
	keys []Value
	vals []Value
	idx  map[any]int
}

// ---- AST (read-only for hosts). Positions are byte offsets into Template.Src. ----

// Node is a statement or output node; Expr is an expression. Every node knows its offset.
type Node interface{ Offset() int }
type Expr interface{ Offset() int }

// Root is the top of a template's AST.
type Root struct{ Body []Node }

// The node types a host inspects. The engine defines the rest (If, For, Set, …) as exported
// types too, so Walk callers can recognise "anything else" by type switch default.
type (
	// TemplateData is literal text between tags.
	TemplateData struct {
		Pos  int
		Text string
	}
	// Output is {{ expr }}.
	Output struct {
		Pos int
		X   Expr
		// konst: Jinja2 folds a fully constant output at compile time through its
		// getitem rules, so errors there become Undefined
		konst bool
	}
	// MacroNode is {% macro name(params) %}body{% endmacro %} (or a TagMacroLike host tag).
	MacroNode struct {
		Pos      int
		Tag      string
		Name     string
		Params   []string
		Defaults []Expr
		Body     []Node
		uses     macroUses
	}
	// BlockNode is a TagArgs host tag.
	BlockNode struct {
		Pos    int
		Tag    string
		Args   []Expr
		Kwargs []KwargExpr
		Body   []Node
	}
	// CallExpr is f(args, k=v, *a, **kw).
	CallExpr struct {
		Pos     int
		Func    Expr
		Args    []Expr
		Kwargs  []KwargExpr
		DynArgs Expr // *args, or nil
		DynKw   Expr // **kwargs, or nil
	}
	// KwargExpr is one k=v in a call or tag header.
	KwargExpr struct {
		Name  string
		Value Expr
	}
	// Name is a variable reference.
	Name struct {
		Pos  int
		Name string
	}
	// Const is a literal str, int, float, bool or None.
	Const struct {
		Pos   int
		Value Value
		// inf is set for a float literal too big for a float: Jinja2's code generator
		// writes it as the bare Python name inf, which raises NameError where it runs
		// (fold.go)
		inf bool
	}
	// GetAttr is x.name.
	GetAttr struct {
		Pos  int
		X    Expr
		Name string
	}
	// ListExpr, TupleExpr, DictExpr are literals.
	ListExpr struct {
		Pos   int
		Items []Expr
		fold  bool
	}
	TupleExpr struct {
		Pos   int
		Items []Expr
		fold  bool
	}
	DictExpr struct {
		Pos    int
		Keys   []Expr
		Values []Expr
		fold   bool
	}
)

func (n *TemplateData) Offset() int { return n.Pos }
func (n *Output) Offset() int       { return n.Pos }
func (n *MacroNode) Offset() int    { return n.Pos }
func (n *BlockNode) Offset() int    { return n.Pos }
func (n *CallExpr) Offset() int     { return n.Pos }
func (n *Name) Offset() int         { return n.Pos }
func (n *Const) Offset() int        { return n.Pos }
func (n *GetAttr) Offset() int      { return n.Pos }
func (n *ListExpr) Offset() int     { return n.Pos }
func (n *TupleExpr) Offset() int    { return n.Pos }
func (n *DictExpr) Offset() int     { return n.Pos }
