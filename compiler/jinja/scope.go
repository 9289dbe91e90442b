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
}

func newScope(parent *scope) *scope { return &scope{parent: parent} }

func (s *scope) lookup(name string) (Value, bool) {
	for f := s; f != nil; f = f.parent {
		for i := len(f.names) - 1; i >= 0; i-- {
			if f.names[i] == name {
				return f.vals[i], true
			}
		}
	}
	return nil, false
}

func (s *scope) set(name string, v Value) {
	for i, n := range s.names {
		if n == name {
			s.vals[i] = v
			return
		}
	}
	s.names = append(s.names, name)
	s.vals = append(s.vals, v)
}
