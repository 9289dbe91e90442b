package dag

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const selectorsYAML = `selectors:
  - name: nightly_finance
    description: nightly models and what they feed
    definition:
      union:
        - method: tag
          value: nightly
          children: true
        - exclude:
            - method: fqn
              value: rpt_daily
  - name: staging_only
    default: true
    definition: "path:models/staging"
  - name: kv
    definition:
      tag: finance
  - name: inter
    definition:
      intersection:
        - tag:nightly
        - method: resource_type
          value: model
  - name: ref
    definition:
      union:
        - method: selector
          value: kv
        - exposure:weekly_dashboard
  - name: one_up
    definition:
      method: fqn
      value: fct_orders
      parents: true
      parents_depth: 1
      indirect_selection: empty
  - name: cp
    definition:
      method: fqn
      value: stg_events
      childrens_parents: true
  - name: with_exclude
    definition:
      method: tag
      value: nightly
      exclude:
        - tag:finance
  - name: config_key
    definition:
      method: config.materialized
      value: incremental
  - name: anchored
    definition: &fin
      method: tag
      value: finance
  - name: alias_user
    definition:
      union:
        - *fin
        - <<: *fin
          value: nightly
  - name: cli_set_ops
    definition: "tag:nightly,resource_type:model calendar"
  - name: down_one
    definition:
      union:
        - method: fqn
          value: int_orders
          children: true
          children_depth: 1
          indirect_selection: cautious
`

func TestSelectors(t *testing.T) {
	sels, err := ParseSelectors("selectors.yml", []byte(selectorsYAML))
	if err != nil {
		t.Fatalf("ParseSelectors: %v", err)
	}
	if sels.Default != "staging_only" {
		t.Errorf("Default = %q", sels.Default)
	}
	if sels.Description("nightly_finance") != "nightly models and what they feed" {
		t.Errorf("Description = %q", sels.Description("nightly_finance"))
	}
	g := mustGraph(t, shopManifest())
	tests := []struct {
		name string
		opts SelectOptions
		want []string
	}{
		{"union with exclude", SelectOptions{Selector: "nightly_finance"},
			l("stg_orders", "int_orders", "fct_orders", "customer_orders", "weekly_dashboard", tU, tNN, tR, tA)},
		{"default when nothing given", SelectOptions{},
			l("stg_orders", "stg_customers", "stg_events", "raw.orders", "raw.customers", "ext.events", tU, tAV)},
		{"--select beats the default", SelectOptions{Select: l("calendar")}, l("calendar", tNC)},
		{"--selector beats --select", SelectOptions{Selector: "kv", Select: l("calendar")}, l("fct_orders", "rpt_daily", tNN, tR, tA)},
		{"key-value", SelectOptions{Selector: "kv"}, l("fct_orders", "rpt_daily", tNN, tR, tA)},
		{"intersection", SelectOptions{Selector: "inter"}, l("stg_orders", "fct_orders", tU, tNN, tR, tA)},
		{"selector reference", SelectOptions{Selector: "ref"}, l("fct_orders", "rpt_daily", tNN, tR, tA, "weekly_dashboard")},
		{"parents depth, empty", SelectOptions{Selector: "one_up"}, l("fct_orders", "int_orders", "country_codes")},
		{"childrens parents", SelectOptions{Selector: "cp"}, l("stg_events", tAV, "ext.events")},
		{"dict exclude", SelectOptions{Selector: "with_exclude"}, l("stg_orders", tU)},
		{"config method", SelectOptions{Selector: "config_key"}, l("rpt_daily")},
		{"anchor", SelectOptions{Selector: "anchored"}, l("fct_orders", "rpt_daily", tNN, tR, tA)},
		{"alias and merge key", SelectOptions{Selector: "alias_user"}, l("fct_orders", "rpt_daily", "stg_orders", tU, tNN, tR, tA)},
		{"CLI-style string with set operators", SelectOptions{Selector: "cli_set_ops"}, l("stg_orders", "fct_orders", tU, tNN, tR, tA, "calendar", tNC)},
		{"selector: method on the CLI", SelectOptions{Select: l("selector:kv+")}, l("fct_orders", "rpt_daily", "customer_orders", "weekly_dashboard", tNN, tR, tA)},
		{"selector: method in --exclude", SelectOptions{Select: l("tag:nightly"), Exclude: l("selector:kv")}, l("stg_orders", tU)},
		{"per-criterion cautious", SelectOptions{Selector: "down_one"}, l("int_orders", "fct_orders", tNN, tA)},
		{"resource types apply", SelectOptions{Selector: "kv", ResourceTypes: l("test")}, l(tNN, tR, tA)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Selectors = sels
			got, err := Select(g, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if want := expand(t, g, tt.want); !slices.Equal(got, want) {
				t.Errorf("\n got  %v\n want %v", got, want)
			}
		})
	}
	if _, err := Select(g, SelectOptions{Selector: "nope", Selectors: sels}); err == nil ||
		!strings.Contains(err.Error(), `no selector named "nope"`) || !errors.Is(err, ErrBadSelector) {
		t.Errorf("unknown selector: %v", err)
	}
	if _, err := Select(g, SelectOptions{Selector: "kv"}); err == nil {
		t.Error("--selector without selectors.yml: no error")
	}
	if _, err := Select(g, SelectOptions{Select: l("selector:kv")}); err == nil || !strings.Contains(err.Error(), "no selectors.yml") {
		t.Errorf("selector: without selectors.yml: %v", err)
	}
	loop, err := ParseSelectors("s.yml", []byte("selectors:\n  - name: a\n    definition: selector:a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Select(g, SelectOptions{Selector: "a", Selectors: loop}); err == nil || !strings.Contains(err.Error(), "refers to itself") {
		t.Errorf("self-referencing CLI-style selector: %v", err)
	}
}

func TestSelectorsErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear, in this order
	}{
		{"not a list", "selectors: 3\n", l("selectors.yml:1:1: invalid selector: expected a top-level")},
		{"unknown method", `selectors:
  - name: a
    definition:
      method: colour
      value: red
`, l(`selectors.yml:4:15: invalid selector: selector "a": invalid selector "colour:red": "colour" is not a valid method name`)},
		{"unknown key and bad depth, sorted", `selectors:
  - name: b
    definition:
      method: tag
      value: x
      parents_depth: deep
  - name: a
    definition:
      method: tag
      value: x
      child: true
`, l(`selectors.yml:6:22: invalid selector: selector "b": parents_depth must be a non-negative integer, got "deep"`,
			`selectors.yml:11:7: invalid selector: selector "a": unknown key "child"`)},
		{"two defaults", `selectors:
  - name: a
    default: true
    definition: x
  - name: b
    default: true
    definition: y
`, l(`selectors.yml:6:14: invalid selector: selectors "a" and "b" are both marked default: true`)},
		{"missing reference", `selectors:
  - name: a
    definition:
      method: selector
      value: ghost
`, l(`selectors.yml:5:14: invalid selector: selector "a": no selector named "ghost"`)},
		{"self reference", `selectors:
  - name: a
    definition:
      union:
        - method: selector
          value: b
  - name: b
    definition:
      method: selector
      value: a
`, l(`selectors.yml:6:18: invalid selector: selector "b": selector "b" refers to itself`,
			`selectors.yml:10:14: invalid selector: selector "a": selector "a" refers to itself`)},
		{"root with two keys", `selectors:
  - name: a
    definition:
      union: [x]
      intersection: [y]
`, l(`selectors.yml:4:7: invalid selector: selector "a": only a single 'union' or 'intersection' key`)},
		{"two excludes", `selectors:
  - name: a
    definition:
      union:
        - x
        - exclude: [y]
        - exclude: [z]
`, l(`selectors.yml:7:11: invalid selector: selector "a": only one exclude`)},
		{"bad cli string", `selectors:
  - name: a
    definition: "@+x"
`, l(`selectors.yml:3:17: invalid selector: selector "a": invalid selector "@+x"`)},
		{"yaml syntax", "selectors: [\n", l("selectors.yml: invalid selector: yaml:")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSelectors("selectors.yml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrBadSelector) {
				t.Errorf("not ErrBadSelector: %v", err)
			}
			msg := err.Error()
			at := 0
			for _, w := range tt.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error\n%s\ndoes not contain (in order)\n%s", msg, w)
				}
				at += i + len(w)
			}
		})
	}
}
