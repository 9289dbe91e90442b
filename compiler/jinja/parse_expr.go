package jinja

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Expression parsing, following Jinja2 precedence: condexpr, or, and, not, compare, + -, ~, * / // %, **, unary, postfix, filters and tests.

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
	mark := len(p.unknown)
	x := p.parseOr()
	if p.isName("if") {
		defer func() { p.unknown = p.unknown[:mark] }() // a soft frame: checked at run time
	}
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
		mark := len(p.unknown)
		r := p.parseAnd()
		p.dropFoldedAway(x, true, mark)
		x = &BinExpr{Pos: pos, Op: "or", L: x, R: r}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseNot()
	for p.isName("and") {
		pos := p.next().pos
		mark := len(p.unknown)
		r := p.parseNot()
		p.dropFoldedAway(x, false, mark)
		x = &BinExpr{Pos: pos, Op: "and", L: x, R: r}
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
	marks := make([]int, 0, 8) // len(p.unknown) before each operand after the first
	for {
		marks = append(marks, len(p.unknown))
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
	c := &Compare{Pos: pos, X: x, Ops: ops}
	if len(p.unknown) > marks[0] {
		p.dropFoldedAwayCompare(c, marks)
	}
	return c
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
		p.sawFloat = true
		return &Const{Pos: t.pos, Value: f, inf: math.IsInf(f, 0)}
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
	p.sawSlice = true
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
		if name == "float" {
			p.sawFloat = true // 'inf'|float folds to a bare name (fold.go)
		}
		if p.isOp("(") {
			c := p.parseCallArgs()
			f.Args, f.Kwargs, f.DynArgs, f.DynKw = c.args, c.kwargs, c.dynArgs, c.dynKw
		}
		if _, ok := p.env.Filters[name]; !ok {
			p.unknownName(t.pos, "no filter named '"+name+"'")
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
	if _, ok := p.env.Tests[name]; !ok {
		p.unknownName(t.pos, "no test named '"+name+"'")
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
