package dag

import "testing"

// FuzzSelect feeds arbitrary selection strings to the whole selector: it may refuse
// them, but never panic.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{"+a", "2+tag:x+3", "@b", "config.meta.x:y", "path:models/**/[a-", "a,b c", "source:a.b.c",
		"*[!]x", "state:modified", "selector:x", "file:*.s?l", "+"} {
		f.Add(s)
	}
	g := mustGraph(f, shopManifest())
	sels, err := ParseSelectors("s.yml", []byte(selectorsYAML))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Select(g, SelectOptions{Select: []string{s}, Selectors: sels, PreviousResults: map[string]string{}})
		_, _ = Select(g, SelectOptions{Exclude: []string{s}, Indirect: IndirectBuildable})
		_ = fnmatch(s, s)
		_ = fnmatch("model.shop.x", s)
	})
}

// FuzzSelectors checks that no selectors.yml makes the parser panic.
func FuzzSelectors(f *testing.F) {
	f.Add(selectorsYAML)
	f.Add("selectors:\n  - name: a\n    definition: {union: [x, {exclude: [y]}]}\n")
	g := mustGraph(f, shopManifest())
	f.Fuzz(func(t *testing.T, y string) {
		s, err := ParseSelectors("s.yml", []byte(y))
		if err != nil {
			return
		}
		for _, n := range s.Names() {
			_, _ = Select(g, SelectOptions{Selector: n, Selectors: s})
		}
	})
}
