package jinja

// loopObj is the `loop` variable of a for loop.
type loopObj struct {
	items  []Value
	index0 int
	depth  int
	r      *renderer
	node   *For
	sc     *scope
	last   Value
	hasLst bool
	// live is the list a plain for loop walks, which the body may grow: Jinja2's
	// LoopContext measures its length on first use and caches it (length, revindex),
	// while last and nextitem peek at the live iterator.
	live    *List
	liveLen int
}

func (l *loopObj) attr(name string) (Value, bool) {
	n := len(l.items)
	if l.live != nil {
		switch name {
		case "length", "revindex", "revindex0":
			if l.liveLen < 0 {
				l.liveLen = len(l.live.Items)
			}
			n = l.liveLen
		case "last", "nextitem":
			l.items = l.live.Items
			n = len(l.items)
		}
	}
	switch name {
	case "index":
		return int64(l.index0 + 1), true
	case "index0":
		return int64(l.index0), true
	case "revindex":
		return int64(n - l.index0), true
	case "revindex0":
		return int64(n - l.index0 - 1), true
	case "first":
		return l.index0 == 0, true
	case "last":
		return l.index0 == n-1, true
	case "length":
		return int64(n), true
	case "depth":
		return int64(l.depth), true
	case "depth0":
		return int64(l.depth - 1), true
	case "previtem":
		if l.index0 == 0 {
			return &Undefined{Name: "previtem", hint: "there is no previous item"}, true
		}
		return l.items[l.index0-1], true
	case "nextitem":
		if l.index0 >= n-1 {
			return &Undefined{Name: "nextitem", hint: "there is no next item"}, true
		}
		return l.items[l.index0+1], true
	case "cycle":
		return Func(func(c *Call, args []Value, _ []KeywordArg) (Value, error) {
			if len(args) == 0 {
				return nil, typeErr("no items for cycling given")
			}
			return args[l.index0%len(args)], nil
		}), true
	case "changed":
		return Func(func(c *Call, args []Value, _ []KeywordArg) (Value, error) {
			v := Tuple(append([]Value(nil), args...))
			if !l.hasLst || !equal(l.last, v) {
				l.last, l.hasLst = v, true
				return true, nil
			}
			return false, nil
		}), true
	}
	return nil, false
}

// CallJinja implements recursive loops: loop(children) renders the body for children.
func (l *loopObj) CallJinja(c *Call, args []Value, _ []KeywordArg) (Value, error) {
	if !l.node.Recursive {
		return nil, typeErr("Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.")
	}
	if len(args) != 1 {
		return nil, typeErr("loop() takes exactly one argument")
	}
	items, ok := iterValues(args[0])
	if !ok {
		return nil, typeErr(pyQuote(typeName(args[0])) + " object is not iterable")
	}
	b := l.r.getBuf()
	l.r.loop(l.node, items, l.sc, b, l.depth+1)
	return l.r.bufString(b), nil
}
