package dag

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// expand turns the short names of a want list (the part of a unique id after the
// resource type and package, e.g. "raw.orders", "fct_orders") into unique ids.
func expand(t *testing.T, g *Graph, short []string) []string {
	t.Helper()
	out := []string{}
	for _, s := range short {
		var found []string
		for _, id := range g.ids {
			if strings.HasSuffix(id, "."+s) && strings.Count(id[:len(id)-len(s)], ".") == 2 {
				found = append(found, id)
			}
		}
		if len(found) != 1 {
			t.Fatalf("short name %q matches %v", s, found)
		}
		out = append(out, found[0])
	}
	slices.Sort(out)
	return out
}

// Short names of the fixture's tests.
const (
	tU  = "unique_stg_orders_id"
	tNN = "not_null_fct_orders_id"
	tR  = "relationships_fct_orders_customer_id__dim_customers"
	tA  = "assert_positive_total"
	tAV = "accepted_values_stg_events_kind"
	tNC = "not_null_calendar_day"
)

func l(s ...string) []string { return s }

func TestSelect(t *testing.T) {
	g := mustGraph(t, shopManifest())
	fct := l("fct_orders", tNN, tR, tA)
	allButSourcesAndDisabled := l("country_codes", "stg_orders", "stg_customers", "stg_events", "int_orders",
		"fct_orders", "dim_customers", "customer_orders", "rpt_daily", "calendar", "util_helper",
		tU, tNN, tR, tA, tAV, tNC, "weekly_dashboard")
	sources := l("raw.orders", "raw.customers", "ext.events", "ref_data.holidays")
	everything := append(slices.Clone(allButSourcesAndDisabled), sources...)
	tests := []struct {
		name     string
		sel, exc []string
		indirect string
		types    []string
		results  map[string]string
		want     []string
	}{
		// fqn, the default method
		{name: "name", sel: l("stg_orders"), want: l("stg_orders", tU)},
		{name: "name eager tests", sel: l("fct_orders"), want: fct},
		{name: "fqn: explicit", sel: l("fqn:fct_orders"), want: fct},
		{name: "dotted path without package", sel: l("marts.finance"), want: l("fct_orders", "rpt_daily", tNN, tR, tA)},
		{name: "dotted path with package", sel: l("shop.staging"), want: l("stg_orders", "stg_customers", "stg_events", tU, tAV)},
		{name: "package name", sel: l("utils"), want: l("calendar", "util_helper", tNC)},
		{name: "wildcard slurps rest of fqn", sel: l("stg_*"), want: l()},
		{name: "wildcard after path", sel: l("staging.stg_*"), want: l("stg_orders", "stg_customers", tU)},
		{name: "leading star", sel: l("*.stg_*"), want: l("stg_orders", "stg_customers", "stg_events", tU, tAV)},
		{name: "folder star", sel: l("shop.marts.*"), want: l("fct_orders", "dim_customers", "customer_orders", "rpt_daily", tNN, tR, tA, "weekly_dashboard")},
		{name: "class and ?", sel: l("*fct_[oa]rd?rs"), want: fct},
		{name: "negated class", sel: l("*fct_[!x]rders"), want: fct},
		{name: "top-level wildcard", sel: l("cal*"), want: l("calendar", tNC)},
		{name: "star is every non-source", sel: l("*"), want: allButSourcesAndDisabled},
		// tag
		{name: "tag", sel: l("tag:nightly"), want: l("stg_orders", "fct_orders", tU, tNN, tR, tA)},
		{name: "tag glob", sel: l("tag:stag*"), want: l("stg_orders", "stg_customers", tU)},
		{name: "tag on sources", sel: l("tag:raw"), want: l("raw.orders", "raw.customers")},
		{name: "tag on exposure", sel: l("tag:bi"), want: l("weekly_dashboard")},
		// set operators
		{name: "intersection", sel: l("tag:nightly,tag:finance"), want: fct},
		{name: "union in one arg", sel: l("stg_events calendar"), want: l("stg_events", tAV, "calendar", tNC)},
		{name: "union across args", sel: l("stg_events", "calendar"), want: l("stg_events", tAV, "calendar", tNC)},
		{name: "exclude takes tests along", sel: l("tag:nightly"), exc: l("fct_orders"), want: l("stg_orders", tU)},
		{name: "exclude from everything", exc: l("fct_orders tag:utils"), want: setMinus(everything, l("fct_orders", tNN, tR, tA, "calendar", tNC))},
		{name: "exclude intersection", sel: l("tag:nightly"), exc: l("tag:nightly,resource_type:test"), want: l("stg_orders", "fct_orders")},
		// path
		{name: "path folder", sel: l("path:models/staging"), want: l("stg_orders", "stg_customers", "stg_events", "raw.orders", "raw.customers", "ext.events", tU, tAV)},
		{name: "path default method", sel: l("models/staging/events"), want: l("stg_events", tAV)},
		{name: "path trailing slash", sel: l("models/staging/events/"), want: l("stg_events", tAV)},
		{name: "path file", sel: l("path:models/marts/finance/fct_orders.sql"), want: fct},
		{name: "path glob folder", sel: l("path:models/*/finance"), want: l("fct_orders", "rpt_daily", tNN, tR, tA)},
		{name: "path double star", sel: l("path:models/**/stg_*.sql"), want: l("stg_orders", "stg_customers", "stg_events", tU, tAV)},
		{name: "path tests folder", sel: l("path:tests"), want: l(tA)},
		{name: "path ./ prefix", sel: l("./seeds"), want: l("country_codes")},
		{name: "path patch file", sel: l("path:models/staging/schema.yml"), want: l("stg_orders", "stg_customers", tU, tAV)},
		// file
		{name: "file with extension", sel: l("file:fct_orders.sql"), want: fct},
		{name: "file default method", sel: l("fct_orders.sql"), want: fct},
		{name: "file stem", sel: l("file:stg_orders"), want: l("stg_orders", tU)},
		{name: "file yaml", sel: l("file:schema.yml"), want: l(tU, tNN, tR, tAV, tNC)},
		{name: "file python", sel: l("util_helper.py"), want: l("util_helper")},
		{name: "file csv", sel: l("country_codes.csv"), want: l("country_codes")},
		// package
		{name: "package", sel: l("package:utils"), want: l("calendar", "util_helper", tNC, "ref_data.holidays")},
		{name: "package glob", sel: l("package:ut*"), want: l("calendar", "util_helper", tNC, "ref_data.holidays")},
		{name: "package this", sel: l("package:this"), exc: l("package:utils"), want: setMinus(everything, l("calendar", "util_helper", tNC, "ref_data.holidays"))},
		// config
		{name: "config scalar", sel: l("config.materialized:table"), want: l("fct_orders", "dim_customers", "customer_orders", "calendar", tNN, tR, tA, tNC)},
		{name: "config default view", sel: l("config.materialized:view"), want: l("stg_orders", "stg_customers", "stg_events", "util_helper", tU, tAV)},
		{name: "config list", sel: l("config.tags:finance"), want: l("fct_orders", "rpt_daily", tNN, tR, tA)},
		{name: "config list unique_key", sel: l("config.unique_key:day"), want: fct},
		{name: "config nested", sel: l("config.meta.owner:alice"), want: fct},
		{name: "config nested number never equals string", sel: l("config.meta.tier:1"), want: l()},
		{name: "config bool", sel: l("config.full_refresh:FALSE"), want: l("rpt_daily")},
		{name: "config severity case", sel: l("config.severity:WARN"), want: l(tNN)},
		{name: "config severity error", sel: l("config.severity:error"), want: l(tU, tR, tA, tAV, tNC)},
		// resource_type
		{name: "resource_type source", sel: l("resource_type:source"), want: sources},
		{name: "resource_type exposure", sel: l("resource_type:exposure"), want: l("weekly_dashboard")},
		{name: "resource_type seed", sel: l("resource_type:seed"), want: l("country_codes")},
		{name: "resource_type test", sel: l("resource_type:test"), want: l(tU, tNN, tR, tA, tAV, tNC)},
		// source
		{name: "source name", sel: l("source:raw"), want: l("raw.orders", "raw.customers")},
		{name: "source table", sel: l("source:raw.orders"), want: l("raw.orders")},
		{name: "source package", sel: l("source:utils.*.*"), want: l("ref_data.holidays")},
		{name: "source star", sel: l("source:*"), want: sources},
		{name: "source children", sel: l("source:raw+"), want: l("raw.orders", "raw.customers", "stg_orders", "stg_customers", "int_orders", "fct_orders", "dim_customers", "customer_orders", "rpt_daily", "weekly_dashboard", tU, tNN, tR, tA)},
		// tests
		{name: "test_type generic", sel: l("test_type:generic"), want: l(tU, tNN, tR, tAV, tNC)},
		{name: "test_type schema", sel: l("test_type:schema"), want: l(tU, tNN, tR, tAV, tNC)},
		{name: "test_type singular", sel: l("test_type:singular"), want: l(tA)},
		{name: "test_type data", sel: l("test_type:data"), want: l(tU, tNN, tR, tA, tAV, tNC)},
		{name: "test_name", sel: l("test_name:not_null"), want: l(tNN, tNC)},
		{name: "test_name glob", sel: l("test_name:rel*"), want: l(tR)},
		// exposure
		{name: "exposure", sel: l("exposure:weekly_dashboard"), want: l("weekly_dashboard")},
		{name: "exposure package glob", sel: l("exposure:shop.weekly*"), want: l("weekly_dashboard")},
		{name: "exposure parents", sel: l("+exposure:weekly_dashboard"), want: l("weekly_dashboard", "fct_orders", "dim_customers", "int_orders", "stg_orders", "stg_customers", "country_codes", "raw.orders", "raw.customers", tU, tNN, tR, tA)},
		// graph operators
		{name: "parents", sel: l("+int_orders"), want: l("int_orders", "stg_orders", "stg_customers", "raw.orders", "raw.customers", tU)},
		{name: "parents depth 1", sel: l("1+int_orders"), want: l("int_orders", "stg_orders", "stg_customers", tU)},
		{name: "parents depth 2", sel: l("2+fct_orders"), want: l("fct_orders", "int_orders", "country_codes", "stg_orders", "stg_customers", tNN, tR, tA, tU)},
		{name: "children", sel: l("int_orders+"), want: l("int_orders", "fct_orders", "rpt_daily", "customer_orders", "weekly_dashboard", tNN, tR, tA)},
		{name: "children depth 1", sel: l("int_orders+1"), want: l("int_orders", "fct_orders", tNN, tR, tA)},
		{name: "children depth 0", sel: l("int_orders+0"), want: l("int_orders")},
		{name: "both", sel: l("1+stg_events+"), want: l("stg_events", "ext.events", tAV)},
		{name: "at", sel: l("@stg_events"), want: l("stg_events", tAV, "ext.events")},
		{name: "at pulls in other parents", sel: l("@calendar"), want: l("calendar", "rpt_daily", "util_helper", tNC, "ref_data.holidays", "fct_orders", "int_orders", "stg_orders", "stg_customers", "raw.orders", "raw.customers", "country_codes", tU, tNN, tR, tA)},
		// indirect selection modes
		{name: "cautious", sel: l("fct_orders"), indirect: IndirectCautious, want: l("fct_orders", tNN, tA)},
		{name: "buildable single", sel: l("fct_orders"), indirect: IndirectBuildable, want: l("fct_orders", tNN, tA)},
		{name: "empty", sel: l("fct_orders"), indirect: IndirectEmpty, want: l("fct_orders")},
		{name: "cautious union admits test", sel: l("fct_orders dim_customers"), indirect: IndirectCautious, want: l("fct_orders", "dim_customers", tNN, tA, tR)},
		{name: "cautious union of child", sel: l("customer_orders fct_orders"), indirect: IndirectCautious, want: l("customer_orders", "fct_orders", tNN, tA)},
		{name: "buildable union of child", sel: l("customer_orders fct_orders"), indirect: IndirectBuildable, want: l("customer_orders", "fct_orders", tNN, tA, tR)},
		{name: "cautious parents", sel: l("+customer_orders"), indirect: IndirectCautious, want: l("customer_orders", "dim_customers", "fct_orders", "int_orders", "stg_orders", "stg_customers", "country_codes", "raw.orders", "raw.customers", tU, tNN, tR, tA)},
		// result
		{name: "result", sel: l("result:error"), results: map[string]string{"model.shop.fct_orders": "error", "model.shop.stg_orders": "success", "model.shop.gone": "error"}, want: fct},
		{name: "result children", sel: l("result:fail+"), results: map[string]string{"test.shop.unique_stg_orders_id": "fail"}, want: l(tU)},
		// resource type filter and defaults
		{name: "resource types", sel: l("tag:nightly"), types: l("model"), want: l("stg_orders", "fct_orders")},
		{name: "default is everything", want: everything},
		{name: "default for test command", types: l("test"), want: l(tU, tNN, tR, tA, tAV, tNC)},
		{name: "nothing matches", sel: l("no_such_model"), want: l()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(g, SelectOptions{Select: tt.sel, Exclude: tt.exc, Indirect: tt.indirect,
				ResourceTypes: tt.types, PreviousResults: tt.results})
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			want := expand(t, g, tt.want)
			if !slices.Equal(got, want) {
				t.Errorf("select %q exclude %q\n got  %v\n want %v", tt.sel, tt.exc, got, want)
			}
		})
	}
}

func setMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestSelectWarnsUnmatchedWords(t *testing.T) {
	g := mustGraph(t, shopManifest())
	var warnings []string
	_, err := Select(g, SelectOptions{Select: l("tag:nighlty fct_orders", "disabled_model"), Exclude: l("tag:x,fct_orders"),
		Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	want := l("The selection criterion 'tag:nighlty' does not match any enabled nodes",
		"The selection criterion 'disabled_model' does not match any enabled nodes",
		"The selection criterion 'tag:x,fct_orders' does not match any enabled nodes")
	if !slices.Equal(warnings, want) {
		t.Errorf("warnings\n%q\nwant\n%q", warnings, want)
	}
}

func TestSelectDisabled(t *testing.T) {
	g := mustGraph(t, shopManifest())
	got, err := Select(g, SelectOptions{Select: l("disabled_model"), IncludeDisabled: true})
	if err != nil || !slices.Equal(got, l("model.shop.disabled_model")) {
		t.Errorf("IncludeDisabled: %v %v", got, err)
	}
	got, _ = Select(g, SelectOptions{Select: l("disabled_model")})
	if len(got) != 0 {
		t.Errorf("disabled model selected: %v", got)
	}
}

func TestSelectState(t *testing.T) {
	cur := shopManifest()
	cur.Macros["macro.utils.m1"] = &manifest.Macro{UniqueID: "macro.utils.m1", MacroSQL: "{% macro m1() %}1{% endmacro %}",
		DependsOn: manifest.DependsOn{Macros: []string{"macro.utils.m2"}}}
	cur.Macros["macro.utils.m2"] = &manifest.Macro{UniqueID: "macro.utils.m2", MacroSQL: "{% macro m2() %}new{% endmacro %}"}
	cur.Nodes["model.utils.calendar"].DependsOn.Macros = []string{"macro.utils.m1"}

	old := shopManifest()
	old.Macros["macro.utils.m1"] = &manifest.Macro{UniqueID: "macro.utils.m1", MacroSQL: cur.Macros["macro.utils.m1"].MacroSQL,
		DependsOn: manifest.DependsOn{Macros: []string{"macro.utils.m2"}}}
	old.Macros["macro.utils.m2"] = &manifest.Macro{UniqueID: "macro.utils.m2", MacroSQL: "{% macro m2() %}old{% endmacro %}"}
	old.Nodes["model.utils.calendar"].DependsOn.Macros = []string{"macro.utils.m1"}
	old.Nodes["model.shop.fct_orders"].Checksum.Checksum = "before"
	old.Nodes["model.shop.dim_customers"].Config["materialized"] = "view"
	delete(old.Nodes, "model.shop.stg_events")
	// The state manifest comes from disk: JSON numbers and lists, not Go ints and []string.
	data, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	var fromDisk manifest.Manifest
	if err := json.Unmarshal(data, &fromDisk); err != nil {
		t.Fatal(err)
	}

	g := mustGraph(t, cur)
	tests := []struct {
		sel  string
		want []string
	}{
		{"state:new", l("stg_events")},
		{"state:modified", l("stg_events", "fct_orders", "dim_customers", "calendar")},
		{"state:modified.body", l("stg_events", "fct_orders")},
		{"state:modified.configs", l("stg_events", "dim_customers")},
		{"state:modified.macros", l("calendar")},
		{"state:modified.relation", l("stg_events")},
		{"state:modified+", l("stg_events", "fct_orders", "dim_customers", "calendar", "rpt_daily", "customer_orders", "util_helper", "weekly_dashboard", tNN, tR, tA, tNC, tAV)},
		{"state:unmodified,resource_type:seed", l("country_codes")},
		{"state:old,resource_type:seed", l("country_codes")},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			got, err := Select(g, SelectOptions{Select: l(tt.sel), StateManifest: &fromDisk, Indirect: IndirectEmpty})
			if err != nil {
				t.Fatal(err)
			}
			if want := expand(t, g, tt.want); !slices.Equal(got, want) {
				t.Errorf("\n got  %v\n want %v", got, want)
			}
		})
	}
}

func TestSelectErrors(t *testing.T) {
	g := mustGraph(t, shopManifest())
	tests := []struct {
		sel      string
		indirect string
		wantMsg  string
	}{
		{"foo:bar", "", `"foo" is not a valid method name`},
		{"tag:a,foo:bar", "", `"foo:bar"`},
		{"resource_type:nope", "", `invalid resource_type "nope"`},
		{"source:a.b.c.d", "", `"source:a.b.c.d"`},
		{"exposure:a.b.c", "", `"exposure:a.b.c"`},
		{"test_type:unit_ish", "", `invalid test type "unit_ish"`},
		{"@+fct_orders", "", `"@" and a "+" prefix`},
		{"state:modified", "", "needs a comparison manifest"},
		{"result:fail", "", "previous run"},
		{"tag:a,,tag:b", "", "empty term"},
		{"config:x", "", "config needs a key"},
		{"tag.x:y", "", `method "tag" takes no arguments`},
		{"metric:m", "", `method "metric" is not supported`},
		{"+", "", "no value"},
		{"fct_orders", "sometimes", `indirect selection "sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			_, err := Select(g, SelectOptions{Select: l(tt.sel), Indirect: tt.indirect})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrBadSelector) {
				t.Errorf("%v is not ErrBadSelector", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
	if err := Parse(l("ok tag:x,foo:y")); err == nil || !strings.Contains(err.Error(), `"foo:y"`) {
		t.Errorf("Parse: %v", err)
	}
}

func TestParseCriterion(t *testing.T) {
	tests := []struct {
		raw                         string
		method, value               string
		args                        []string
		parents, children, at       bool
		parentsDepth, childrenDepth int
	}{
		{"2+tag:nightly+3", "tag", "nightly", nil, true, true, false, 2, 3},
		{"+a", "fqn", "a", nil, true, false, false, -1, -1},
		{"a+", "fqn", "a", nil, false, true, false, -1, -1},
		{"@a", "fqn", "a", nil, false, false, true, -1, -1},
		{"config.meta.owner:x", "config", "x", l("meta", "owner"), false, false, false, -1, -1},
		{"a+b", "fqn", "a+b", nil, false, false, false, -1, -1},
		{"models/x", "path", "models/x", nil, false, false, false, -1, -1},
		{"m.SQL", "file", "m.SQL", nil, false, false, false, -1, -1},
	}
	for _, tt := range tests {
		c, err := parseCriterion(tt.raw, "")
		if err != nil {
			t.Errorf("%s: %v", tt.raw, err)
			continue
		}
		if c.method != tt.method || c.value != tt.value || !slices.Equal(c.args, tt.args) ||
			c.parents != tt.parents || c.children != tt.children || c.childrensParents != tt.at ||
			c.parentsDepth != tt.parentsDepth || c.childrenDepth != tt.childrenDepth {
			t.Errorf("%s: got %+v", tt.raw, *c)
		}
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		name, pat string
		want      bool
	}{
		{"abc", "abc", true}, {"abc", "a*", true}, {"abc", "*c", true}, {"abc", "a?c", true},
		{"abc", "a[bx]c", true}, {"abc", "a[!b]c", false}, {"abc", "a[a-c]c", true},
		{"a.b.c", "a*c", true}, {"a/b", "a*b", true}, {"ab", "a*b*", true}, {"abc", "", false},
		{"a[b", "a[b", true}, {"abc", "a[]c", false}, {"a]c", "a[]]c", true}, {"aXbXc", "*X*X*", true},
		{"aXb", "*X*X*", false}, {"ñx", "?x", true},
	}
	for _, tt := range tests {
		if got := fnmatch(tt.name, tt.pat); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v", tt.name, tt.pat, got)
		}
	}
}

func TestReadState(t *testing.T) {
	dir := t.TempDir()
	st, err := ReadState(dir)
	if err != nil || st.Manifest != nil || st.Results != nil {
		t.Fatalf("empty dir: %+v %v", st, err)
	}
	data, _ := json.Marshal(shopManifest())
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	rr := `{"metadata": {}, "results": [{"unique_id": "model.shop.fct_orders", "status": "error"},
		{"unique_id": "test.shop.unique_stg_orders_id", "status": "fail"}]}`
	if err := os.WriteFile(filepath.Join(dir, "run_results.json"), []byte(rr), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err = ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := mustGraph(t, shopManifest())
	got, err := Select(g, SelectOptions{Select: l("result:error result:fail state:modified"), PreviousResults: st.Results,
		StateManifest: st.Manifest, Indirect: IndirectEmpty})
	if err != nil {
		t.Fatal(err)
	}
	if want := expand(t, g, l("fct_orders", tU)); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (nothing is modified against itself)", got, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "run_results.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadState(dir); err == nil || !strings.Contains(err.Error(), "run_results.json") {
		t.Errorf("malformed run_results: %v", err)
	}
}
