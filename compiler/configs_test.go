package compiler

import (
	"reflect"
	"testing"
)

func TestResolveProjectConfig(t *testing.T) {
	root := &ProjectConfig{Name: "shop",
		Models: map[string]any{
			"+tags":        "all",
			"materialized": "view", // unprefixed scalar: a config
			"shop": map[string]any{
				"+schema": "analytics",
				"+meta":   map[string]any{"owner": "data", "tier": 2},
				"staging": map[string]any{
					"+materialized": "ephemeral",
					"+tags":         []any{"staging"},
				},
				"marts": map[string]any{
					"materialized": "table",
					"+post-hook":   "analyze {{ this }}",
					"+meta":        map[string]any{"tier": 1},
					"tags":         map[string]any{"+enabled": false}, // a mapping without +: a folder named tags
					"dim_orders":   map[string]any{"+alias": "orders", "+post-hook": []any{"grant select"}},
				},
			},
			"utils": map[string]any{"+schema": "utils_from_root", "+tags": "from_root"},
		},
		Seeds:     map[string]any{"shop": map[string]any{"+quote_columns": false, "+column_types": map[string]any{"a": "int"}}},
		Tests:     map[string]any{"+severity": "warn"},
		DataTests: map[string]any{"shop": map[string]any{"+store_failures": true}},
	}
	pkg := &ProjectConfig{Name: "utils",
		Models: map[string]any{
			"utils": map[string]any{"+materialized": "table", "+schema": "utils_own", "+tags": "pkg"},
		},
	}
	cases := []struct {
		name string
		pkg  *ProjectConfig
		typ  string
		fqn  []string
		want map[string]any
	}{
		{"top level only", root, "model", []string{"shop", "other"},
			map[string]any{"tags": []any{"all"}, "materialized": "view", "schema": "analytics", "meta": map[string]any{"owner": "data", "tier": 2}}},
		{"folder overrides, tags accumulate", root, "model", []string{"shop", "staging", "stg_orders"},
			map[string]any{"tags": []any{"all", "staging"}, "materialized": "ephemeral", "schema": "analytics", "meta": map[string]any{"owner": "data", "tier": 2}}},
		{"meta merges, hooks accumulate, node level", root, "model", []string{"shop", "marts", "dim_orders"},
			map[string]any{"tags": []any{"all"}, "materialized": "table", "schema": "analytics", "meta": map[string]any{"owner": "data", "tier": 1},
				"post-hook": []any{"analyze {{ this }}", "grant select"}, "alias": "orders"}},
		{"a mapping without + is a folder", root, "model", []string{"shop", "marts", "tags", "m"},
			map[string]any{"tags": []any{"all"}, "materialized": "table", "schema": "analytics", "meta": map[string]any{"owner": "data", "tier": 1},
				"post-hook": []any{"analyze {{ this }}"}, "enabled": false}},
		{"package: own config then root overrides", pkg, "model", []string{"utils", "m"},
			map[string]any{"materialized": "view", "schema": "utils_from_root", "tags": []any{"pkg", "all", "from_root"}}},
		{"seeds tree", root, "seed", []string{"shop", "countries"},
			map[string]any{"quote_columns": false, "column_types": map[string]any{"a": "int"}}},
		{"tests and data_tests trees", root, "test", []string{"shop", "not_null_x"},
			map[string]any{"severity": "warn", "store_failures": true}},
		{"analysis uses models tree", root, "analysis", []string{"shop", "staging", "a"},
			map[string]any{"tags": []any{"all", "staging"}, "materialized": "ephemeral", "schema": "analytics", "meta": map[string]any{"owner": "data", "tier": 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ResolveProjectConfig(root, c.pkg, c.typ, c.fqn)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestMergeConfig(t *testing.T) {
	cases := []struct {
		name           string
		dst, src, want map[string]any
	}{
		{"scalars replace", map[string]any{"materialized": "view", "enabled": true}, map[string]any{"materialized": "table"},
			map[string]any{"materialized": "table", "enabled": true}},
		{"tags append without duplicates", map[string]any{"tags": []any{"a", "b"}}, map[string]any{"tags": "b"},
			map[string]any{"tags": []any{"a", "b"}}},
		{"tags from nothing", map[string]any{}, map[string]any{"+tags": []any{"x"}}, map[string]any{"tags": []any{"x"}}},
		{"hooks append, spellings normalised", map[string]any{"pre-hook": []any{"a"}}, map[string]any{"pre_hook": "b", "post_hook": []any{"c"}},
			map[string]any{"pre-hook": []any{"a", "b"}, "post-hook": []any{"c"}}},
		{"meta merges key by key", map[string]any{"meta": map[string]any{"a": 1, "b": 2}}, map[string]any{"meta": map[string]any{"b": 3}},
			map[string]any{"meta": map[string]any{"a": 1, "b": 3}}},
		{"grants: + adds, plain replaces", map[string]any{"grants": map[string]any{"select": []any{"a"}, "insert": []any{"x"}}},
			map[string]any{"grants": map[string]any{"+select": []any{"b"}, "insert": "y"}},
			map[string]any{"grants": map[string]any{"select": []any{"a", "b"}, "insert": []any{"y"}}}},
		{"unique_key list replaces", map[string]any{"unique_key": []any{"a"}}, map[string]any{"unique_key": []any{"b", "c"}},
			map[string]any{"unique_key": []any{"b", "c"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			MergeConfig(c.dst, c.src)
			if !reflect.DeepEqual(c.dst, c.want) {
				t.Errorf("got  %#v\nwant %#v", c.dst, c.want)
			}
		})
	}
	// No aliasing: mutating the source afterwards must not change the result.
	src := map[string]any{"meta": map[string]any{"k": "v"}, "tags": []any{"t"}}
	dst := map[string]any{}
	MergeConfig(dst, src)
	src["meta"].(map[string]any)["k"] = "changed"
	src["tags"].([]any)[0] = "changed"
	if dst["meta"].(map[string]any)["k"] != "v" || dst["tags"].([]any)[0] != "t" {
		t.Errorf("merged config aliases its source: %#v", dst)
	}
}

func TestDefaultConfig(t *testing.T) {
	for typ, mat := range map[string]string{"model": "view", "seed": "seed", "snapshot": "snapshot", "test": "test"} {
		c := DefaultConfig(typ)
		if c["materialized"] != mat || c["enabled"] != true {
			t.Errorf("%s: %#v", typ, c)
		}
	}
	if DefaultConfig("test")["severity"] != "ERROR" {
		t.Error("tests default to severity ERROR")
	}
}
