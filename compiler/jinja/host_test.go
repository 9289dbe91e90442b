package jinja

import (
	"errors"
	"strings"
	"testing"
)

// relation is a host Object like dbt's Relation.
type relation struct{ schema, name string }

func (r *relation) Attr(name string) (Value, bool) {
	switch name {
	case "schema":
		return r.schema, true
	case "name":
		return r.name, true
	case "include":
		return Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
			out := *r
			for _, k := range kwargs {
				if k.Name == "schema" && !Truthy(k.Value) {
					out.schema = ""
				}
			}
			return &out, nil
		}), true
	}
	return nil, false
}

func (r *relation) JinjaString() string {
	if r.schema == "" {
		return `"` + r.name + `"`
	}
	return `"` + r.schema + `"."` + r.name + `"`
}

var errBoom = errors.New("boom")

func hostEnv() *Env {
	env := NewEnv()
	env.Tags["materialization"] = TagArgs
	env.Tags["docs"] = TagArgs
	env.Tags["test"] = TagMacroLike
	env.Globals["return"] = Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		return nil, Return(args[0])
	})
	env.Globals["describe"] = Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		var b strings.Builder
		for _, a := range args {
			b.WriteString(repr(a) + ";")
		}
		for _, k := range kwargs {
			b.WriteString(k.Name + "=" + repr(k.Value) + ";")
		}
		return b.String(), nil
	})
	env.Globals["fail"] = Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		return nil, errBoom
	})
	env.Globals["where"] = Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		l, col := lineCol(c.Ctx.Data.(string), c.Pos)
		return c.File + ":" + itoa(l) + ":" + itoa(col), nil
	})
	return env
}

func TestHostRender(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"func args", "{{ describe(1, 'a', *[2], k=none, **{'z': 1.5}) }}", "1;'a';2;k=None;z=1.5;"},
		{"object attrs and stringer", "{{ this }} {{ this.schema }} {{ this.include(schema=false) }} {{ this.missing is undefined }}", `"analytics"."orders" analytics "orders" True`},
		{"resolve fallback", "{{ lazy_name }}", "resolved:lazy_name"},
		{"vars before resolve", "{{ v }}", "from-vars"},
		{"return from macro", "{% macro m() %}x{{ return(41) }}after{% endmacro %}{{ m() + 1 }}", "42"},
		{"return from nested control", "{% macro m() %}{% for i in range(5) %}{% if i == 2 %}{% do return(i) %}{% endif %}{% endfor %}{% endmacro %}{{ m() }}", "2"},
		{"return value types", "{% macro m() %}{{ return({'a': [1]}) }}{% endmacro %}{{ m().a[0] }}", "1"},
		{"return at top level", "before{% do return(1) %}after", ""},
		{"call position", "\n  {{ where() }}", "\n  t.sql:2:6"},
		{"host tags skipped in render", "a{% materialization table, adapter='duckdb' %}body{% endmaterialization %}{% test t(model) %}x{% endtest %}b", "ab"},
		{"list methods", "{% set l = [1] %}{% do l.extend([2, 3]) %}{{ l.pop(0) }}{{ l }}", "1[2, 3]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := hostEnv()
			tmpl, err := env.Parse("t.sql", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			ctx := &Context{
				Vars: map[string]Value{"this": &relation{"analytics", "orders"}, "v": "from-vars"},
				Resolve: func(name string) (Value, bool) {
					if name == "v" {
						return "from-resolve", true
					}
					if strings.HasPrefix(name, "lazy") {
						return "resolved:" + name, true
					}
					return nil, false
				},
				Data: tc.src,
			}
			got, err := tmpl.Render(env, ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q want %q", got, tc.want)
			}
		})
	}
}

func TestRenderValueReturn(t *testing.T) {
	env := hostEnv()
	tmpl, err := env.Parse("t.sql", "x{{ return([1, 2]) }}y")
	if err != nil {
		t.Fatal(err)
	}
	out, v, ok, err := tmpl.RenderValue(env, nil)
	if err != nil || !ok || out != "" || repr(v) != "[1, 2]" {
		t.Fatalf("RenderValue = %q, %v, %v, %v", out, repr(v), ok, err)
	}
}

func TestHostTags(t *testing.T) {
	env := hostEnv()
	src := `{% set prefix = 'p_' %}
{% macro helper(x) %}<{{ x }}>{% endmacro %}
{% test not_null(model, column_name, where=none) %}select {{ prefix }}{{ column_name }} from {{ model }} {{ helper(where) }}{% endtest %}
{% materialization incremental, default %}inc{% endmaterialization %}
{% materialization table, adapter='duckdb', supported_languages=['sql'] %}{{ adapter }}{% endmaterialization %}
{% docs orders %}Orders {{ 1 + 1 }}{% enddocs %}`
	tmpl, err := env.Parse("m.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	ms := tmpl.Macros()
	if len(ms) != 2 || ms[0].Name != "helper" || ms[0].Tag != "macro" || ms[1].Name != "not_null" || ms[1].Tag != "test" {
		t.Fatalf("macros: %+v", ms)
	}
	if got := strings.Join(ms[1].Params, ","); got != "model,column_name,where" || ms[1].Defaults[2] == nil || ms[1].Defaults[0] != nil {
		t.Fatalf("params %q defaults %v", got, ms[1].Defaults)
	}
	ctx := &Context{Vars: map[string]Value{"adapter": "ctx-adapter"}}
	v, err := ms[1].Bind(env, ctx).CallJinja(nil, []Value{"tbl"}, []KeywordArg{{Name: "column_name", Value: "id"}})
	if err != nil {
		t.Fatal(err)
	}
	if v != "select p_id from tbl <None>" {
		t.Errorf("bound test macro = %q", v)
	}
	bs := tmpl.Blocks()
	if len(bs) != 3 {
		t.Fatalf("blocks: %d", len(bs))
	}
	if n, ok := bs[0].Args[1].(*Name); !ok || n.Name != "default" {
		t.Errorf("bare name arg: %#v", bs[0].Args[1])
	}
	if bs[1].Kwargs[0].Name != "adapter" {
		t.Fatalf("kwargs: %+v", bs[1].Kwargs)
	}
	a, err := bs[1].Eval(env, ctx, bs[1].Kwargs[0].Value)
	if err != nil || a != "duckdb" {
		t.Errorf("eval adapter kwarg = %v, %v", a, err)
	}
	langs, err := bs[1].Eval(env, ctx, bs[1].Kwargs[1].Value)
	if err != nil || repr(langs) != "['sql']" {
		t.Errorf("eval list kwarg = %v, %v", repr(langs), err)
	}
	out, err := bs[1].Render(env, ctx)
	if err != nil || out != "ctx-adapter" {
		t.Errorf("block render = %q, %v", out, err)
	}
	out, err = bs[2].Render(env, ctx)
	if err != nil || out != "Orders 2" || bs[2].Tag != "docs" {
		t.Errorf("docs render = %q, %v", out, err)
	}
}

func TestBindReturnAndDispatch(t *testing.T) {
	env := hostEnv()
	lib, err := env.Parse("lib.sql", "{% macro add(a, b=10) %}{{ return(a + b) }}{% endmacro %}{% macro wrap(x) %}[{{ caller() }}{{ x }}]{% endmacro %}")
	if err != nil {
		t.Fatal(err)
	}
	ctx := &Context{Vars: map[string]Value{}}
	for _, m := range lib.Macros() {
		ctx.Vars[m.Name] = m.Bind(env, ctx)
	}
	add := ctx.Vars["add"].(Callable)
	v, err := add.CallJinja(nil, []Value{1}, nil)
	if err != nil || v != int64(11) {
		t.Fatalf("add(1) = %v, %v", v, err)
	}
	model, err := env.Parse("model.sql", "{{ add(1, b=2) }} {% call wrap(3) %}body{% endcall %}")
	if err != nil {
		t.Fatal(err)
	}
	out, err := model.Render(env, ctx)
	if err != nil || out != "3 [body3]" {
		t.Fatalf("render = %q, %v", out, err)
	}
}

func TestWalkFindsRefs(t *testing.T) {
	env := hostEnv()
	tmpl, err := env.Parse("m.sql", "{{ config(materialized='table') }}select * from {{ ref('a') }} join {{ source('s', 't') }}{% if x %}{{ ref('b', v=2) }}{% endif %}{% macro m() %}{{ ref('c') }}{% endmacro %}")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	Walk(tmpl.Root(), func(n any) bool {
		if c, ok := n.(*CallExpr); ok {
			if name, ok := c.Func.(*Name); ok {
				args := []string{}
				for _, a := range c.Args {
					if k, ok := a.(*Const); ok {
						args = append(args, ToString(k.Value))
					}
				}
				found = append(found, name.Name+"("+strings.Join(args, ",")+")")
			}
		}
		return true
	})
	want := "config() ref(a) source(s,t) ref(b) ref(c)"
	if got := strings.Join(found, " "); got != want {
		t.Errorf("walk found %q want %q", got, want)
	}
}

func TestGoValues(t *testing.T) {
	v := FromGo(map[string]any{"b": []string{"x"}, "a": 1, "c": map[string]any{"n": nil}})
	if got := repr(v); got != "{'a': 1, 'b': ['x'], 'c': {'n': None}}" {
		t.Errorf("FromGo = %s", got)
	}
	back := ToGo(v).(map[string]any)
	if back["a"] != int64(1) || back["b"].([]any)[0] != "x" {
		t.Errorf("ToGo = %#v", back)
	}
	d := NewDict()
	d.Set("k", 1)
	d.Set(int64(1), "one")
	d.Set(true, "true replaces 1")
	d.Set(Tuple{"a", int64(1)}, "tuple key")
	if d.Len() != 3 || !d.Delete("k") || d.Len() != 2 {
		t.Fatalf("dict len %d", d.Len())
	}
	if v, _ := d.Get(1.0); v != "true replaces 1" {
		t.Errorf("1.0 lookup = %v", v)
	}
	if v, _ := d.Get(Tuple{"a", int64(1)}); v != "tuple key" {
		t.Errorf("tuple lookup = %v", v)
	}
	for _, c := range []struct {
		v    Value
		want bool
	}{{nil, false}, {int64(0), false}, {"", false}, {&List{}, false}, {Tuple{}, false}, {NewDict(), false}, {&Undefined{}, false}, {0.5, true}, {"x", true}, {&List{Items: []Value{nil}}, true}} {
		if Truthy(c.v) != c.want {
			t.Errorf("Truthy(%s) != %v", repr(c.v), c.want)
		}
	}
}

func TestHostErrors(t *testing.T) {
	env := hostEnv()
	lib, err := env.Parse("macros/lib.sql", "{% macro inner() %}\n  {{ fail() }}\n{% endmacro %}\n{% macro outer() %}{{ inner() }}{% endmacro %}")
	if err != nil {
		t.Fatal(err)
	}
	ctx := &Context{Vars: map[string]Value{}}
	for _, m := range lib.Macros() {
		ctx.Vars[m.Name] = m.Bind(env, ctx)
	}
	model, err := env.Parse("models/z.sql", "select\n {{ outer() }}")
	if err != nil {
		t.Fatal(err)
	}
	_, err = model.Render(env, ctx)
	if !errors.Is(err, errBoom) {
		t.Fatalf("errors.Is(err, errBoom) false: %v", err)
	}
	var je *Error
	if !errors.As(err, &je) {
		t.Fatalf("not an *Error: %T", err)
	}
	want := "macros/lib.sql:2:6: boom\n  in macro inner (macros/lib.sql:1:1) called from macros/lib.sql:4:23\n  in macro outer (macros/lib.sql:4:1) called from models/z.sql:2:5"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}
