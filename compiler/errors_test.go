package compiler

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		e    *Error
		want string
	}{
		{&Error{File: "models/a.sql", Line: 3, Col: 7, Msg: "boom"}, "models/a.sql:3:7: boom"},
		{&Error{File: "models/a.sql", Line: 3, Msg: "no column"}, "models/a.sql:3: no column"},
		{&Error{File: "dbt_project.yml", Msg: "whole file"}, "dbt_project.yml: whole file"},
		{&Error{Msg: "no position"}, "no position"},
		{&Error{File: "models/z.sql", Line: 10, Col: 2, Msg: "undefined x",
			Stack: []string{"in macro m (macros/y.sql:3:5) called from models/z.sql:10:2"}},
			"models/z.sql:10:2: undefined x\n  in macro m (macros/y.sql:3:5) called from models/z.sql:10:2"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestErrorsSortAndMatch(t *testing.T) {
	es := Errors{
		Errorf("models/b.sql", 1, 1, "b"),
		Errorf("models/a.sql", 10, 1, "late"),
		Errorf("models/a.sql", 2, 5, "x"),
		Errorf("models/a.sql", 2, 5, "x"), // duplicate
		Errorf("models/a.sql", 2, 1, "early"),
	}
	err := es.Err()
	want := "models/a.sql:2:1: early\nmodels/a.sql:2:5: x\nmodels/a.sql:10:1: late\nmodels/b.sql:1:1: b"
	if err.Error() != want {
		t.Errorf("got:\n%s\nwant:\n%s", err, want)
	}
	if !errors.Is(err, ErrProject) || !errors.Is(fmt.Errorf("wrapped: %w", err), ErrProject) {
		t.Error("Errors must match ErrProject through wrapping")
	}
	if (Errors{}).Err() != nil {
		t.Error("empty Errors must give a nil error")
	}
	got := AsErrors(fmt.Errorf("load: %w", err))
	if len(got) != 4 {
		t.Errorf("AsErrors through wrapping: %d errors", len(got))
	}
	plain := AsErrors(errors.New("plain"))
	if len(plain) != 1 || plain[0].Msg != "plain" || plain[0].File != "" {
		t.Errorf("AsErrors(plain) = %+v", plain)
	}
	joined := AsErrors(errors.Join(Errorf("f", 1, 1, "a"), errors.New("b")))
	if len(joined) != 2 {
		t.Errorf("AsErrors(joined) = %+v", joined)
	}
}

func TestYAMLSyntaxPositions(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		{"a: 1\nb: [x\n  c: d\n", "f.yml:2:1: invalid YAML: did not find expected ',' or ']'"},
		{"a: 1\nb: c: d\n", "f.yml:2:1: invalid YAML: mapping values are not allowed in this context"},
		{"a: 1\n\tb: 2\n", "f.yml:2:1: invalid YAML: found a tab character that violates indentation"},
		{"a:\n  - x\n  y: 1\n", "f.yml:2:3: invalid YAML: did not find expected '-' indicator"},
	}
	for _, c := range cases {
		_, err := parseYAMLDoc("f.yml", []byte(c.src))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
}
