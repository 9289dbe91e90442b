package replay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFromTargetOrderAndSkip: the statements come in the order gdbt started them (the
// execute timings), not in run_results.json's order, and a skipped node takes its
// descendants with it, through an ephemeral model that run_results does not list.
func TestFromTargetOrderAndSkip(t *testing.T) {
	dir := t.TempDir()
	// c was started before b although listed after it; e depends on the ephemeral x, which
	// depends on the skipped a2; f has no timing order problem.
	runResults := `{"results": [
 {"unique_id": "model.p.a", "status": "success", "compiled_code": "select 1 as x", "relation_name": "\"db\".\"main\".\"a\"",
  "timing": [{"name": "compile", "started_at": "2026-12-05T10:00:00.000001Z"}, {"name": "execute", "started_at": "2026-12-05T10:00:00.5Z"}]},
 {"unique_id": "model.p.b", "status": "success", "compiled_code": "select * from a", "relation_name": "\"db\".\"main\".\"b\"",
  "timing": [{"name": "execute", "started_at": "2026-12-05T10:00:03Z"}]},
 {"unique_id": "model.p.c", "status": "success", "compiled_code": "select * from a", "relation_name": "\"db\".\"main\".\"c\"",
  "timing": [{"name": "execute", "started_at": "2026-12-05T10:00:01.25Z"}]},
 {"unique_id": "model.p.a2", "status": "success", "compiled_code": "select 2 as y", "relation_name": "\"db\".\"main\".\"a2\"",
  "timing": [{"name": "execute", "started_at": "2026-12-05T10:00:00.75Z"}]},
 {"unique_id": "model.p.e", "status": "success", "compiled_code": "select * from x", "relation_name": "\"db\".\"main\".\"e\"",
  "timing": [{"name": "execute", "started_at": "2026-12-05T10:00:04Z"}]},
 {"unique_id": "model.p.v", "status": "success", "compiled_code": "select * from c", "relation_name": "\"db\".\"s2\".\"v\"",
  "timing": [{"name": "execute", "started_at": "2026-12-05T10:00:02Z"}]},
 {"unique_id": "model.p.failed", "status": "error", "compiled_code": "select nope", "relation_name": "\"db\".\"main\".\"failed\"",
  "timing": [{"name": "execute", "started_at": "2026-12-05T10:00:00Z"}]}
]}`
	manifest := `{"nodes": {
 "model.p.a": {"resource_type": "model", "database": "db", "schema": "main", "name": "a", "config": {"materialized": "table"}, "depends_on": {"nodes": []}},
 "model.p.b": {"resource_type": "model", "database": "db", "schema": "main", "name": "b", "config": {"materialized": "table"}, "depends_on": {"nodes": ["model.p.a"]}},
 "model.p.c": {"resource_type": "model", "database": "db", "schema": "main", "name": "c", "config": {"materialized": "table"}, "depends_on": {"nodes": ["model.p.a"]}},
 "model.p.a2": {"resource_type": "model", "database": "db", "schema": "main", "name": "a2", "config": {"materialized": "table"}, "depends_on": {"nodes": []}},
 "model.p.x": {"resource_type": "model", "database": "db", "schema": "main", "name": "x", "config": {"materialized": "ephemeral"}, "depends_on": {"nodes": ["model.p.a2"]}},
 "model.p.e": {"resource_type": "model", "database": "db", "schema": "main", "name": "e", "config": {"materialized": "table"}, "depends_on": {"nodes": ["model.p.x"]}},
 "model.p.v": {"resource_type": "model", "database": "db", "schema": "s2", "name": "v", "config": {"materialized": "view"}, "depends_on": {"nodes": ["model.p.c"]}},
 "model.p.failed": {"resource_type": "model", "database": "db", "schema": "main", "name": "failed", "config": {"materialized": "table"}, "depends_on": {"nodes": []}}
}}`
	for name, body := range map[string]string{"run_results.json": runResults, "manifest.json": manifest} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stmts, err := FromTarget(dir, map[string]bool{"model.p.a2": true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stmts {
		got = append(got, s.UniqueID)
	}
	if want := "model.p.a model.p.c model.p.v model.p.b"; strings.Join(got, " ") != want {
		t.Errorf("order: got %q, want %q", strings.Join(got, " "), want)
	}
	if len(stmts) > 2 && stmts[2].SQL != "create or replace view \"db\".\"s2\".\"v\" as (\nselect * from c\n)" {
		t.Errorf("view statement: %q", stmts[2].SQL)
	}
	if s := Schemas(stmts); len(s) != 1 || s[0] != `create schema if not exists "s2"` {
		t.Errorf("schemas: %q", s)
	}

	// Without timings the file's order stands.
	noTiming := strings.ReplaceAll(runResults, `"execute"`, `"other"`)
	if err := os.WriteFile(filepath.Join(dir, "run_results.json"), []byte(noTiming), 0o644); err != nil {
		t.Fatal(err)
	}
	stmts, err = FromTarget(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, s := range stmts {
		got = append(got, s.UniqueID)
	}
	if want := "model.p.a model.p.b model.p.c model.p.a2 model.p.e model.p.v"; strings.Join(got, " ") != want {
		t.Errorf("order without timings: got %q, want %q", strings.Join(got, " "), want)
	}
}
