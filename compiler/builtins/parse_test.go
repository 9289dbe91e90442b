package builtins_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler/builtins"
	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// newEnv is a Jinja environment with dbt's block tags, as the compiler registers them.
func newEnv() *jinja.Env {
	env := jinja.NewEnv()
	if env.Tags == nil {
		env.Tags = map[string]jinja.TagKind{}
	}
	env.Tags["test"] = jinja.TagMacroLike
	env.Tags["materialization"] = jinja.TagArgs
	return env
}

// TestFilesParse parses every built-in file with gdbt's own engine and checks that the
// library defines what the compiler and dbt packages look up by name.
func TestFilesParse(t *testing.T) {
	env := newEnv()
	macros := map[string]string{}
	var materializations []string
	for _, p := range builtins.Paths() {
		src := builtins.Files()[p]
		tmpl, err := env.Parse(p, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, m := range tmpl.Macros() {
			name := m.Name
			if m.Tag == "test" {
				name = "test_" + name
			}
			if other, dup := macros[name]; dup {
				t.Errorf("%s: macro %s also defined in %s", p, name, other)
			}
			macros[name] = p
		}
		for _, b := range tmpl.Blocks() {
			if b.Tag == "materialization" && len(b.Args) > 0 {
				if n, ok := b.Args[0].(*jinja.Name); ok {
					materializations = append(materializations, n.Name)
				}
			}
		}
	}
	sort.Strings(materializations)
	if got, want := strings.Join(materializations, ","), "dynamic_table,ephemeral,external,incremental,seed,snapshot,table,test,unit,view"; got != want {
		t.Errorf("materializations = %s, want %s", got, want)
	}
	for _, name := range requiredMacros {
		if _, ok := macros[name]; !ok {
			t.Errorf("macro %s is missing", name)
		}
		// A dispatched macro must have a default implementation.
		if _, ok := macros["default__"+name]; !ok && dispatched(name) {
			t.Errorf("macro default__%s is missing", name)
		}
	}
}

// requiredMacros are the names the compiler, the materializations and packages such as
// dbt-utils call.
var requiredMacros = []string{
	"generate_schema_name", "generate_alias_name", "generate_database_name", "generate_schema_name_for_env",
	"create_table_as", "get_create_table_as_sql", "create_view_as", "get_create_view_as_sql",
	"drop_relation", "drop_relation_if_exists", "rename_relation", "truncate_relation", "create_schema", "drop_schema",
	"get_columns_in_relation", "get_columns_in_query", "get_empty_subquery_sql", "alter_column_type",
	"alter_relation_add_remove_columns", "persist_docs", "make_temp_relation", "make_intermediate_relation",
	"make_backup_relation", "load_cached_relation", "get_swap_sql", "run_hooks", "get_where_subquery", "get_test_sql",
	"test_unique", "test_not_null", "test_accepted_values", "test_relationships",
	"get_incremental_append_sql", "get_incremental_delete_insert_sql", "get_incremental_merge_sql",
	"get_merge_sql", "get_delete_insert_merge_sql", "process_schema_changes", "snapshot_get_time",
	"type_string", "type_int", "type_bigint", "type_float", "type_numeric", "type_timestamp", "type_boolean",
	"current_timestamp", "current_timestamp_backcompat", "dateadd", "datediff", "date_trunc", "last_day",
	"concat", "hash", "safe_cast", "cast_bool_to_text", "split_part", "listagg", "any_value", "bool_or",
	"length", "position", "replace", "right", "escape_single_quotes", "string_literal", "except", "intersect",
	"array_construct", "array_append", "array_concat", "cast", "date", "equals", "generate_series",
	"get_powers_of_two", "date_spine", "get_intervals_between", "snapshot_hash_arguments", "get_truncate_sql",
	"get_rename_sql", "get_drop_sql", "get_create_sql", "get_replace_sql", "noop_statement", "apply_grants",
	"should_revoke", "set_sql_header", "get_incremental_default_sql", "current_timestamp_in_utc_backcompat",
}

// dispatched reports whether name goes through adapter.dispatch (and so needs a default__
// implementation); the others are plain macros.
func dispatched(name string) bool {
	switch name {
	case "generate_schema_name_for_env", "drop_relation", "drop_relation_if_exists", "rename_relation",
		"truncate_relation", "get_columns_in_relation", "get_columns_in_query", "load_cached_relation",
		"run_hooks", "process_schema_changes", "get_create_sql", "get_replace_sql", "noop_statement",
		"apply_grants", "should_revoke", "set_sql_header", "get_incremental_default_sql":
		return false
	}
	return true
}

// TestPythonJinjaParses runs testdata/jinja_syntax_check.py: Python's Jinja2, the reference
// engine, must accept every file too. Skipped where python3 with jinja2 is missing.
func TestPythonJinjaParses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if err := exec.Command(py, "-c", "import jinja2").Run(); err != nil {
		t.Skip("python3 has no jinja2")
	}
	dir, _ := os.Getwd()
	out, err := exec.Command(py, filepath.Join(dir, "testdata", "jinja_syntax_check.py"), filepath.Join(dir, "macros")).CombinedOutput()
	if err != nil {
		t.Fatalf("jinja2 rejects built-in macros:\n%s", out)
	}
}
