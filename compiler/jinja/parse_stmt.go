package jinja

import "slices"

// Statement parsing: one function per Jinja2 tag, plus host tags and assignment targets.

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
		p.pushFrame(false) // visit_FilterBlock: frame.inner(), the filter included
		f, _ := p.parseFilter(nil, true).(*FilterExpr)
		body := p.parseStatements([]string{"endfilter"}, true)
		p.popFrame()
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
		p.pushFrame(false) // blocks compile to functions of their own
		body := p.parseStatements([]string{"endblock"}, true)
		p.popFrame()
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
	// visit_For: the iterable in the outer frame; the loop filter, body and else in inner ones.
	p.pushFrame(false)
	defer p.popFrame()
	if p.skipName("if") {
		n.Cond = p.parseExpression(true)
	}
	n.Recursive = p.skipName("recursive")
	n.Body = p.parseStatements([]string{"endfor", "else"}, false)
	if p.next().val == "else" {
		p.forElse = append(p.forElse, len(p.open)-1)
		n.Else = p.parseStatements([]string{"endfor"}, true)
		p.forElse = p.forElse[:len(p.forElse)-1]
	}
	return n
}

func (p *parser) parseIf(pos int) Node {
	p.enter("if")
	defer p.leave()
	p.pushFrame(true) // visit_If: frame.soft() for the tests and every branch
	defer p.popFrame()
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
	p.pushFrame(false) // visit_AssignBlock: frame.inner(), the filter included
	defer p.popFrame()
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
	p.pushFrame(false) // macro_body: frame.inner(), the defaults included
	defer p.popFrame()
	params, defaults := p.parseSignature()
	end := "end" + tag
	body := p.parseStatements([]string{end}, true)
	n := &MacroNode{Pos: pos, Tag: tag, Name: name, Params: params, Defaults: defaults, Body: body}
	n.uses = findUses(body, params)
	p.checkCallerParam(pos, n.uses, params, defaults)
	return n
}

// checkCallerParam rejects a parameter named caller without a default when the body
// uses caller, as Jinja2's compiler does (compiler.py macro_body).
func (p *parser) checkCallerParam(pos int, uses macroUses, params []string, defaults []Expr) {
	if !uses.caller {
		return
	}
	for i, name := range params {
		if name == "caller" && defaults[i] == nil {
			p.fail(pos, `when defining macros or call blocks the special "caller" argument must be omitted or be given a default`)
		}
	}
}

func (p *parser) parseCallBlock(pos int) Node {
	p.enter("call")
	defer p.leave()
	n := &CallBlock{Pos: pos}
	if p.isOp("(") {
		p.pushFrame(false) // the caller's defaults are compiled in its macro_body
		n.Params, n.Defaults = p.parseSignature()
		p.popFrame()
	}
	x := p.parseExpression(true) // the call itself: the outer frame
	p.pushFrame(false)
	defer p.popFrame()
	c, ok := x.(*CallExpr)
	if !ok {
		p.fail(x.Offset(), "expected call")
	}
	n.Call = c
	n.Body = p.parseStatements([]string{"endcall"}, true)
	n.uses = findUses(n.Body, n.Params)
	p.checkCallerParam(pos, n.uses, n.Params, n.Defaults)
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
	p.pushFrame(false) // visit_With: values in the outer frame, the body in an inner one
	defer p.popFrame()
	n.Body = p.parseStatements([]string{"endwith"}, true)
	return n
}

func (p *parser) parseHostTag(pos int, tag string, kind TagKind) Node {
	if kind == TagMacroLike {
		return p.parseMacro(pos, tag)
	}
	p.enter(tag)
	defer p.leave()
	p.pushFrame(false) // host blocks (dbt's materialization, test, …) compile to macros
	defer p.popFrame()
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

// inLoop reports whether a for body encloses the current statement within the same macro.
func (p *parser) inLoop() bool {
	for i := len(p.open) - 1; i >= 0; i-- {
		switch o := p.open[i]; o {
		case "for":
			if !slices.Contains(p.forElse, i) {
				return true
			}
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
