package jinja

import (
	"math/big"
	"strconv"
	"strings"
)

// parser is a recursive-descent parser following Jinja2's grammar and precedence.
type parser struct {
	env   *Env
	file  string
	src   string
	toks  []token
	i     int
	depth int
	errs  ErrorList
	// open block tag names, innermost last, for end-of-template messages
	open []string
}

// parseError carries a parse error through panics inside the parser.
type parseError struct{ err *Error }

const maxDepth = 400

func (p *parser) cur() token { return p.toks[p.i] }

func (p *parser) look(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) fail(pos int, msg string) {
	panic(parseError{newError(p.file, p.src, pos, msg)})
}

func (p *parser) isOp(op string) bool {
	t := p.toks[p.i]
	return t.typ == tOp && t.val == op
}

func (p *parser) isName(name string) bool {
	t := p.toks[p.i]
	return t.typ == tName && t.val == name
}

func (p *parser) skipOp(op string) bool {
	if p.isOp(op) {
		p.next()
		return true
	}
	return false
}

func (p *parser) skipName(name string) bool {
	if p.isName(name) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectOp(op string) token {
	if !p.isOp(op) {
		t := p.cur()
		p.fail(t.pos, "expected token '"+op+"', got '"+t.describe()+"'")
	}
	return p.next()
}

func (p *parser) expectName() token {
	t := p.cur()
	if t.typ != tName {
		p.fail(t.pos, "expected token 'name', got '"+t.describe()+"'")
	}
	return p.next()
}

func (p *parser) expectKeyword(name string) {
	if !p.isName(name) {
		t := p.cur()
		p.fail(t.pos, "expected token '"+name+"', got '"+t.describe()+"'")
	}
	p.next()
}

func (p *parser) expectType(typ tokType, what string) token {
	t := p.cur()
	if t.typ != typ {
		p.fail(t.pos, "expected token '"+what+"', got '"+t.describe()+"'")
	}
	return p.next()
}

func (p *parser) expectBlockEnd() {
	p.skipOp(":")
	p.expectType(tBlockEnd, "end of statement block")
}

// parseTemplate parses the whole stream, recovering after an error at the next top-level
// statement that cannot be part of the failed one (a macro or host tag), so one parse
// reports several errors.
func (p *parser) parseTemplate() []Node {
	var body []Node
	for p.cur().typ != tEOF {
		func() {
			defer func() {
				if r := recover(); r != nil {
					pe, ok := r.(parseError)
					if !ok {
						panic(r)
					}
					p.errs = append(p.errs, pe.err)
					p.open = p.open[:0]
					p.depth = 0
					p.resync()
				}
			}()
			body = append(body, p.subparseOne(nil)...)
		}()
	}
	return body
}

// resync skips to the next top-level macro or host tag opening.
func (p *parser) resync() {
	p.next()
	for p.cur().typ != tEOF {
		if p.cur().typ == tBlockBegin {
			n := p.look(1)
			if n.typ == tName {
				if _, ok := p.env.Tags[n.val]; ok || n.val == "macro" {
					return
				}
			}
		}
		p.next()
	}
}

// subparseOne parses one data/output/statement item at top level; endTags stops it.
func (p *parser) subparseOne(endTags []string) []Node {
	t := p.cur()
	switch t.typ {
	case tData:
		p.next()
		return []Node{&TemplateData{Pos: t.pos, Text: t.val}}
	case tVarBegin:
		p.next()
		x := p.parseTuple(false, true, nil, false)
		p.expectType(tVarEnd, "end of print statement")
		return []Node{&Output{Pos: t.pos, X: x}}
	case tBlockBegin:
		p.next()
		n := p.parseStatement(t.pos)
		p.expectType(tBlockEnd, "end of statement block")
		if n == nil {
			return nil
		}
		return []Node{n}
	default:
		p.fail(t.pos, "unexpected '"+t.describe()+"'")
	}
	return nil
}

// subparse parses nodes until a block whose tag name is in endTags; it returns with the
// stream at that name.
func (p *parser) subparse(endTags []string) []Node {
	var body []Node
	for {
		t := p.cur()
		if t.typ == tEOF {
			if len(endTags) > 0 {
				p.failEOF(endTags)
			}
			return body
		}
		if t.typ == tBlockBegin && len(endTags) > 0 {
			n := p.look(1)
			if n.typ == tName {
				for _, e := range endTags {
					if n.val == e {
						p.next()
						return body
					}
				}
			}
		}
		body = append(body, p.subparseOne(endTags)...)
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, " or ")
}

func (p *parser) failEOF(endTags []string) {
	msg := "unexpected end of template, expected " + quoteList(endTags)
	if len(p.open) > 0 {
		msg += "; the innermost block that needs to be closed is '" + p.open[len(p.open)-1] + "'"
	}
	p.fail(p.cur().pos, msg)
}

// parseStatements parses "[:] %}" then a body up to one of endTags. With drop it also
// consumes the end tag name.
func (p *parser) parseStatements(endTags []string, drop bool) []Node {
	p.expectBlockEnd()
	body := p.subparse(endTags)
	if drop {
		p.next()
	}
	return body
}

func (p *parser) enter(tag string) {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.cur().pos, "template nested too deeply")
	}
	p.open = append(p.open, tag)
}

func (p *parser) leave() {
	p.depth--
	p.open = p.open[:len(p.open)-1]
}

// parseStatement parses the tag after "{%"; pos is the offset of "{%".
func (p *parser) parseStatement(pos int) Node {
	t := p.cur()
	if t.typ != tName {
		p.fail(t.pos, "tag name expected")
	}
	if kind, ok := p.env.Tags[t.val]; ok {
		p.next()
		return p.parseHostTag(pos, t.val, kind)
	}
	switch t.val {
	case "for":
		p.next()
		return p.parseFor(pos)
	case "if":
		p.next()
		return p.parseIf(pos)
	case "set":
		p.next()
		return p.parseSet(pos)
	case "macro":
		p.next()
		return p.parseMacro(pos, "macro")
	case "call":
		p.next()
		return p.parseCallBlock(pos)
	case "filter":
		p.next()
		p.enter("filter")
		f, _ := p.parseFilter(nil, true).(*FilterExpr)
		body := p.parseStatements([]string{"endfilter"}, true)
		p.leave()
		return &FilterBlock{Pos: pos, Filter: f, Body: body}
	case "do":
		p.next()
		return &Do{Pos: pos, X: p.parseTuple(false, true, nil, false)}
	case "print":
		p.next()
		return &Output{Pos: pos, X: p.parseTuple(false, true, nil, false)}
	case "break":
		p.next()
		if !p.inLoop() {
			p.fail(t.pos, "'break' outside loop")
		}
		return &Break{Pos: pos}
	case "continue":
		p.next()
		if !p.inLoop() {
			p.fail(t.pos, "'continue' not properly in loop")
		}
		return &Continue{Pos: pos}
	case "with":
		p.next()
		return p.parseWith(pos)
	case "autoescape":
		p.next()
		p.enter("autoescape")
		p.parseExpression(true)
		body := p.parseStatements([]string{"endautoescape"}, true)
		p.leave()
		return &Scoped{Pos: pos, Body: body}
	case "block":
		p.next()
		p.expectName()
		p.skipName("scoped")
		p.skipName("required")
		p.enter("block")
		body := p.parseStatements([]string{"endblock"}, true)
		p.leave()
		if p.cur().typ == tName {
			p.next()
		}
		return &Scoped{Pos: pos, Body: body}
	case "include":
		p.next()
		n := &Include{Pos: pos, Template: p.parseExpression(true), WithContext: true}
		if p.isName("ignore") && p.look(1).typ == tName && p.look(1).val == "missing" {
			p.next()
			p.next()
			n.IgnoreMissing = true
		}
		n.WithContext = p.parseImportContext(true)
		return n
	case "import":
		p.next()
		n := &Import{Pos: pos, Template: p.parseExpression(true)}
		p.expectKeyword("as")
		n.Target = p.expectName().val
		n.WithContext = p.parseImportContext(false)
		return n
	case "from":
		p.next()
		n := &FromImport{Pos: pos, Template: p.parseExpression(true)}
		p.expectKeyword("import")
		for {
			if len(n.Names) > 0 {
				if !p.skipOp(",") {
					break
				}
			}
			if p.isName("with") || p.isName("without") {
				if l := p.look(1); l.typ == tName && l.val == "context" {
					break
				}
			}
			if p.cur().typ != tName {
				if len(n.Names) == 0 {
					p.expectName()
				}
				break
			}
			name := p.next().val
			alias := name
			if p.skipName("as") {
				alias = p.expectName().val
			}
			n.Names = append(n.Names, name)
			n.Aliases = append(n.Aliases, alias)
		}
		n.WithContext = p.parseImportContext(false)
		return n
	case "extends":
		p.fail(t.pos, "template inheritance (extends) is not supported")
	}
	if len(p.open) > 0 {
		p.fail(t.pos, "encountered unknown tag '"+t.val+"'; jinja was looking for the end of '"+p.open[len(p.open)-1]+"'")
	}
	p.fail(t.pos, "encountered unknown tag '"+t.val+"'")
	return nil
}

func (p *parser) parseImportContext(def bool) bool {
	if (p.isName("with") || p.isName("without")) && p.look(1).typ == tName && p.look(1).val == "context" {
		w := p.next().val == "with"
		p.next()
		return w
	}
	return def
}

func (p *parser) parseFor(pos int) Node {
	p.enter("for")
	defer p.leave()
	n := &For{Pos: pos}
	n.Target = p.parseAssignTarget(true, false, []string{"in"}, false)
	walk(n.Target, func(x any) bool {
		if nm, ok := x.(*Name); ok && nm.Name == "loop" {
			p.fail(nm.Pos, "can't assign to special loop variable in for-loop target")
		}
		return true
	})
	p.expectKeyword("in")
	n.Iter = p.parseTuple(false, false, []string{"recursive"}, false)
	if p.skipName("if") {
		n.Cond = p.parseExpression(true)
	}
	n.Recursive = p.skipName("recursive")
	n.Body = p.parseStatements([]string{"endfor", "else"}, false)
	if p.next().val == "else" {
		n.Else = p.parseStatements([]string{"endfor"}, true)
	}
	return n
}

func (p *parser) parseIf(pos int) Node {
	p.enter("if")
	defer p.leave()
	n := &If{Pos: pos}
	for {
		n.Conds = append(n.Conds, p.parseTuple(false, false, nil, false))
		n.Bodies = append(n.Bodies, p.parseStatements([]string{"elif", "else", "endif"}, false))
		t := p.next()
		if t.val == "elif" {
			continue
		}
		if t.val == "else" {
			n.Else = p.parseStatements([]string{"endif"}, true)
		}
		break
	}
	return n
}

func (p *parser) parseSet(pos int) Node {
	target := p.parseAssignTarget(true, false, nil, true)
	if p.skipOp("=") {
		return &Set{Pos: pos, Target: target, Value: p.parseTuple(false, true, nil, false)}
	}
	p.enter("set")
	defer p.leave()
	var f *FilterExpr
	if p.isOp("|") {
		f, _ = p.parseFilter(nil, false).(*FilterExpr)
	}
	body := p.parseStatements([]string{"endset"}, true)
	return &SetBlock{Pos: pos, Target: target, Filter: f, Body: body}
}

func (p *parser) parseSignature() ([]string, []Expr) {
	p.expectOp("(")
	var params []string
	var defaults []Expr
	hasDefault := false
	for !p.isOp(")") {
		if len(params) > 0 {
			p.expectOp(",")
		}
		name := p.expectName()
		if p.skipOp("=") {
			defaults = append(defaults, p.parseExpression(true))
			hasDefault = true
		} else {
			if hasDefault {
				p.fail(name.pos, "non-default argument follows default argument")
			}
			defaults = append(defaults, nil)
		}
		params = append(params, name.val)
	}
	p.expectOp(")")
	return params, defaults
}

func (p *parser) parseMacro(pos int, tag string) Node {
	name := p.expectName().val
	p.enter(tag)
	defer p.leave()
	params, defaults := p.parseSignature()
	end := "end" + tag
	body := p.parseStatements([]string{end}, true)
	n := &MacroNode{Pos: pos, Tag: tag, Name: name, Params: params, Defaults: defaults, Body: body}
	n.uses = findUses(body, params)
	return n
}

func (p *parser) parseCallBlock(pos int) Node {
	p.enter("call")
	defer p.leave()
	n := &CallBlock{Pos: pos}
	if p.isOp("(") {
		n.Params, n.Defaults = p.parseSignature()
	}
	x := p.parseExpression(true)
	c, ok := x.(*CallExpr)
	if !ok {
		p.fail(x.Offset(), "expected call")
	}
	n.Call = c
	n.Body = p.parseStatements([]string{"endcall"}, true)
	n.uses = findUses(n.Body, n.Params)
	return n
}

func (p *parser) parseWith(pos int) Node {
	p.enter("with")
	defer p.leave()
	n := &With{Pos: pos}
	for p.cur().typ != tBlockEnd {
		if len(n.Targets) > 0 {
			p.expectOp(",")
		}
		n.Targets = append(n.Targets, p.parseAssignTarget(true, false, nil, false))
		p.expectOp("=")
		n.Values = append(n.Values, p.parseExpression(true))
	}
	n.Body = p.parseStatements([]string{"endwith"}, true)
	return n
}

func (p *parser) parseHostTag(pos int, tag string, kind TagKind) Node {
	if kind == TagMacroLike {
		return p.parseMacro(pos, tag)
	}
	p.enter(tag)
	defer p.leave()
	n := &BlockNode{Pos: pos, Tag: tag}
	for p.cur().typ != tBlockEnd && !(p.isOp(":") && p.look(1).typ == tBlockEnd) {
		if len(n.Args)+len(n.Kwargs) > 0 {
			p.expectOp(",")
		}
		if p.cur().typ == tName && p.look(1).typ == tOp && p.look(1).val == "=" {
			name := p.next().val
			p.next()
			n.Kwargs = append(n.Kwargs, KwargExpr{Name: name, Value: p.parseExpression(true)})
			continue
		}
		n.Args = append(n.Args, p.parseExpression(true))
	}
	n.Body = p.parseStatements([]string{"end" + tag}, true)
	return n
}

// parseAssignTarget parses a for/set/with target.
func (p *parser) parseAssignTarget(withTuple, nameOnly bool, extraEnd []string, withNamespace bool) Expr {
	t := p.cur()
	if withNamespace && t.typ == tName && p.look(1).typ == tOp && p.look(1).val == "." {
		// ns.attr, possibly in a tuple: {% set ns.a, ns.b = 1, 2 %}
		var items []Expr
		for {
			nt := p.expectName()
			var item Expr = &Name{Pos: nt.pos, Name: nt.val}
			if p.skipOp(".") {
				attr := p.expectName()
				item = &GetAttr{Pos: nt.pos, X: item, Name: attr.val}
			}
			items = append(items, item)
			if !p.skipOp(",") || p.isOp("=") {
				break
			}
		}
		if len(items) == 1 {
			return items[0]
		}
		return &TupleExpr{Pos: t.pos, Items: items}
	}
	if nameOnly {
		n := p.expectName()
		return &Name{Pos: n.pos, Name: n.val}
	}
	var target Expr
	if withTuple {
		target = p.parseTuple(true, true, extraEnd, false)
	} else {
		target = p.parsePrimary()
	}
	if !assignable(target) {
		p.fail(target.Offset(), "can't assign to "+nodeKind(target))
	}
	return target
}

func assignable(x Expr) bool {
	switch v := x.(type) {
	case *Name:
		switch v.Name {
		case "true", "false", "none", "True", "False", "None":
			return false
		}
		return true
	case *TupleExpr:
		for _, it := range v.Items {
			if !assignable(it) {
				return false
			}
		}
		return true
	case *GetAttr:
		_, ok := v.X.(*Name)
		return ok
	}
	return false
}

func nodeKind(x Expr) string {
	switch x.(type) {
	case *Const:
		return "'const'"
	case *CallExpr:
		return "'call'"
	}
	return "expression"
}

func (p *parser) isTupleEnd(extraEnd []string) bool {
	t := p.cur()
	switch t.typ {
	case tVarEnd, tBlockEnd:
		return true
	case tOp:
		return t.val == ")"
	case tName:
		for _, e := range extraEnd {
			if t.val == e {
				return true
			}
		}
	}
	return false
}

// parseTuple parses comma-separated expressions; one expression without a comma is
// returned as is.
func (p *parser) parseTuple(simplified, withCondexpr bool, extraEnd []string, explicitParens bool) Expr {
	pos := p.cur().pos
	var items []Expr
	isTuple := false
	for {
		if len(items) > 0 {
			p.expectOp(",")
		}
		if p.isTupleEnd(extraEnd) {
			break
		}
		switch {
		case simplified:
			items = append(items, p.parsePrimary())
		default:
			items = append(items, p.parseExpression(withCondexpr))
		}
		if p.isOp(",") {
			isTuple = true
		} else {
			break
		}
	}
	if !isTuple {
		if len(items) > 0 {
			return items[0]
		}
		if !explicitParens {
			t := p.cur()
			p.fail(t.pos, "expected an expression, got '"+t.describe()+"'")
		}
	}
	return &TupleExpr{Pos: pos, Items: items}
}

func (p *parser) parseExpression(withCondexpr bool) Expr {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.cur().pos, "expression nested too deeply")
	}
	defer func() { p.depth-- }()
	if withCondexpr {
		return p.parseCondexpr()
	}
	return p.parseOr()
}

func (p *parser) parseCondexpr() Expr {
	x := p.parseOr()
	for p.isName("if") {
		pos := p.next().pos
		test := p.parseOr()
		var els Expr
		if p.skipName("else") {
			els = p.parseCondexpr()
		}
		x = &CondExpr{Pos: pos, Test: test, Then: x, Else: els}
	}
	return x
}

func (p *parser) parseOr() Expr {
	x := p.parseAnd()
	for p.isName("or") {
		pos := p.next().pos
		x = &BinExpr{Pos: pos, Op: "or", L: x, R: p.parseAnd()}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseNot()
	for p.isName("and") {
		pos := p.next().pos
		x = &BinExpr{Pos: pos, Op: "and", L: x, R: p.parseNot()}
	}
	return x
}

func (p *parser) parseNot() Expr {
	if p.isName("not") {
		pos := p.next().pos
		p.depth++
		if p.depth > maxDepth {
			p.fail(pos, "expression nested too deeply")
		}
		x := p.parseNot()
		p.depth--
		return &UnaryExpr{Pos: pos, Op: "not", X: x}
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() Expr {
	pos := p.cur().pos
	x := p.parseMath1()
	var ops []CompareOp
	for {
		t := p.cur()
		if t.typ == tOp {
			switch t.val {
			case "==", "!=", "<", "<=", ">", ">=":
				p.next()
				ops = append(ops, CompareOp{Op: t.val, Y: p.parseMath1()})
				continue
			}
		}
		if p.skipName("in") {
			ops = append(ops, CompareOp{Op: "in", Y: p.parseMath1()})
			continue
		}
		if p.isName("not") && p.look(1).typ == tName && p.look(1).val == "in" {
			p.next()
			p.next()
			ops = append(ops, CompareOp{Op: "notin", Y: p.parseMath1()})
			continue
		}
		break
	}
	if len(ops) == 0 {
		return x
	}
	return &Compare{Pos: pos, X: x, Ops: ops}
}

func (p *parser) parseMath1() Expr {
	x := p.parseConcat()
	for p.isOp("+") || p.isOp("-") {
		t := p.next()
		x = &BinExpr{Pos: t.pos, Op: t.val, L: x, R: p.parseConcat()}
	}
	return x
}

func (p *parser) parseConcat() Expr {
	x := p.parseMath2()
	for p.isOp("~") {
		t := p.next()
		x = &BinExpr{Pos: t.pos, Op: "~", L: x, R: p.parseMath2()}
	}
	return x
}

func (p *parser) parseMath2() Expr {
	x := p.parsePow()
	for p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%") {
		t := p.next()
		x = &BinExpr{Pos: t.pos, Op: t.val, L: x, R: p.parsePow()}
	}
	return x
}

func (p *parser) parsePow() Expr {
	x := p.parseUnary(true)
	for p.isOp("**") {
		t := p.next()
		x = &BinExpr{Pos: t.pos, Op: "**", L: x, R: p.parseUnary(true)}
	}
	return x
}

func (p *parser) parseUnary(withFilter bool) Expr {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.cur().pos, "expression nested too deeply")
	}
	defer func() { p.depth-- }()
	var x Expr
	t := p.cur()
	if p.isOp("-") || p.isOp("+") {
		p.next()
		x = &UnaryExpr{Pos: t.pos, Op: t.val, X: p.parseUnary(false)}
	} else {
		x = p.parsePrimary()
	}
	x = p.parsePostfix(x)
	if withFilter {
		x = p.parseFilterExpr(x)
	}
	return x
}

func (p *parser) parsePrimary() Expr {
	t := p.cur()
	switch t.typ {
	case tName:
		p.next()
		switch t.val {
		case "true", "True":
			return &Const{Pos: t.pos, Value: true}
		case "false", "False":
			return &Const{Pos: t.pos, Value: false}
		case "none", "None":
			return &Const{Pos: t.pos, Value: nil}
		}
		return &Name{Pos: t.pos, Name: t.val}
	case tString:
		p.next()
		s := t.val
		if p.cur().typ == tString {
			var b strings.Builder
			b.WriteString(s)
			for p.cur().typ == tString {
				b.WriteString(p.next().val)
			}
			s = b.String()
		}
		return &Const{Pos: t.pos, Value: s}
	case tInt:
		p.next()
		v, err := strconv.ParseInt(t.val, 10, 64)
		if err != nil {
			b, ok := new(big.Int).SetString(t.val, 10)
			if !ok {
				p.fail(t.pos, "invalid integer literal")
			}
			return &Const{Pos: t.pos, Value: b}
		}
		return &Const{Pos: t.pos, Value: v}
	case tFloat:
		p.next()
		f, _ := strconv.ParseFloat(t.val, 64)
		return &Const{Pos: t.pos, Value: f}
	case tOp:
		switch t.val {
		case "(":
			p.next()
			x := p.parseTuple(false, true, nil, true)
			p.expectOp(")")
			return x
		case "[":
			p.next()
			n := &ListExpr{Pos: t.pos}
			for !p.isOp("]") {
				if len(n.Items) > 0 {
					p.expectOp(",")
				}
				if p.isOp("]") {
					break
				}
				n.Items = append(n.Items, p.parseExpression(true))
			}
			p.expectOp("]")
			return n
		case "{":
			p.next()
			n := &DictExpr{Pos: t.pos}
			for !p.isOp("}") {
				if len(n.Keys) > 0 {
					p.expectOp(",")
				}
				if p.isOp("}") {
					break
				}
				n.Keys = append(n.Keys, p.parseExpression(true))
				p.expectOp(":")
				n.Values = append(n.Values, p.parseExpression(true))
			}
			p.expectOp("}")
			return n
		}
	}
	p.fail(t.pos, "unexpected '"+t.describe()+"'")
	return nil
}

func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch {
		case p.isOp("."):
			p.next()
			t := p.next()
			switch t.typ {
			case tName:
				x = &GetAttr{Pos: x.Offset(), X: x, Name: t.val}
			case tInt:
				v, _ := strconv.ParseInt(t.val, 10, 64)
				x = &GetItem{Pos: x.Offset(), X: x, Index: &Const{Pos: t.pos, Value: v}}
			default:
				p.fail(t.pos, "expected name or number")
			}
		case p.isOp("["):
			p.next()
			var idx []Expr
			for !p.isOp("]") {
				if len(idx) > 0 {
					p.expectOp(",")
					if p.isOp("]") {
						break
					}
				}
				idx = append(idx, p.parseSubscribed())
			}
			p.expectOp("]")
			switch len(idx) {
			case 0:
				p.fail(p.cur().pos, "expected subscript expression")
			case 1:
				x = &GetItem{Pos: x.Offset(), X: x, Index: idx[0]}
			default:
				x = &GetItem{Pos: x.Offset(), X: x, Index: &TupleExpr{Pos: idx[0].Offset(), Items: idx}}
			}
		case p.isOp("("):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

func (p *parser) parseSubscribed() Expr {
	pos := p.cur().pos
	var args [3]Expr
	if p.isOp(":") {
		p.next()
	} else {
		x := p.parseExpression(true)
		if !p.isOp(":") {
			return x
		}
		p.next()
		args[0] = x
	}
	if !p.isOp(":") && !p.isOp("]") && !p.isOp(",") {
		args[1] = p.parseExpression(true)
	}
	if p.skipOp(":") {
		if !p.isOp("]") && !p.isOp(",") {
			args[2] = p.parseExpression(true)
		}
	}
	return &SliceExpr{Pos: pos, Start: args[0], Stop: args[1], Step: args[2]}
}

type callArgs struct {
	args    []Expr
	kwargs  []KwargExpr
	dynArgs Expr
	dynKw   Expr
}

func (p *parser) parseCallArgs() callArgs {
	t := p.expectOp("(")
	var c callArgs
	n := 0
	for !p.isOp(")") {
		if n > 0 {
			p.expectOp(",")
			if p.isOp(")") {
				break
			}
		}
		n++
		switch {
		case p.isOp("*"):
			p.next()
			c.dynArgs = p.parseExpression(true)
		case p.isOp("**"):
			p.next()
			c.dynKw = p.parseExpression(true)
		case p.cur().typ == tName && p.look(1).typ == tOp && p.look(1).val == "=":
			if c.dynKw != nil {
				p.fail(p.cur().pos, "invalid syntax for function call expression")
			}
			name := p.next().val
			p.next()
			c.kwargs = append(c.kwargs, KwargExpr{Name: name, Value: p.parseExpression(true)})
		default:
			if len(c.kwargs) > 0 || c.dynArgs != nil || c.dynKw != nil {
				p.fail(p.cur().pos, "invalid syntax for function call expression")
			}
			c.args = append(c.args, p.parseExpression(true))
		}
	}
	_ = t
	p.expectOp(")")
	return c
}

func (p *parser) parseCall(fn Expr) Expr {
	c := p.parseCallArgs()
	return &CallExpr{Pos: fn.Offset(), Func: fn, Args: c.args, Kwargs: c.kwargs, DynArgs: c.dynArgs, DynKw: c.dynKw}
}

func (p *parser) dottedName() (token, string) {
	t := p.expectName()
	name := t.val
	for p.isOp(".") {
		p.next()
		name += "." + p.expectName().val
	}
	return t, name
}

// parseFilter parses |f(args)|g…; startInline means the first "|" is already implied.
func (p *parser) parseFilter(x Expr, startInline bool) Expr {
	for p.isOp("|") || startInline {
		if !startInline {
			p.next()
		}
		startInline = false
		t, name := p.dottedName()
		f := &FilterExpr{Pos: t.pos, X: x, Name: name}
		if p.isOp("(") {
			c := p.parseCallArgs()
			f.Args, f.Kwargs, f.DynArgs, f.DynKw = c.args, c.kwargs, c.dynArgs, c.dynKw
		}
		if _, ok := p.env.Filters[name]; !ok && !p.soft() {
			p.fail(t.pos, "no filter named '"+name+"'")
		}
		x = f
	}
	if x == nil {
		return (*FilterExpr)(nil)
	}
	return x
}

func (p *parser) parseTest(x Expr) Expr {
	p.next() // is
	neg := p.skipName("not")
	t, name := p.dottedName()
	n := &TestExpr{Pos: t.pos, X: x, Name: name, Negated: neg}
	c := p.cur()
	switch {
	case p.isOp("("):
		a := p.parseCallArgs()
		n.Args, n.Kwargs, n.DynArgs, n.DynKw = a.args, a.kwargs, a.dynArgs, a.dynKw
	case c.typ == tName && c.val != "else" && c.val != "or" && c.val != "and",
		c.typ == tString, c.typ == tInt, c.typ == tFloat,
		c.typ == tOp && (c.val == "(" || c.val == "[" || c.val == "{"):
		if c.typ == tName && c.val == "is" {
			p.fail(c.pos, "you cannot chain multiple tests with is")
		}
		arg := p.parsePostfix(p.parsePrimary())
		n.Args = []Expr{arg}
	}
	if _, ok := p.env.Tests[name]; !ok && !p.soft() {
		p.fail(t.pos, "no test named '"+name+"'")
	}
	return n
}

func (p *parser) parseFilterExpr(x Expr) Expr {
	for {
		switch {
		case p.isOp("|"):
			x = p.parseFilter(x, false)
		case p.isName("is"):
			x = p.parseTest(x)
		case p.isOp("("):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

// macroUses records which implicit names a macro body reads.
type macroUses struct{ caller, varargs, kwargs bool }

func findUses(body []Node, params []string) macroUses {
	var u macroUses
	declared := map[string]bool{}
	for _, p := range params {
		declared[p] = true
	}
	walkNodes(body, func(n any) bool {
		if nm, ok := n.(*Name); ok {
			switch nm.Name {
			case "caller":
				u.caller = true
			case "varargs":
				u.varargs = !declared["varargs"]
			case "kwargs":
				u.kwargs = !declared["kwargs"]
			}
		}
		return true
	})
	return u
}

// soft reports whether unknown filters and tests are deferred to runtime, as Jinja2 does
// inside if blocks and for hosts that never registered any.
func (p *parser) soft() bool {
	if p.env.Filters == nil || p.env.Tests == nil {
		return true
	}
	for _, o := range p.open {
		if o == "if" {
			return true
		}
	}
	return false
}

// inLoop reports whether a for body encloses the current statement within the same macro.
func (p *parser) inLoop() bool {
	for i := len(p.open) - 1; i >= 0; i-- {
		switch o := p.open[i]; o {
		case "for":
			return true
		case "macro", "call":
			return false
		default:
			if _, ok := p.env.Tags[o]; ok && p.env.Tags[o] == TagMacroLike {
				return false
			}
		}
	}
	return false
}
