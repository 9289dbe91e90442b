package jinja

func (e *Env) parse(file, src string) (t *Template, err error) {
	t = &Template{File: file, Src: src, root: &Root{}}
	defer func() {
		if p := recover(); p != nil {
			t = nil
			err = ErrorList{newError(file, src, 0, "internal parser error: "+ToString(toStr(p)))}
		}
	}()
	pooled := tokPool.Get().(*[]token)
	toks, lerrs := lex(*pooled, file, src)
	defer func() {
		if cap(toks) > maxPooledTokens {
			return
		}
		clear(toks) // drop the strings, which may point into src
		*pooled = toks[:0]
		tokPool.Put(pooled)
	}()
	p := &parser{env: e, file: file, src: src, toks: toks}
	if e.Tags == nil {
		p.env = &Env{Globals: e.Globals, Filters: e.Filters, Tests: e.Tests, Tags: map[string]TagKind{}, Loader: e.Loader}
	}
	body := p.parseTemplate()
	errs := lerrs
	for _, e := range p.errs {
		// a lexer error truncates the token stream; parser errors after it are its echo
		if len(lerrs) > 0 && (e.Line > lerrs[0].Line || e.Line == lerrs[0].Line && e.Col >= lerrs[0].Col) {
			continue
		}
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return nil, errs.sorted()
	}
	t.root.Body = body
	if p.sawSlice || p.sawFloat {
		markFolds(body, p.sawSlice, p.sawFloat)
	}
	for _, n := range body {
		switch x := n.(type) {
		case *MacroNode:
			t.macros = append(t.macros, &Macro{Name: x.Name, Tag: x.Tag, Params: x.Params, Defaults: x.Defaults, File: file, Pos: x.Pos, Node: x, tmpl: t})
		case *BlockNode:
			t.blocks = append(t.blocks, &Block{Tag: x.Tag, Args: x.Args, Kwargs: x.Kwargs, Body: x.Body, File: file, Pos: x.Pos, tmpl: t})
		}
	}
	return t, nil
}

func toStr(p any) Value {
	switch x := p.(type) {
	case error:
		return x.Error()
	case string:
		return x
	}
	return "panic"
}

// RenderValue renders the template like Render and also reports whether a host function
// called Return outside any macro, with its value (rendering stops there and out is "").
func (t *Template) RenderValue(e *Env, ctx *Context) (out string, ret Value, returned bool, err error) {
	r := newRenderer(e, ctx, t)
	defer func() {
		if p := recover(); p != nil {
			var rp *returnPanic
			err, rp = r.recoverErr(p)
			out = ""
			if rp != nil {
				ret, returned = rp.v, true
			}
		}
	}()
	b := &outBuf{b: make([]byte, 0, len(t.Src))}
	r.exec(t.root.Body, newScope(nil), b)
	r.joined(b)
	return b.take(), nil, false, nil
}

// RenderValue renders the block body in ctx like Render and also reports whether a host
// function called Return in the body (outside any macro), with its value: a dbt
// materialization ends with {{ return({'relations': [...]}) }}. Rendering stops at the
// Return and out is "", as in Template.RenderValue.
func (b *Block) RenderValue(e *Env, ctx *Context) (out string, ret Value, returned bool, err error) {
	r := newRenderer(e, ctx, b.tmpl)
	defer func() {
		if p := recover(); p != nil {
			var rp *returnPanic
			err, rp = r.recoverErr(p)
			out = ""
			if rp != nil {
				ret, returned, err = rp.v, true, nil
			}
		}
	}()
	w := &outBuf{}
	r.exec(b.Body, newScope(nil), w)
	r.joined(w)
	return w.take(), nil, false, nil
}

func (b *Block) eval(e *Env, ctx *Context, x Expr) (v Value, err error) {
	r := newRenderer(e, ctx, b.tmpl)
	defer func() {
		if p := recover(); p != nil {
			var rp *returnPanic
			err, rp = r.recoverErr(p)
			if rp != nil {
				v, err = rp.v, nil
			}
		}
	}()
	return r.eval(x, nil), nil
}
