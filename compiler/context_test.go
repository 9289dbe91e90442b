package compiler

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestMergeWith(t *testing.T) {
	const cte = "__dbt__cte__e as (\nselect 1\n)"
	for _, c := range []struct{ sql, want string }{
		{"select * from x", "with " + cte + "\nselect * from x"},
		{"with a as (select 1) select * from a", "with " + cte + ", a as (select 1) select * from a"},
		{"WITH RECURSIVE r as (select 1) select * from r", "WITH RECURSIVE " + cte + ", r as (select 1) select * from r"},
		{"-- note\n/* c */ with a as (select 1) select 1", "-- note\n/* c */ with " + cte + ", a as (select 1) select 1"},
		{"select 1 as with_col", "with " + cte + "\nselect 1 as with_col"},
		{"  withdrawn", "  with " + cte + "\nwithdrawn"},
	} {
		got, err := mergeWith(c.sql, cte)
		if err != nil || got != c.want {
			t.Errorf("mergeWith(%q)\n got %q\nwant %q", c.sql, got, c.want)
		}
	}
}

func TestTestNames(t *testing.T) {
	for _, c := range []struct {
		typ, target string
		args        map[string]any
		want        string
	}{
		{"not_null", "orders", map[string]any{"column_name": "id"}, "not_null_orders_id"},
		{"accepted_values", "orders", map[string]any{"column_name": "status", "values": []any{"a", "b"}}, "accepted_values_orders_status__a__b"},
		{"source_unique", "app_users", map[string]any{"column_name": "id"}, "source_unique_app_users_id"},
		{"dbt_utils_expression_is_true", "m", map[string]any{"expression": "a > 0"}, "dbt_utils_expression_is_true_m_a_0"},
		// 64 characters or more: the first 30 characters of "<type>_<target>" and an md5.
		{"relationships", "orders", map[string]any{"column_name": "customer_id", "to": "ref('customers')", "field": "id"}, "relationships_orders_customer_id__id__ref_customers_"},
		{"relationships", "orders", map[string]any{"column_name": "customer_id", "to": "ref('stg_customers')", "field": "customer_id"}, "relationships_orders_"},
	} {
		got, full := testNames(c.typ, c.target, c.args)
		if len(full) >= 64 {
			if !strings.HasPrefix(got, c.want) || len(got) != len(c.want)+32 {
				t.Errorf("testNames(%s) = %q, want %s<md5>", c.typ, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("testNames(%s) = %q, want %q", c.typ, got, c.want)
		}
	}
}

func TestStaticExtract(t *testing.T) {
	env := newEnv()
	for _, c := range []struct {
		src    string
		static bool
		refs   int
	}{
		{"select * from {{ ref('a') }} join {{ ref('pkg', 'b') }}", true, 2},
		{"{{ config(materialized='table', tags=['x']) }} select * from {{ source('s', 't') }}", true, 0},
		{"select * from {{ ref('a', v=2) }}", true, 1},
		{"{% if x %}{{ ref('a') }}{% endif %}", false, 0},
		{"select {{ my_macro() }}", false, 0},
		{"{{ ref(name) }}", false, 0},
	} {
		tm, err := env.Parse("m.sql", c.src)
		if err != nil {
			t.Fatal(err)
		}
		refs, _, _, _, ok := staticExtract(tm, "m.sql")
		if ok != c.static || len(refs) != c.refs {
			t.Errorf("%s: static=%v refs=%d, want %v %d", c.src, ok, len(refs), c.static, c.refs)
		}
	}
}

// TestContextFunctions renders small snippets in the features project, offline.
func TestContextFunctions(t *testing.T) {
	p := loadCase(t, "features", Options{Vars: `{"cli_var": "from-cli", "region": "us"}`})
	t.Setenv("GDBT_TEST_SET", "set-value")
	t.Setenv("DBT_ENV_CUSTOM_ENV_RUN_REASON", "nightly")
	expectInline(t, p, []inlineCase{
		{"{{ invocation_args_dict.which }}|{{ 'full_refresh' in invocation_args_dict }}|{{ invocation_args_dict is mapping }}|{{ invocation_args_dict.invocation_command }}", "run|False|True|gdbt run"},
		{"{{ dbt_metadata_envs['RUN_REASON'] }}|{{ dbt_metadata_envs is mapping }}", "nightly|True"},
		{"{{ var('cli_var') }}/{{ var('region') }}", "from-cli/us"},
		{"{{ env_var('GDBT_TEST_SET') }}", "set-value"},
		{"{{ modules.re.match('a(b+)', 'abbc').group(1) }}|{{ modules.re.search('c', 'abc').start() }}|{{ modules.re.findall('[0-9]+', 'a1b22') }}|{{ modules.re.match('b', 'abc') }}", "bb|2|['1', '22']|None"},
		{"{{ modules.re.sub('(a)(b)', '\\\\2\\\\1', 'abab') }}", "baba"},
		{"{{ modules.datetime.timedelta(days=1, hours=2) }}", "1 day, 2:00:00"},
		{"{{ fromyaml('b: 1\\na: [x, y]') }}", "{'b': 1, 'a': ['x', 'y']}"},
		{"{{ toyaml({'a': 1}) | trim }}", "a: 1"},
		{"{{ adapter.dispatch('my_concat', 'features')(\"'x'\", \"'y'\") }}", "concat('x', 'y')"},
		{"{{ dbt_version is string }}/{{ flags.FULL_REFRESH }}/{{ invocation_id | length }}", "True/False/36"},
		{"{{ builtins.ref('inc') }}", `"main"."inc"`},
		{"{{ this is none }}", "False"},
		// dbt's marker filters are str() in SQL; a BoolMarker('False') is a truthy string.
		{"{{ 5 | as_text }}|{{ 2.5 | as_number }}|{{ 'x' | as_native }}|{{ 'yes' if (false | as_bool) else 'no' }}", "5|2.5|x|yes"},
		{"{{ api.Relation.create(database='d', schema='s', identifier='t').include(database=False) }}", `"s"."t"`},
		{"{{ ref('src_rows').incorporate(path={'identifier': 'x'}).identifier }}", "x"},
		{"{{ util.shout('q') }}", "upper('q')"},
		// dispatch: search_order ['util'] for the util namespace keeps the root's override out.
		{"{{ util.greet() }}", "util-greet"},
		{"{{ util.farewell() }}", "util-farewell"},
	})
	expectInlineErrors(t, p, []inlineCase{
		{"{{ env_var('GDBT_TEST_SURELY_UNSET') }}", "Env var required but not provided: 'GDBT_TEST_SURELY_UNSET'"},
		{"{{ var('nothing_here') }}", "Required var 'nothing_here' not found"},
		{"{{ ref('nope') }}", "ref('nope') names a node which was not found"},
		{"{{ adapter.dispatch('nothing')() }}", "No macro named 'nothing' found"},
		{"{{ exceptions.raise_compiler_error('custom failure') }}", "inline:1:4: custom failure"},
	})
}

func TestLogRedactsSecrets(t *testing.T) {
	t.Setenv("DBT_ENV_SECRET_TOKEN", "hunter2")
	var logs []string
	p := loadCase(t, "features", Options{Log: func(msg string, _ bool) { logs = append(logs, msg) }})
	if _, err := p.CompileInline(context.Background(), nil, "{{ log('token=' ~ env_var('DBT_ENV_SECRET_TOKEN'), info=True) }}"); err != nil {
		t.Fatal(err)
	}
	if len(logs) != 1 || logs[0] != "token=*****" {
		t.Errorf("logs = %q, want the secret redacted", logs)
	}
}

func TestDispatchSearchOrder(t *testing.T) {
	p := loadCase(t, "features", Options{})
	for _, c := range []struct{ ns, want string }{
		{"util", "[util dbt]"}, // from the project's dispatch: config
		{"util_x", "[]"},       // no such package: the flat namespace
		{"dbt", "[features dbt]"},
		{"", "[]"},
	} {
		if got := fmt.Sprint(p.impl.searchOrder(c.ns)); got != c.want {
			t.Errorf("searchOrder(%q) = %s, want %s", c.ns, got, c.want)
		}
	}
}
