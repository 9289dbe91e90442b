package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestVersionedModelsBuild builds compiler/testdata/load/versioned.txtar (dim_customers in
// three versions, v1 defined_in another file, v2 latest excluding a column, v3 a
// prerelease view; one consumer pinning v=1, one following the latest) on DuckDB, and
// checks the relations, their columns, which version each consumer read, the manifest
// and what ls prints and selects.
func TestVersionedModelsBuild(t *testing.T) {
	dir := rtProject(t, "../../compiler/testdata/load/versioned.txtar")
	r := rtMust(t, dir, 0, "build")
	if !strings.Contains(r.out, "Done. PASS=11 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=11") {
		t.Errorf("build did not run 5 models and 6 tests:\n%s", r)
	}
	rels := rtQuery(t, dir, "select table_name || ':' || table_type from information_schema.tables where table_schema = 'main' order by 1")
	wantRels := []string{"dim_customers_v1:BASE TABLE", "dim_customers_v2:BASE TABLE", "dim_customers_v3:VIEW",
		"latest_consumer:VIEW", "pinned_consumer:VIEW"}
	if !reflect.DeepEqual(rels, wantRels) {
		t.Errorf("relations %q, want %q", rels, wantRels)
	}
	cols := func(table string) []string {
		return rtQuery(t, dir, "select column_name from information_schema.columns where table_schema = 'main' and table_name = '"+table+"' order by ordinal_position")
	}
	for table, want := range map[string][]string{
		"dim_customers_v1": {"customer_id", "full_name", "country"},
		"dim_customers_v2": {"customer_id", "full_name", "region"},
		"dim_customers_v3": {"customer_id", "first_name"},
	} {
		if got := cols(table); !reflect.DeepEqual(got, want) {
			t.Errorf("%s columns %q, want %q", table, got, want)
		}
	}
	if got := rtQuery(t, dir, "select customer_id || '|' || country from main.pinned_consumer order by 1"); !reflect.DeepEqual(got, []string{"1|UK", "2|UK"}) {
		t.Errorf("pinned_consumer (v=1) read %q", got)
	}
	if got := rtQuery(t, dir, "select customer_id || '|' || region from main.latest_consumer order by 1"); !reflect.DeepEqual(got, []string{"1|EMEA", "2|EMEA"}) {
		t.Errorf("latest_consumer (latest, v2) read %q", got)
	}
	for id, s := range rtStatuses(t, dir) {
		if want := map[bool]string{true: "pass", false: "success"}[strings.HasPrefix(id, "test.")]; s != want {
			t.Errorf("%s: status %q, want %q", id, s, want)
		}
	}
	rtValidate(t, dir+"/target/manifest.json", "manifest_v12.json")

	ls := []struct {
		args []string
		want string
	}{
		{[]string{"ls", "-s", "dim_customers", "--resource-type", "model"}, "vshop.core.dim_customers.v1\nvshop.core.dim_customers.v2\nvshop.core.dim_customers.v3\n"},
		{[]string{"ls", "-s", "dim_customers.v2", "--resource-type", "model", "--output", "name"}, "dim_customers.v2\n"},
		{[]string{"ls", "-s", "dim_customers_v1", "--resource-type", "model", "--output", "path"}, "models/core/dim_customers_legacy.sql\n"},
		// Tests on the selected version come along (eager indirect selection).
		{[]string{"ls", "-s", "version:prerelease"}, "vshop.core.dim_customers.v3\nvshop.core.not_null_dim_customers_v3_customer_id\nvshop.core.unique_dim_customers_v3_customer_id\n"},
		{[]string{"ls", "-s", "version:none", "--output", "name"}, "latest_consumer\npinned_consumer\n"},
		{[]string{"ls", "-s", "dim_customers.v1+", "--resource-type", "model", "--output", "name"}, "dim_customers.v1\npinned_consumer\n"},
	}
	for _, tc := range ls {
		r := rtMust(t, dir, 0, tc.args...)
		if r.out != tc.want {
			t.Errorf("gdbt %s printed\n%s\nwant\n%s", strings.Join(tc.args, " "), r.out, tc.want)
		}
	}
}
