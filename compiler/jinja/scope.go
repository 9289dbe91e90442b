package jinja

// scope is one frame of local names. Jinja2 gives every for-loop iteration, macro call and
// with block its own frame; if blocks share their parent's. Frames are small, so a slice
// search beats a map.
type scope struct {
	parent *scope
	names  []string
	vals   []Value
	// inline storage for the first few names (renderer.smallScope carves scopes in batches)
	inNames [3]string
	inVals  [3]Value
	// idx indexes names once a frame grows large (a macro file's top level holds every
	// macro), so set and lookup stay O(1) there instead of a linear scan.
	idx map[string]int
}

// scopeIndexAt is the frame size from which names are indexed by a map.
const scopeIndexAt = 16

func newScope(parent *scope) *scope { return &scope{parent: parent} }

func (s *scope) lookup(name string) (Value, bool) {
	for f := s; f != nil; f = f.parent {
		if f.idx != nil {
			if i, ok := f.idx[name]; ok {
				return f.vals[i], true
			}
			continue
		}
		for i := len(f.names) - 1; i >= 0; i-- {
			if f.names[i] == name {
				return f.vals[i], true
			}
		}
	}
	return nil, false
}

func (s *scope) set(name string, v Value) {
	if s.idx != nil {
		if i, ok := s.idx[name]; ok {
			s.vals[i] = v
			return
		}
		s.idx[name] = len(s.names)
	} else {
		for i, n := range s.names {
			if n == name {
				s.vals[i] = v
				return
			}
		}
		if len(s.names) >= scopeIndexAt {
			s.idx = make(map[string]int, 2*scopeIndexAt)
			for i, n := range s.names {
				s.idx[n] = i
			}
			s.idx[name] = len(s.names)
		}
	}
	s.names = append(s.names, name)
	s.vals = append(s.vals, v)
}
