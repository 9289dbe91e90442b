package snowflake_test

import (
	"context"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// TestTableStats reads a table's and a view's catalog statistics through the real client:
// the row count is included for the table (the fake reports DuckDB's estimate), absent for
// the view, and the columns the fake does not track come back not included, as dbt-snowflake
// includes a stat only when its value is not null.
func TestTableStats(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	ctx := context.Background()
	for _, q := range []string{"create schema if not exists stats_s", "create table stats_s.t as select 1 as id union all select 2 union all select 3",
		"create view stats_s.v as select * from stats_s.t"} {
		if _, _, err := a.Execute(ctx, q, false); err != nil {
			t.Fatal(err)
		}
	}
	var sr warehouse.StatsReader = a
	byID := func(r warehouse.Relation) map[string]warehouse.TableStat {
		stats, err := sr.TableStats(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]warehouse.TableStat{}
		for _, s := range stats {
			m[s.ID] = s
		}
		if len(m) != 4 {
			t.Fatalf("stats of %s: %v, want clustering_key, row_count, bytes, last_modified", r.Identifier, stats)
		}
		return m
	}
	tab := byID(warehouse.Relation{Database: "GDBT_DB", Schema: "stats_s", Identifier: "t", Type: "table"})
	if rc := tab["row_count"]; !rc.Include || rc.Value != int64(3) || rc.Label != "Row Count" {
		t.Errorf("table row_count = %+v, want 3 included", rc)
	}
	if ck := tab["clustering_key"]; ck.Include || ck.Value != nil {
		t.Errorf("clustering_key = %+v, want null and not included", ck)
	}
	view := byID(warehouse.Relation{Database: "GDBT_DB", Schema: "stats_s", Identifier: "v", Type: "view"})
	if rc := view["row_count"]; rc.Include {
		t.Errorf("view row_count = %+v, want not included", rc)
	}
	if _, err := sr.TableStats(ctx, warehouse.Relation{Database: "GDBT_DB", Schema: "stats_s", Identifier: "missing"}); err == nil {
		t.Error("stats of a missing relation: no error")
	}
}
