package jinja

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"sync"
	"testing"
)

// pyCase is one template rendered by both engines.
type pyCase struct {
	Src  string         `json:"src"`
	Vars map[string]any `json:"vars,omitempty"`
}

type pyResult struct {
	Out *string `json:"out"`
	Err string  `json:"err"`
}

// pySuites is every case list; Python renders them all in one process, once.
var pySuites = [][]pyCase{pyBasics, pyNumbers, pyWhitespace, pyScoping, pySyntax, pyMore, pyCycles, pyArenas}

var (
	pyOnce    sync.Once
	pyResults map[string]pyResult
	pyErr     error
)

// renderPython renders cases with Python's Jinja2, or skips the test when unavailable.
func renderPython(t *testing.T, cases []pyCase) []pyResult {
	t.Helper()
	if err := exec.Command("python3", "-c", "import jinja2").Run(); err != nil {
		t.Skip("python3 with jinja2 not available: ", err)
	}
	pyOnce.Do(func() {
		var all []pyCase
		for _, s := range pySuites {
			all = append(all, s...)
		}
		res, err := runPyCases(all)
		if err != nil {
			pyErr = err
			return
		}
		pyResults = map[string]pyResult{}
		for i, c := range all {
			pyResults[c.Src] = res[i]
		}
	})
	if pyErr != nil {
		t.Fatal(pyErr)
	}
	out := make([]pyResult, len(cases))
	for i, c := range cases {
		r, ok := pyResults[c.Src]
		if !ok {
			t.Fatalf("case %q is not in pySuites", c.Src)
		}
		out[i] = r
	}
	return out
}

func runPyCases(cases []pyCase) ([]pyResult, error) {
	in, _ := json.Marshal(cases)
	cmd := exec.Command("python3", "testdata/render.py")
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var res []pyResult
	err = json.Unmarshal(out, &res)
	return res, err
}

func renderGo(src string, vars map[string]any) (string, error) {
	env := NewEnv()
	tmpl, err := env.Parse("t.sql", src)
	if err != nil {
		return "", err
	}
	v := map[string]Value{}
	for k, x := range vars {
		v[k] = FromGo(x)
	}
	return tmpl.Render(env, &Context{Vars: v})
}

// comparePython checks every case renders byte-identical to Jinja2, and that both fail
// where one fails.
func comparePython(t *testing.T, cases []pyCase) {
	t.Helper()
	res := renderPython(t, cases)
	for i, c := range cases {
		got, err := renderGo(c.Src, c.Vars)
		want := res[i]
		switch {
		case want.Out == nil && err == nil:
			t.Errorf("case %d %q: python failed (%s), gdbt rendered %q", i, c.Src, want.Err, got)
		case want.Out != nil && err != nil:
			t.Errorf("case %d %q: gdbt failed: %v; python rendered %q", i, c.Src, err, *want.Out)
		case want.Out != nil && got != *want.Out:
			t.Errorf("case %d %q:\n got %q\nwant %q", i, c.Src, got, *want.Out)
		}
	}
}

func srcs(ss ...string) []pyCase {
	out := make([]pyCase, len(ss))
	for i, s := range ss {
		out[i] = pyCase{Src: s}
	}
	return out
}

var pyBasics = srcs(
	"hello {{ 1 + 2 }} world\n",
	"{{ none }} {{ true }} {{ false }} {{ None }}",
	"{{ [1, 'a', \"b'\", 1.5, none, (1,), {'a': 1}] }}",
	"{% for i in range(3) %}{{ loop.index }}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}",
	"{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{x}}",
	"{% macro m(a, b=2) %}[{{ a }}|{{ b }}|{{ varargs }}|{{ kwargs }}]{% endmacro %}{{ m(1) }}{{ m(1, 3, 4, z=5) }}",
	"{% macro m() %}<{{ caller() }}>{% endmacro %}{% call m() %}inner{% endcall %}",
	"{% macro m() %}<{{ caller(1, 2) }}>{% endmacro %}{% call(a, b) m() %}{{ a + b }}{% endcall %}",
	"{{ 7 // -2 }} {{ -7 % 3 }} {{ 2 ** -1 }} {{ 7 / 7 }} {{ 2**3**2 }} {{ 1e16 }} {{ 0.1 + 0.2 }}",
	"{{ 'a' 'b' }} {{ 'x' ~ 1 ~ none }}",
	"{{ range(3) }} {{ range(1, 10, 2)|list }}",
	"  {%- if true -%}  x  {%- endif -%}  \n",
	"a\n{% if true %}\nb\n{% endif %}\nc\n",
	"{# comment #}x{#- c -#}  y",
	"{% raw %}{{ not }}{% endraw %}",
	"{% set ns = namespace(c=0) %}{% for i in range(3) %}{% set ns.c = ns.c + i %}{% endfor %}{{ ns.c }}",
	"{% set l = [] %}{% for i in range(3) %}{% do l.append(i) %}{% endfor %}{{ l }}",
	"{% set d = {'b': 1, 'a': 2} %}{% do d.update({'c': 3}) %}{{ d }} {{ d.items()|list }} {{ d.keys() }}",
	"{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'abc'.upper() }} {{ 'x'.join(['1','2']) }}",
	"{{ '{} and {name}'.format(1, name='n') }} {{ '%s-%05.2f' % ('a', 3.14159) }}",
	"{{ [3,1,2]|sort }} {{ [3,1,2]|sort(reverse=true)|join(',') }} {{ 'abc'|upper }} {{ [1,2,3]|sum }}",
	"{{ {'b':1,'a':2}|dictsort }} {{ [1,2,3,4,5]|batch(2)|list }} {{ [1,2,3,4,5]|slice(2)|list }}",
	"{{ 'hello world'|title }} {{ 'Hello'|center(11) }}| {{ x|default('d') }} {{ ''|default('e', true) }}",
	"{{ [{'a':1},{'a':2}]|map(attribute='a')|list }} {{ ['a','b']|map('upper')|join }}",
	"{{ [{'a':1},{'a':2}]|selectattr('a','equalto',1)|list }} {{ [1,2,3,4]|select('odd')|list }} {{ [1,2,3,4]|reject('even')|list }}",
	"{{ {'a': '<x>', 'b': [1, 2.5, none, true]}|tojson }}",
	"{{ 2.5|round }} {{ 3.14159|round(2) }} {{ 5|round }} {{ 2.5|round(0, 'floor') }} {{ '42'|int }} {{ 'x'|int(7) }} {{ '3.5'|float }}",
	"{{ 'a\nb\nc'|indent(2) }}|{{ 'a\n\nb'|indent(2, first=true, blank=true) }}",
	"{{ 'hello world foo bar'|truncate(9) }} {{ 'one two three'|wordcount }}",
	"{{ [1,2,2,3]|unique|list }} {{ [3,1,2]|max }} {{ [3,1,2]|min }} {{ 'abc'|reverse }} {{ [1,2]|reverse|list }}",
	"{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}",
	"{% for i in [1,2,3] if i > 1 %}{{ loop.index }}:{{ i }}/{{ loop.length }} {% else %}empty{% endfor %}",
	"{% for i in [] %}x{% else %}empty{% endfor %}",
	"{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}",
	"{% for i in 'abc' %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('x','y') }}-{{ loop.revindex }}|{% endfor %}",
	"{% if x is defined %}d{% elif 1 is number %}n{% else %}e{% endif %} {{ 3 is divisibleby 3 }} {{ 'a' is string }} {{ none is none }}",
	"{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' in 'abc' }} {{ 1 not in [1] }} {{ not 1 == 2 }}",
	"{{ 1 if true }}|{{ 1 if false }}|{{ 1 if false else 2 }}",
	"{{ [1,2,3,4,5][1:4] }} {{ [1,2,3,4,5][::-1] }} {{ 'hello'[-3:] }} {{ [1,2,3][-1] }} {{ (1,2,3)[1:] }}",
	"{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t = (1, 2) %}{% set c, d = t %}{{ c + d }}",
	"{% set x %}block {{ 1 }}{% endset %}[{{ x }}] {% set y | upper %}up{% endset %}{{ y }}",
	"{% filter upper %}hello {{ 'x' }}{% endfilter %}",
	"{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a }}",
	"{{ f(*[1,2], **{'a': 1}) if false else 'ok' }} {{ dict(a=1, b=2) }}",
	"{{ 10 / 4 }} {{ 10 // 4 }} {{ -10 // 4 }} {{ 10 % -3 }} {{ 2 ** 10 }} {{ 1.5 * 2 }} {{ 3 - 5.5 }} {{ 1e300 * 1e10 }}",
	"{{ 'abc' * 2 }} {{ [1] * 3 }} {{ [1] + [2] }} {{ (1,) + (2,) }} {{ -(3) }} {{ +3 }}",
	"{{ {'a': {'b': [1, {'c': 'd'}]}}['a']['b'][1].c }}",
	"{{ 'x' if 'a' in {'a': 1} }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' == 'a' }}",
	"{% macro outer() %}{% macro inner() %}in{% endmacro %}{{ inner() }}-{{ caller() if caller is defined else 'nocaller' }}{% endmacro %}{{ outer() }}",
	"{{ 'a' ~ 1.0 ~ 2 }} {{ 100000000000000000.0 }} {{ 0.00001 }} {{ 1.0e-4 }} {{ 123456789.123 }}",
	"{{ '%d items, %5s|%-5s|' % (3, 'ab', 'cd') }} {{ '%x %o %e' % (255, 8, 12345.678) }} {{ '%(a)s' % {'a': 1} }}",
	"{{ '{:>8}|{:<4}|{:^6}|{:08.3f}|{:,}' .format('r', 'l', 'c', 3.14159, 1234567) }}",
	"{{ '  x  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'a b c'.split(' ', 1) }}",
	"{{ 'Hello'.startswith(('a', 'H')) }} {{ 'abc'.find('c') }} {{ 'aaa'.count('a') }} {{ '5'.zfill(3) }} {{ 'a=b'.partition('=') }}",
	"{% set l = [3, 1, 2] %}{% do l.sort() %}{{ l }}{% do l.insert(0, 9) %}{{ l }}{{ l.pop() }}{{ l }}{% do l.remove(9) %}{{ l }}{{ l.index(1) }}",
	"{% set d = {} %}{{ d.setdefault('a', []) }}{% do d['a'].append(1) %}{{ d }}{{ d.get('z', 'def') }}{{ d.pop('a') }}{{ d }}",
	"{{ [('a', 1), ('b', 2)]|groupby(1)|list }} {% for g, items in [{'k': 'x', 'v': 1}, {'k': 'y', 'v': 2}, {'k': 'x', 'v': 3}]|groupby('k') %}{{ g }}:{{ items|map(attribute='v')|list }};{% endfor %}",
	"{{ 'abc'|length }} {{ [1,2]|count }} {{ {'a':1}|length }} {{ 'a b'|replace(' ', '_') }} {{ 'aaa'|replace('a', 'b', 2) }}",
	"{{ '<a>'|e }} {{ '  x  '|trim }} {{ 'xxhixx'|trim('x') }} {{ 'hi'|capitalize }} {{ [1, 2]|first }} {{ [1, 2]|last }} {{ -3|abs }}",
	"{{ x }}|{{ x|length }}|{{ x|default(1) }}|{{ x is undefined }}|{% for i in x %}no{% endfor %}",
	"{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }} {% set j = joiner('|') %}{{ j() }}a{{ j() }}b",
	"{{ [1, 2, 3]|join(', ') }} {{ [{'n': 'a'}, {'n': 'b'}]|join(',', attribute='n') }}",
	"{{ {'a': 1}|items|list }} {{ [[1, 2], [3]]|sum(start=[]) }} {{ ['b', 'A', 'c']|sort }} {{ ['b', 'A', 'c']|sort(case_sensitive=true) }}",
	"{% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{% endfor %}",
	"{% for row in [[1, 2], [3, 4]] %}{% for c in row %}{{ loop.depth }}{{ c }}{% endfor %}{% endfor %}",
	"{% for item in [1, [2, [3]]] recursive %}{% if item is iterable %}[{{ loop(item) }}]{% else %}{{ item }}@{{ loop.depth }}{% endif %}{% endfor %}",
	"{{ '%s' % none }} {{ '%r' % 'x' }} {{ '%5.1f%%' % 99.55 }}",
	"{{ 1 and 2 }} {{ 0 or 'x' }} {{ none or [] }} {{ not [] }}",
	"{{ [1,2,3] is sequence }} {{ {} is mapping }} {{ 1.0 is float }} {{ 1 is integer }} {{ true is boolean }} {{ 'Ab' is lower }} {{ 'AB' is upper }}",
	"{{ 3 is odd }} {{ 3 is even }} {{ 1 is sameas 1 }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ 1 is in [1] }} {{ none is sameas none }}",
	"{% if x: %}a{% else: %}b{% endif %}",
	"{{ (\n  1 +\n  2\n) }} {% if 1 and\n 2 %}multi{% endif %}",
	"{{ [1,\n 2,\n] }} {{ {'a': 1,} }} {{ (1, 2,) }} {{ dict(a=1,) }}",
	"{{ 'it\\'s' }} {{ \"a\\tb\" }} {{ 'x\\ny' }} {{ 'uni\\u00e9' }} {{ ['it\\'s'] }} {{ ['\\n'] }}",
	"{{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ (1, 2) == (1, 2) }}",
	"{{ 1_000 + 0x10 }} {{ 1.5e3 }} {{ 10 / 3 }} {{ 2 / 3 }} {{ 1 / 7 }}",
	"{{ 'héllo'|upper }} {{ 'héllo'|length }} {{ 'héllo'[1] }}",
)

var pyNumbers = srcs(
	"{{ 2 ** 64 }} {{ -(2 ** 63) }} {{ 2 ** 64 // -3 }} {{ 2 ** 64 % -3 }} {{ -(2 ** 64) // 7 }} {{ (2 ** 64) / 2 }} {{ 2 ** 64 > 1.5 }} {{ 2 ** 64 - 2 ** 64 }}",
	"{{ 9223372036854775807 * 2 }} {{ 99999999999999999999 }} {{ 99999999999999999999 + 0.5 }} {{ [2 ** 70] }}",
	"{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 // -2 }} {{ -7 // -2 }} {{ 7 % 2 }} {{ -7 % 2 }} {{ 7 % -2 }} {{ -7 % -2 }}",
	"{{ 7.5 // 2 }} {{ -7.5 // 2 }} {{ 7.5 % 2 }} {{ -7.5 % 2 }} {{ 7.5 % -2 }} {{ 2 ** 0.5 }} {{ 4 ** 0.5 }} {{ (-8) ** 2 }}",
	"{{ 1/3 }} {{ 2/3 }} {{ 1e22 }} {{ 1e21 }} {{ 123456789012345678.0 }} {{ 1.5e-7 }} {{ -0.0 }} {{ 0.1 * 3 }} {{ 100.0 }} {{ 1e15 }} {{ 1e16 }}",
	"{{ true + 1 }} {{ true * 3 }} {{ false - 1 }} {{ 3 * 'ab' }} {{ 1 == true }}",
	"{{ '%.3f' % 2.0005 }} {{ '%5d|%-5d|%05d' % (42, 42, 42) }} {{ '%+d %+.1f' % (5, 2.25) }} {{ '%s %s' % (1.0, [1]) }} {{ '%c' % 65 }}",
	"{{ '{:.2%}'.format(0.256) }} {{ '{:x} {:X} {:#x} {:b}'.format(255, 255, 255, 5) }} {{ '{:e}'.format(12345.6789) }} {{ '{:g}'.format(0.00001234) }} {{ '{:10.3f}|'.format(3.14159) }}",
	"{{ '{0}{1}{0}'.format('a', 'b') }} {{ '{!r}'.format('x') }} {{ '{:*^9}'.format('mid') }} {{ '{:+}'.format(3) }} {{ '{}'.format(none) }} {{ '{}'.format(1.0) }}",
	"{{ 1.5|int }} {{ -1.5|int }} {{ '0x1A'|int(0, 16) }} {{ '12abc'|int }} {{ ' 42 '|int }} {{ '4.7'|int }} {{ true|int }} {{ 'inf'|float }} {{ 'x'|float(1.5) }}",
	"{{ 0.5|round }} {{ 1.5|round }} {{ -0.5|round }} {{ 2.675|round(2) }} {{ 1.005|round(2) }} {{ 15|round(-1) }} {{ 25|round(-1) }} {{ 1.25|round(1, 'ceil') }}",
	"{{ 10|abs }} {{ -2.5|abs }} {{ [1.5, 2]|sum }} {{ [1, 2]|sum(start=10) }} {{ [3, 1.5]|max }} {{ [3, 1.5]|min }}",
)

var pyWhitespace = srcs(
	"a  {{- 1 -}}  b",
	"a\n  {%- if true %}\n  x\n  {%- endif %}\nb",
	"{% for i in range(3) -%}\n  {{ i }}\n{%- endfor %}",
	"{% for i in range(2) %}\n{{ i }}\n{% endfor %}\n",
	"line1\n{# c #}\nline2\n\n",
	"x {#- c #} y {# c -#} z",
	"{%- raw -%}  {{ a }}  {%- endraw -%}  tail",
	"a\r\nb\r\n{{ 1 }}\r\n",
	"{%+ if true %}x{% endif +%}\n",
	"{% macro m() -%}\n  body\n{%- endmacro %}\n[{{ m() }}]\n",
	"{{ 'a' }}\n\n",
	"  {% set x = 1 %}  \n{{ x }}",
	"{{- ' lead' }}",
	"{% if true %}\n\n{% endif %}",
	"{{ {'a': {'b': 1}} }}",
	"{{{'a':1}['a']}}",
	"{% set x = {'k': [1, {'z': 2}]} %}{{x}}",
	"{{ \"}}\" }} {{ '{%' }} {{ '#}' }}",
	"{% if 'a' %}{%- endif -%}\n   x",
	"{#\nmulti\nline\n#}\nafter",
	"{{ 1 }}{# trailing #}\n",
	"{% for x in [1] %}{{ x }}{% endfor %}\n\n\n",
	"{%\n  set x = [\n 1,\n 2\n ]\n%}{{ x }}",
)

var pyScoping = srcs(
	"{% set x = 'top' %}{% macro m() %}{{ x }}{% endmacro %}{{ m() }}{% set x = 'changed' %}{{ m() }}",
	"{% macro m() %}{% set x = 'in' %}{{ x }}{% endmacro %}{% set x = 'out' %}{{ m() }}{{ x }}",
	"{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}",
	"{% set x = 1 %}{% with %}{% set x = 2 %}{{ x }}{% endwith %}{{ x }}",
	"{% for i in [1, 2] %}{% set inner = i %}{% endfor %}{{ inner }}",
	"{% for i in [1, 2] %}{% for j in [3] %}{{ loop.index }}{{ i }}{{ j }}{% endfor %}{{ loop.index }}{% endfor %}",
	"{% set ns = namespace(items=[]) %}{% macro add(v) %}{% do ns.items.append(v) %}{% endmacro %}{{ add(1) }}{{ add(2) }}{{ ns.items }}",
	"{% macro m(x) %}{{ caller(x * 2) }}{% endmacro %}{% set y = 5 %}{% call(v) m(3) %}{{ v + y }}{% endcall %}",
	"{% macro outer() %}{% call inner() %}from-outer{% endcall %}{% endmacro %}{% macro inner() %}[{{ caller() }}]{% endmacro %}{{ outer() }}",
	"{% macro m(a, b) %}{{ a }}-{{ b }}{% endmacro %}{{ m(b=1, a=2) }} {{ m(*[1, 2]) }} {{ m(**{'a': 'x', 'b': 'y'}) }}",
	"{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, a=3) }}",
	"{% macro m(a, b=a) %}{{ b }}{% endmacro %}{{ m(5) }}",
	"{% macro m() %}{{ m.name }}{% endmacro %}{{ m() }} {{ m.name }} {{ m.arguments }}",
	"{% set l = [1, 2, 3] %}{% for x in l %}{% if loop.first %}{% do l.pop() %}{% endif %}{{ x }}{% endfor %}",
	"{% set d = {'a': 1} %}{% macro mut(dd) %}{% do dd.update({'b': 2}) %}{% endmacro %}{{ mut(d) }}{{ d }}",
	"{% for a in [1] %}{% set loopvar = 'x' %}{% macro m() %}{{ loopvar }}{% endmacro %}{{ m() }}{% endfor %}",
	"{% set x = 5 %}{% macro m() %}{% set x = x + 1 %}{{ x }}{% endmacro %}{{ m() }}{{ x }}",
	"{{ caller is defined }} {% macro m() %}{{ caller is defined }}{% endmacro %}{{ m() }}",
)

var pySyntax = srcs(
	"{{ x.0 if x else 'n' }} {% set y = [[1, 2]] %}{{ y.0.1 }} {{ y[0][-1] }}",
	"{{ 'abc'[::2] }} {{ [1,2,3,4][1::2] }} {{ [1,2,3][:-1] }} {{ range(10)[2:5]|list }}",
	"{{ not not 1 }} {{ -2 ** 2 }} {{ (-2) ** 2 }} {{ 2 * 3 + 4 }} {{ 2 + 3 * 4 }} {{ 10 - 2 - 3 }} {{ 2 ~ 3 + 4 }}",
	"{{ 1 if 0 else 2 if 0 else 3 }} {{ 'y' if 1 > 0 and not 2 < 1 or false }}",
	"{{ [1, 2] | length > 1 }} {{ -[1, 2]|length }} {{ 'a' ~ 'b' | upper }}",
	"{{ x is not defined and y is undefined }} {{ 5 is not divisibleby(2) }} {{ 'a' is in 'abc' }}",
	"{{ (1) }} {{ (1,) }} {{ () }} {{ ((1, 2), 3) }}",
	"{{ {1: 'a', 2.5: 'b', none: 'c', (1, 2): 'd'} }}",
	"{{ 'a' is string and 1 is number }}",
	"{{ [1, 2, 3]|map('string')|join('-') }} {{ ['a', 'b']|map('replace', 'a', 'z')|list }}",
	"{{ 'x' in ['x', 'y'] and 'z' not in ['x'] }}",
	"{{ 'a' if true }}{{ range(3)|list|last }}",
	"{{ foo(bar=1) if foo is defined else 'no foo' }}",
	"{{ 1 == 1 == 1 }} {{ 1 != 2 != 1 }} {{ 1 < 2 > 1 }}",
	"{% set a = b = 1 %}",
	"{% for %}{% endfor %}",
	"{{ 1 + }}",
	"{% if %}{% endif %}",
	"{{ x | }}",
	"{% macro m(a=1, b) %}{% endmacro %}",
	"{% endif %}",
	"{% set x = [1, 2 %}",
	"{{ 'unterminated }}",
	"{{ x.y.z }}",
	"{{ 1 + 'a' }}",
	"{{ [1][5] }}|{{ {}['x'] }}|{{ none.x }}",
	"{% call nosuch() %}{% endcall %}",
	"{% macro m() %}{% endmacro %}{{ m(1) }}",
	"{% macro m() %}{% endmacro %}{{ m(a=1) }}",
	"{{ 1 / 0 }}",
	"{% for a, b in [1, 2] %}{% endfor %}",
	"{% set x = 1 %}{% set x.y = 2 %}",
	"{{ 'abc'.nosuch() }}",
	"{{ range(3).nosuch }}",
	"{{ [1, 'a']|sort }}",
	"{{ {'a': 1} + {'b': 2} }}",
)

var pyMore = srcs(
	"{% for x in [1, 1, 2, 3, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}",
	"{% for x in range(3) %}{{ loop.revindex0 }}{{ loop.depth0 }}{{ loop.length }}{% endfor %}",
	"{{ x|upper }}|{{ x|join(',') }}|{{ x|list }}|{{ x|first is undefined }}|{{ x ~ 'a' }}",
	"{{ ('<b>'|e) ~ '<i>' }} {{ ('<b>'|e) + '<i>' }} {{ '<b>'|e|e }} {{ '<a>'|escape|length }}",
	"{{ [1, 2, 3]|map('string')|map('int')|sum }} {{ ['1', '2']|map('int')|list }}",
	"{{ {'b': 2, 'a': 1}|dictsort(by='value', reverse=true) }} {{ {'B': 1, 'a': 2}|dictsort }} {{ {'B': 1, 'a': 2}|dictsort(true) }}",
	"{{ [{'n': 'b', 'v': 2}, {'n': 'a', 'v': 2}]|sort(attribute='n')|map(attribute='n')|join }} {{ ['B', 'a', 'C']|sort|join }} {{ ['B', 'a', 'C']|sort(case_sensitive=true)|join }}",
	"{{ ['a', 'A', 'b']|unique|list }} {{ ['a', 'A', 'b']|unique(case_sensitive=true)|list }} {{ ['b', 'A']|max }} {{ [{'x': 2}, {'x': 5}]|max(attribute='x') }}",
	"{{ 'x'|center(5) }}| {{ 'The Quick'|wordcount }} {{ 'a-b c_d'|title }} {{ \"it's o'neil\"|title }} {{ 'hELLO wORLD'|capitalize }}",
	"{{ 'abc'|truncate(2) if false else 'long text here for truncation test'|truncate(15) }} {{ 'long text here'|truncate(10, true) }} {{ 'long text here'|truncate(10, false, '…', 0) }}",
	"{{ 'a\\nb'|indent }} {{ 'a\\nb'|indent('--') }} {{ ''|indent(first=true) }}",
	"{{ '%s=%s'|format('a', 1) }} {{ '%(x)s'|format(x=2) }} {{ '{}'|format }}",
	"{{ [1, 2, 3, 4, 5, 6, 7]|slice(3)|list }} {{ [1, 2, 3, 4]|slice(3, 0)|list }} {{ [1, 2, 3]|batch(2, 'x')|list }}",
	"{{ {'a': 1}|tojson(indent=2) }} {{ 'é'|tojson }} {{ [none, 1.0, 'x\"y']|tojson }} {{ (1, 2)|tojson }}",
	"{{ none|string }} {{ 1|string ~ 2 }} {{ [1]|string }} {{ 1.0|float }} {{ '1e3'|float }} {{ none|default('x') }} {{ none|d('x', true) }}",
	"{{ [1, 2]|attr('count') is undefined }} {{ 'abc'|attr('upper') is defined }} {{ {'a': 1}|attr('a') }}|",
	"{{ ['a', 'b']|select('equalto', 'a')|list }} {{ [1, none, 0, 2]|select|list }} {{ [1, none, 2]|reject('none')|list }} {{ [{'a': none}, {'a': 1}]|rejectattr('a', 'none')|list }}",
	"{{ [{'a': {'b': 1}}, {'a': {'b': 2}}]|map(attribute='a.b')|list }} {{ [[1, 2], [3, 4]]|map(attribute='1')|list }} {{ [{}]|map(attribute='z', default='dflt')|list }}",
	"{{ 'aXbXc'.split('X', 1) }} {{ 'a,b'.rsplit(',', 5) }} {{ 'abc'.ljust(5, '.') }}|{{ 'abc'.rjust(5) }}|{{ 'ab'.center(6, '*') }}",
	"{{ 'a\\tb\\nc d'.split() }} {{ 'line1\\r\\nline2\\n'.splitlines() }} {{ 'line1\\nline2'.splitlines(true) }}",
	"{{ 'abc'.index('c') }} {{ 'abcabc'.rfind('b') }} {{ 'Hello World'.swapcase() }} {{ 'hello world'.title() }} {{ '1st place'.title() }}",
	"{{ '  '.isspace() }} {{ 'abc1'.isalnum() }} {{ ''.isdigit() }} {{ 'ABC'.isupper() }} {{ 'abc'.islower() }} {{ 'A1'.isupper() }}",
	"{{ '{name}-{0}'.format('p', name='n') }} {{ '{0[0]}-{1[k]}'.format([9], {'k': 'v'}) }} {{ '{:>{w}}'.format('x', w=4) }}",
	"{{ 'a=1;b=2'.split(';')|map('trim')|list }} {{ 'x'.startswith('') }} {{ 'abc'.endswith(('c', 'z')) }}",
	"{% set l = [1, 2, 3] %}{{ l.count(2) }} {% do l.reverse() %}{{ l }} {{ l.copy() is not sameas l }} {% do l.clear() %}{{ l }}",
	"{% set d = {'a': 1} %}{{ d.copy() }} {{ d.setdefault('b', 2) }} {{ d }} {{ d.pop('zz', 'dflt') }} {{ d|length }}",
	"{% set t = (1, 2, 1) %}{{ t.count(1) }} {{ t.index(2) }} {{ t[1:] }} {{ t * 2 }}",
	"{{ 3 in range(5) }} {{ range(5)|length }} {{ range(5)[-1] }} {{ range(0) }} {{ range(5, 0, -2)|list }} {{ range(3) == range(3) }}",
	"{{ namespace(a=1) }} {% set n = namespace({'x': 1}, y=2) %}{{ n.x }}{{ n.y }}",
	"{{ dict([('a', 1)], b=2) }} {{ dict({'z': 0}) }}",
	"{% set c = cycler(1, 2) %}{{ c.current }}{{ c.next() }}{{ c.current }}{% do c.reset() %}{{ c.current }}",
	"{{ 1 is sameas true }} {{ true is sameas true }} {{ none is none }} {{ 'a' is ne 'b' }} {{ 2 is ge 2 }} {{ 2 is lt 1 }} {{ [] is iterable }} {{ 3 is iterable }}",
	"{{ 'abc' is callable }} {{ range is callable }} {{ 1 is number }} {{ 1.5 is integer }} {{ true is number }} {{ x is none }} {{ none is defined }}",
	"{{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 'a' is escaped }} {{ 'a'|e is escaped }}",
)

var pyCycles = srcs(
	"{% set a = [] %}{% do a.append(a) %}{{ a }} {{ a == a }} {{ [a] == [a] }} {{ a|length }}",
	"{% set d = {} %}{% do d.update({'self': d}) %}{{ d }} {{ d == d }}",
)

func TestPythonBasics(t *testing.T) { comparePython(t, pyBasics) }

func TestPythonNumbers(t *testing.T) { comparePython(t, pyNumbers) }

func TestPythonWhitespace(t *testing.T) { comparePython(t, pyWhitespace) }

func TestPythonScoping(t *testing.T) { comparePython(t, pyScoping) }

func TestPythonSyntax(t *testing.T) { comparePython(t, pySyntax) }

func TestPythonMore(t *testing.T) { comparePython(t, pyMore) }

func TestPythonCycles(t *testing.T) { comparePython(t, pyCycles) }

// pyArenas stresses what a render carves from chunks or recycles (loop and macro scopes,
// argument slices, output buffers): values that outlive their call must stay intact.
var pyArenas = append(srcs(
	"{% for i in range(20) %}{% macro m() %}{{ i }}{% endmacro %}{% for j in range(3) %}{{ m() }}{{ loop.previtem|default('-') }}{{ loop.cycle('a', 'b') }}{% endfor %}{% endfor %}",
	"{% macro a(x) %}{% set s %}[{{ x }}]{% endset %}{{ s ~ b(x) }}{% endmacro %}{% macro b(x) %}{% filter upper %}b{{ x }}{% endfilter %}{% endmacro %}{% for i in range(30) %}{{ a(i) }}{% endfor %}",
	"{% macro w(n) %}{% for i in range(n) %}{{ caller(i, i * 2) }}{% endfor %}{% endmacro %}{% call(a, b) w(50) %}{{ a }}:{{ b }};{% endcall %}",
	"{% macro v() %}{{ varargs }}{% endmacro %}{% set ns = namespace(l=[]) %}{% for i in range(30) %}{% do ns.l.append(v(i, i + 1)) %}{% endfor %}{{ ns.l|join('|') }}",
	"{% macro r(x) %}{% if x > 0 %}{{ return(x ~ ',' ~ r(x - 1)) }}{% endif %}{{ 'end' }}{% endmacro %}{% for i in range(20) %}{{ r(i % 4) }} {% endfor %}",
	"{% for i in range(70) %}{{ 'ab'|replace('a', i|string) }}{{ [i, 1]|join('-') }}{{ '%s-%s'|format(i, i * 2) }}{% endfor %}",
	"{% macro m(x, y=[]) %}{% do y.append(x) %}{{ y|length }}{% endmacro %}{% for i in range(20) %}{{ m(i) }},{% endfor %}",
), pyCase{
	Src:  "{% for x in tree recursive %}{{ x.n }}{% if x.c %}({{ loop(x.c) }}){% endif %}{% endfor %}",
	Vars: map[string]any{"tree": []any{map[string]any{"n": "a", "c": []any{map[string]any{"n": "b", "c": []any{map[string]any{"n": "c"}}}, map[string]any{"n": "d"}}}, map[string]any{"n": "e"}}},
})

func TestPythonArenas(t *testing.T) { comparePython(t, pyArenas) }
