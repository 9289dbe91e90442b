package jinja

import (
	"strings"
	"testing"
)

// TestRandomFilter: every pick is an item of the sequence, every item turns up over many
// renders, and an empty sequence gives Jinja2's Undefined (empty output, an error on use).
func TestRandomFilter(t *testing.T) {
	env := NewEnv()
	tpl, err := env.Parse("r", "{% for i in range(300) %}{{ ['a', 'b', 'c'] | random }}{% endfor %}|{{ 'xy' | random in 'xy' }}|{{ [] | random }}")
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.Render(env, &Context{})
	if err != nil {
		t.Fatal(err)
	}
	picks, rest, _ := strings.Cut(out, "|")
	if len(picks) != 300 || strings.Trim(picks, "abc") != "" {
		t.Fatalf("picks %q are not 300 items of the list", picks)
	}
	for _, want := range []string{"a", "b", "c"} {
		if !strings.Contains(picks, want) {
			t.Errorf("%q never picked in 300 draws", want)
		}
	}
	if rest != "True|" {
		t.Errorf("got %q, want True| (a character of the string, then the empty Undefined)", rest)
	}
	tpl, _ = env.Parse("e", "{{ ([] | random).x }}")
	if _, err := tpl.Render(env, &Context{}); err == nil || !strings.Contains(err.Error(), "No random item, sequence was empty.") {
		t.Errorf("using the empty pick: %v", err)
	}
}
