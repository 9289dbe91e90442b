package compiler

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// utilsProject is a small project calling dbt-utils macros and generic tests.
var utilsProject = map[string]string{
	"dbt_project.yml": "name: utilsproj\nprofile: utilsproj\n",
	"models/base.sql": "{{ config(materialized='table') }}\nselect 1 as id, 'a' as cat, 10 as amount union all select 2, 'b', 20 union all select 3, 'a', 5\n",
	"models/uses_utils.sql": `{{ config(materialized='table') }}
select
  {{ dbt_utils.generate_surrogate_key(['id', 'cat']) }} as sk,
  {{ dbt_utils.star(from=ref('base'), except=['amount']) }},
  {{ dbt_utils.pivot('cat', dbt_utils.get_column_values(ref('base'), 'cat')) }}
from {{ ref('base') }}
group by all
`,
	"models/spine.sql": `{{ dbt_utils.date_spine(datepart="day", start_date="cast('2020-01-01' as date)", end_date="cast('2020-01-05' as date)") }}` + "\n",
	"models/schema.yml": `version: 2
models:
  - name: base
    tests:
      - dbt_utils.expression_is_true:
          expression: "amount > 0"
    columns:
      - name: id
        tests:
          - unique
          - dbt_utils.not_null_proportion:
              at_least: 0.9
`,
}

// TestDbtUtilsProject installs dbt-labs/dbt-utils (a checkout named by GDBT_DBT_UTILS_DIR)
// as a package of a small project and builds it: star, generate_surrogate_key, pivot,
// get_column_values (run_query at run time), date_spine and two of its generic tests. It
// is skipped when the variable is not set.
func TestDbtUtilsProject(t *testing.T) {
	utils := os.Getenv("GDBT_DBT_UTILS_DIR")
	if utils == "" {
		t.Skip("GDBT_DBT_UTILS_DIR not set (a checkout of dbt-labs/dbt-utils)")
	}
	dir := t.TempDir()
	for name, body := range utilsProject {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkg := filepath.Join(dir, "dbt_packages", "dbt_utils")
	err := filepath.Walk(utils, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(utils, p)
		if info.IsDir() {
			if rel != "." && rel != "macros" && !strings.HasPrefix(rel, "macros"+string(filepath.Separator)) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(pkg, rel), 0o755)
		}
		if rel != "dbt_project.yml" && !strings.HasPrefix(rel, "macros") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(pkg, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	createSchemas(t, a, p)
	for _, n := range topo(p.Manifest) {
		r, err := p.Execute(ctx, a, n)
		if err != nil {
			t.Errorf("%s: %v", n.UniqueID, err)
			continue
		}
		if n.ResourceType == manifest.Test && (r.Failures != 0 || r.ShouldError) {
			t.Errorf("%s failed: %d", n.UniqueID, r.Failures)
		}
	}
	if got := queryInt(t, a, `select count(*) from main.spine`); got != 4 {
		t.Errorf("date_spine rows = %d, want 4", got)
	}
	if got := queryInt(t, a, `select "a" from main.uses_utils where id = 3`); got != 1 {
		t.Errorf("pivot column a for id 3 = %d, want 1", got)
	}
}
