package jinja

import (
	"errors"
	"strings"
	"testing"
)

// stamp and span are host objects standing in for dbt's datetime and timedelta: seconds
// since an epoch, and a duration in seconds. aware mimics tz-aware datetimes, which do
// not order against naive ones.
type stamp struct {
	sec   int64
	aware bool
}

type span struct{ sec int64 }

func (s *stamp) Attr(name string) (Value, bool) {
	if name == "sec" {
		return s.sec, true
	}
	return nil, false
}

func (s *stamp) JinjaString() string   { return "stamp(" + itoa(int(s.sec)) + ")" }
func (s *stamp) JinjaTypeName() string { return "datetime.datetime" }

func (s *stamp) JinjaBinary(op string, other Value, reflected bool) (Value, bool, error) {
	switch o := other.(type) {
	case *span:
		switch {
		case op == "+":
			return &stamp{s.sec + o.sec, s.aware}, true, nil
		case op == "-" && !reflected:
			return &stamp{s.sec - o.sec, s.aware}, true, nil
		}
	case *stamp:
		if op == "==" {
			return s.sec == o.sec && s.aware == o.aware, true, nil
		}
		if s.aware != o.aware && op != "-" {
			return nil, false, errors.New("can't compare offset-naive and offset-aware datetimes")
		}
		a, b := s.sec, o.sec
		if reflected {
			a, b = b, a
		}
		switch op {
		case "-":
			return &span{a - b}, true, nil
		case "<":
			return a < b, true, nil
		case "<=":
			return a <= b, true, nil
		case ">":
			return a > b, true, nil
		case ">=":
			return a >= b, true, nil
		}
	}
	return nil, false, nil
}

func (d *span) Attr(name string) (Value, bool) {
	if name == "total_seconds" {
		return Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
			return float64(d.sec), nil
		}), true
	}
	return nil, false
}

func (d *span) JinjaString() string   { return "span(" + itoa(int(d.sec)) + ")" }
func (d *span) JinjaTypeName() string { return "datetime.timedelta" }

func (d *span) JinjaBinary(op string, other Value, reflected bool) (Value, bool, error) {
	switch op {
	case "neg":
		return &span{-d.sec}, true, nil
	case "pos":
		return d, true, nil
	}
	if n, ok := other.(int64); ok && op == "*" {
		return &span{d.sec * n}, true, nil
	}
	o, ok := other.(*span)
	if !ok {
		return nil, false, nil
	}
	a, b := d.sec, o.sec
	if reflected {
		a, b = b, a
	}
	switch op {
	case "+":
		return &span{a + b}, true, nil
	case "-":
		return &span{a - b}, true, nil
	case "==":
		return a == b, true, nil
	case "<":
		return a < b, true, nil
	}
	return nil, false, nil
}

func TestOperandHooks(t *testing.T) {
	tests := []struct {
		name, src, want, err string
	}{
		{"datetime minus timedelta", "{{ now - days(1) }}", "stamp(13600)", ""},
		{"timedelta plus datetime reflected", "{{ days(1) + now }}", "stamp(186400)", ""},
		{"datetime difference", "{{ (now - then).total_seconds() }}", "90000.0", ""},
		{"int times timedelta reflected", "{{ 3 * days(1) }} {{ days(1) * 2 }}", "span(259200) span(172800)", ""},
		{"unary minus and plus", "{{ -days(1) }} {{ +days(2) }}", "span(-86400) span(172800)", ""},
		{"ordering", "{{ then < now }} {{ now <= then }} {{ now > then }} {{ then >= then }} {{ then < now < later }}", "True False True True True", ""},
		{"reflected ordering", "{{ days(1) < days(2) }}", "True", ""},
		{"equality of distinct objects", "{{ now == now2 }} {{ now != now2 }} {{ now == then }} {{ now != then }}", "True False False True", ""},
		{"no == hook means identity", "{{ this == this }} {{ this == other }}", "True False", ""},
		{"in uses equality", "{{ now2 in [then, now] }} {{ now2 in [then] }}", "True False", ""},
		{"sort and max", "{{ [later, then, now]|sort|join(',') }} {{ [then, later, now]|max }}", "stamp(10000),stamp(100000),stamp(200000) stamp(200000)", ""},
		{"unsupported names host types", "{{ now + now }}", "", "unsupported operand type(s) for +: 'datetime.datetime' and 'datetime.datetime'"},
		{"unsupported with int", "{{ now * 2 }}", "", "unsupported operand type(s) for *: 'datetime.datetime' and 'int'"},
		{"str concat still errors", "{{ 'x' + now }}", "", "can only concatenate str (not \"datetime.datetime\") to str"},
		{"hook error surfaces", "{{ now < aware }}", "", "can't compare offset-naive and offset-aware datetimes"},
		{"unorderable without hook", "{{ this < other }}", "", "'<' not supported between instances of 'object' and 'object'"},
		{"bad unary", "{{ -now }}", "", "bad operand type for unary -: 'datetime.datetime'"},
		{"numbers unaffected", "{{ 1 + 2 }} {{ 'a' ~ 1 }} {{ 2 < 3 }} {{ [1] + [2] }}", "3 a1 True [1, 2]", ""},
	}
	env := NewEnv()
	env.Globals["days"] = Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		return &span{args[0].(int64) * 86400}, nil
	})
	vars := map[string]Value{
		"now": &stamp{sec: 100000}, "now2": &stamp{sec: 100000}, "then": &stamp{sec: 10000},
		"later": &stamp{sec: 200000}, "aware": &stamp{sec: 1, aware: true},
		"this": &relation{"a", "b"}, "other": &relation{"a", "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := env.Parse("t.sql", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.Render(env, &Context{Vars: vars})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %q, %v; want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q want %q", got, tc.want)
			}
		})
	}
}

func TestBlockRenderValue(t *testing.T) {
	env := hostEnv()
	src := `{% materialization table, adapter='duckdb' %}{% macro inner() %}{{ return(1) }}{% endmacro %}{% set n = inner() %}create {{ n }};{{ return({'relations': [n, 'x']}) }}after{% endmaterialization %}` +
		`{% materialization view, default %}create view;{% endmaterialization %}` +
		`{% materialization bad, default %}{{ fail() }}{% endmaterialization %}`
	tmpl, err := env.Parse("m.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	bs := tmpl.Blocks()
	if len(bs) != 3 {
		t.Fatalf("got %d blocks", len(bs))
	}
	tests := []struct {
		block    *Block
		out, ret string
		returned bool
		err      string
	}{
		{bs[0], "", "{'relations': [1, 'x']}", true, ""},
		{bs[1], "create view;", "None", false, ""},
		{bs[2], "", "None", false, "boom"},
	}
	for i, tc := range tests {
		out, ret, returned, err := tc.block.RenderValue(env, &Context{})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("block %d: err %v, want %q", i, err, tc.err)
			}
			continue
		}
		if err != nil || out != tc.out || repr(ret) != tc.ret || returned != tc.returned {
			t.Errorf("block %d: RenderValue = %q, %s, %v, %v; want %q, %s, %v", i, out, repr(ret), returned, err, tc.out, tc.ret, tc.returned)
		}
		if out2, err2 := tc.block.Render(env, &Context{}); out2 != tc.out || err2 != nil {
			t.Errorf("block %d: Render = %q, %v", i, out2, err2)
		}
	}
}
