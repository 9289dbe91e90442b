package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestDerivedIdentifierFitsPostgres: derived names keep their suffix within 63 bytes, cut
// on a character boundary, and stay distinct from the base name.
func TestDerivedIdentifierFitsPostgres(t *testing.T) {
	d := postgres.Dialect{}
	long := strings.Repeat("a", 60)
	for _, c := range []struct{ ident, suffix, want string }{
		{"short", warehouse.TmpSuffix, "short__gdbt_tmp"},
		{long, warehouse.TmpSuffix, strings.Repeat("a", 53) + "__gdbt_tmp"},
		{long, "__dbt_backup", strings.Repeat("a", 51) + "__dbt_backup"},
		// 52 bytes of é (2 bytes each) would split a character: cut to 52 bytes → 26 é.
		{strings.Repeat("é", 40), "__dbt_backup", strings.Repeat("é", 25) + "__dbt_backup"},
	} {
		got := warehouse.DerivedIdentifier(d, c.ident, c.suffix)
		if got != c.want || len(got) > 63 {
			t.Errorf("DerivedIdentifier(%q, %q) = %q (%d bytes), want %q", c.ident, c.suffix, got, len(got), c.want)
		}
	}
	if got := warehouse.DerivedIdentifier(nil, long, warehouse.TmpSuffix); got != long+warehouse.TmpSuffix {
		t.Errorf("without a limit the suffix is appended: %q", got)
	}
}

// TestLongNamesAndViewChainRebuild builds testdata/longnames.txtar three times: every node
// passes each time, and no temporary or backup relation is left behind.
func TestLongNamesAndViewChainRebuild(t *testing.T) {
	fields := testFields(t)
	schema := fmt.Sprintf("gdbt_long_%d", time.Now().UnixNano()%1e9)
	setProjectEnv(t, fields, schema)
	a := openTest(t)
	t.Cleanup(func() {
		a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false)
	})
	dir := warehousetest.WriteTxtar(t, filepath.Join("testdata", "longnames.txtar"))
	for i, full := range []bool{false, false, true} {
		b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, FullRefresh: full}, 2, "target")
		if len(b.Status) != 6 {
			t.Errorf("build %d ran %d nodes, want 6: %v", i+1, len(b.Status), b.Status)
		}
		for name, st := range b.Status {
			if !strings.HasPrefix(st, "success") && !strings.HasPrefix(st, "pass") {
				t.Errorf("build %d (full refresh %v): %s: %s\n%s", i+1, full, name, st, b.ConsoleText())
			}
		}
		rels, err := a.ListRelations(context.Background(), "", schema)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range rels {
			names = append(names, r.Identifier+":"+r.Type)
		}
		want := "chain_base:view chain_top:view seed_with_a_rather_long_name_that_nearly_fills_the_pg_limit:table " +
			"table_with_a_rather_long_name_that_nearly_fills_the_pg_lim:table view_with_a_rather_long_name_that_nearly_fills_the_pg_limi:view"
		if got := strings.Join(names, " "); got != want {
			t.Errorf("build %d left relations\n %s\nwant\n %s", i+1, got, want)
		}
	}
}
