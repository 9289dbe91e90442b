package jinja

// AcceptsKeyword tells whether a call may pass the keyword argument name: a declared
// parameter, or any name when the body reads `kwargs` (Jinja2's catch_kwargs). Hosts check
// arguments against it before rendering, to report a bad one where it was written (dbt's
// generic test arguments in YAML) rather than inside the macro.
func (m *Macro) AcceptsKeyword(name string) bool {
	if m == nil || m.Node == nil || m.Node.uses.kwargs {
		return true
	}
	for _, p := range m.Params {
		if p == name {
			return true
		}
	}
	return false
}
