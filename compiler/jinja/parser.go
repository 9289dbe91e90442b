package jinja

import (
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
	// frames mirrors the soft flag of Jinja2's compiler frames (compiler.py Frame.soft_frame):
	// true inside an if statement's test and bodies, false in every construct that opens an
	// inner frame (for bodies and loop filters, filter and set blocks, with bodies, macros,
	// call blocks, blocks). Unknown filters and tests fail at parse time only outside soft frames.
	frames []bool
	// forElse holds the indexes in open of the for statements whose else is being parsed:
	// a break or continue there belongs to the enclosing loop (the else is compiled after
	// the Python for statement).
	forElse []int
	// sawSlice is set when a slice subscript was parsed: only then can constant folding
	// differ from run-time evaluation (markFolds).
	sawSlice bool
	// sawFloat is set when a float literal or the float filter was parsed: only then can a
	// constant fold to inf or nan, which Jinja2 cannot write into its code (markFolds)
	sawFloat bool
	// unknown filters and tests outside if blocks, reported when the template is parsed
	// unless an inline if-expression around them makes them soft (see parseCondexpr)
	unknown []*Error
}

// unknownName records an unknown filter or test: Jinja2 fails at compile time unless the
// frame is soft, that is inside an if block or an inline if-expression (compiler.py
// visit_If and visit_CondExpr call frame.soft(); _filter_test_common fails otherwise).
func (p *parser) unknownName(pos int, msg string) {
	if !p.soft() {
		p.unknown = append(p.unknown, newError(p.file, p.src, pos, msg))
	}
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
					p.frames = p.frames[:0]
					p.forElse = p.forElse[:0]
					p.depth = 0
					p.resync()
				}
			}()
			body = append(body, p.subparseOne(nil)...)
		}()
	}
	p.errs = append(p.errs, p.unknown...)
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
		mark := len(p.unknown)
		x := p.parseTuple(false, true, nil, false)
		p.expectType(tVarEnd, "end of print statement")
		konst := isConstExpr(x)
		if len(p.unknown) > mark || !konst && p.sawSlice {
			// visit_Output folds the whole expression whatever its value (fold.go): an
			// unknown filter it skips is never compiled, a slice in it folds
			if _, ok := p.constOf(x); ok {
				konst = true
				p.unknown = p.unknown[:mark]
			}
		}
		return []Node{&Output{Pos: t.pos, X: x, konst: konst}}
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

// soft reports whether unknown filters and tests are deferred to runtime, as Jinja2 does
// inside soft frames (if statements; conditional expressions are handled by parseCondexpr)
// and for hosts that never registered any.
func (p *parser) soft() bool {
	if p.env.Filters == nil || p.env.Tests == nil {
		return true
	}
	return len(p.frames) > 0 && p.frames[len(p.frames)-1]
}

// pushFrame opens a compiler frame: soft for if statements (Frame.soft), hard for the
// constructs for which Jinja2 calls Frame.inner or compiles a new function.
func (p *parser) pushFrame(soft bool) { p.frames = append(p.frames, soft) }

// popFrame closes the frame pushFrame opened.
func (p *parser) popFrame() { p.frames = p.frames[:len(p.frames)-1] }
