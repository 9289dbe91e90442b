package jinja

import "math/rand/v2"

// addRandomFilter registers Jinja2's random filter (filters.py do_random): one item of the
// sequence chosen at random, or an Undefined saying the sequence was empty. dbt projects use
// it for sampling and for names that must not collide; the choice is not reproducible, as in
// Jinja2.
func addRandomFilter(f map[string]Func) {
	f["random"] = filter("random", []string{"seq"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if g, ok := a[0].(*genVal); ok { // random.choice needs len(seq)
			return nil, typeErr("object of type " + pyQuote(g.typ) + " has no len()")
		}
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{hint: "No random item, sequence was empty."}, nil
		}
		if isMarkup(a[0]) { // random.choice indexes the Markup: Markup.__getitem__ gives Markup
			return toMarkup(items[rand.IntN(len(items))]), nil
		}
		return items[rand.IntN(len(items))], nil
	})
}
