package contract

import (
	"reflect"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cols := []Column{
		{Name: "id", DataType: "integer", Constraints: []any{
			map[string]any{"type": "not_null"}, map[string]any{"type": "primary_key"},
			map[string]any{"type": "check", "expression": "id > 0"}}},
		{Name: "c_id", DataType: "int", Constraints: []any{
			map[string]any{"type": "foreign_key", "to": "ref('c')", "to_columns": []any{"id"}, "warn_unenforced": false}}},
		{Name: "note", DataType: "text", Constraints: []any{map[string]any{"type": "custom", "expression": "collate \"C\""}}},
	}
	model := []any{
		map[string]any{"type": "unique", "name": "uq", "columns": []any{"id", "c_id"}},
		map[string]any{"type": "check", "expression": "id <> c_id"},
		map[string]any{"type": "foreign_key", "columns": []any{"c_id"}, "expression": "other (id)"},
	}
	resolve := func(to string) (string, error) { return `"db"."s"."c"`, nil }
	for _, c := range []struct {
		adapter     string
		cols, model []string
		warnings    []string
	}{
		{"postgres",
			[]string{`id integer not null primary key check (id > 0)`, `c_id int references "db"."s"."c" (id)`, `note text collate "C"`},
			[]string{"constraint uq unique (id, c_id)", "check (id <> c_id)", "foreign key (c_id) references other (id)"}, nil},
		// dbt-duckdb drops the database from a foreign key's target.
		{"duckdb",
			[]string{`id integer not null primary key check (id > 0)`, `c_id int references "s"."c" (id)`, `note text collate "C"`},
			[]string{"constraint uq unique (id, c_id)", "check (id <> c_id)", "foreign key (c_id) references other (id)"}, nil},
		// Snowflake leaves checks out and only records keys; warn_unenforced: false silences one.
		{"snowflake",
			[]string{`id integer not null primary key`, `c_id int references "db"."s"."c" (id)`, `note text collate "C"`},
			[]string{"constraint uq unique (id, c_id)", "foreign key (c_id) references other (id)"},
			[]string{NotEnforcedWarning("primary_key", "snowflake"), NotSupportedWarning("check", "snowflake"),
				NotEnforcedWarning("unique", "snowflake"), NotSupportedWarning("check", "snowflake"), NotEnforcedWarning("foreign_key", "snowflake")}},
	} {
		var warnings []string
		warn := func(s string) { warnings = append(warnings, s) }
		gotCols, err := RenderColumns(c.adapter, cols, resolve, warn)
		if err != nil {
			t.Fatal(err)
		}
		gotModel, err := RenderModelConstraints(c.adapter, model, resolve, warn)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotCols, c.cols) || !reflect.DeepEqual(gotModel, c.model) || !reflect.DeepEqual(warnings, c.warnings) {
			t.Errorf("%s:\ncolumns %q\nwant    %q\nmodel %q\nwant  %q\nwarnings %q\nwant     %q", c.adapter, gotCols, c.cols, gotModel, c.model, warnings, c.warnings)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, raw := range []any{
		map[string]any{"type": "nonsense"},
		map[string]any{"expression": "x"},
		map[string]any{"type": "check", "expression": 3},
		map[string]any{"type": "unique", "columns": []any{"a"}}, // columns only at model level
		"not_null",
	} {
		if _, err := Parse(raw, false); err == nil || !strings.HasPrefix(err.Error(), "Could not parse constraint: ") {
			t.Errorf("Parse(%v) = %v, want dbt's Could not parse constraint", raw, err)
		}
	}
}

func TestCheck(t *testing.T) {
	pk := map[string]any{"type": "primary_key"}
	base := Model{File: "models/m.sql", Name: "m", Language: "sql", Materialized: "table", Enforced: true,
		Columns: []Column{{Name: "a", DataType: "int"}, {Name: "b", DataType: "int"}}}
	for _, c := range []struct {
		name    string
		edit    func(m *Model)
		err     string
		warning string
	}{
		{"fine", func(m *Model) {}, "", ""},
		{"two column pks", func(m *Model) { m.Columns[0].Constraints = []any{pk}; m.Columns[1].Constraints = []any{pk} },
			"Primary key constraint error: (models/m.sql)\nFound 2 columns (['a', 'b']) with primary key constraints defined. Primary keys for multiple columns must be defined as a model level constraint.", ""},
		{"pk at both levels", func(m *Model) {
			m.Columns[0].Constraints = []any{pk}
			m.Constraints = []any{map[string]any{"type": "primary_key", "columns": []any{"a"}}}
		}, "Primary key constraints defined at the model level and the columns level.", ""},
		{"bad model type", func(m *Model) { m.Constraints = []any{map[string]any{"type": "pk"}} },
			"Invalid constraint type on model m: Type must be one of ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom']", ""},
		{"no columns", func(m *Model) { m.Columns = nil }, "Contract enforcement failed for: (models/m.sql)\nConstraints must be defined in a `yml` schema configuration file like `schema.yml`.", ""},
		{"python", func(m *Model) { m.Language = "python" }, "Language Error: Expected 'sql' but found 'python'", ""},
		{"view", func(m *Model) {
			m.Materialized = "view"
			m.Columns[0].Constraints = []any{map[string]any{"type": "not_null"}}
		},
			"", UnsupportedMaterializationWarning("view")},
		{"view, warn_unsupported off", func(m *Model) {
			m.Materialized = "view"
			m.Columns[0].Constraints = []any{map[string]any{"type": "not_null", "warn_unsupported": false}}
		}, "", ""},
	} {
		m := base
		m.Columns = append([]Column(nil), base.Columns...)
		c.edit(&m)
		warnings, err := Check(m)
		if (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.err)
		}
		if got := strings.Join(warnings, ""); got != c.warning {
			t.Errorf("%s: warnings %q, want %q", c.name, got, c.warning)
		}
	}
}

// TestChecksumState pins the text dbt-core's build_contract_checksum hashes: Python's str()
// of the columns' data types and constraint dataclasses, then the materialization and the
// model-level constraints.
func TestChecksumState(t *testing.T) {
	m := Model{Enforced: true, Materialized: "table",
		Columns: []Column{
			{Name: "b", DataType: "text"},
			{Name: "a", DataType: "int", Constraints: []any{map[string]any{"type": "foreign_key", "to": "ref('x')", "to_columns": []any{"id"}}}},
			{Name: "c"},
		},
		Constraints: []any{map[string]any{"type": "check", "name": "pos", "expression": "a > 0", "warn_unenforced": false}},
	}
	want := "|aint[ColumnLevelConstraint(type=<ConstraintType.foreign_key: 'foreign_key'>, name=None, expression=None, " +
		"warn_unenforced=True, warn_unsupported=True, to=\"ref('x')\", to_columns=['id'])]" +
		"|btext[]|cNone[]table[ModelLevelConstraint(type=<ConstraintType.check: 'check'>, name='pos', expression='a > 0', " +
		"warn_unenforced=False, warn_unsupported=True, to=None, to_columns=[], columns=[])]"
	if got := contractState(m); got != want {
		t.Errorf("contract state\n%s\nwant\n%s", got, want)
	}
	m.Materialized = "view"
	if got := contractState(m); strings.Contains(got, "view") || strings.Contains(got, "ModelLevel") {
		t.Errorf("a view's contract state holds its materialization or model constraints: %s", got)
	}
	if Checksum(Model{}) != "" || len(Checksum(m)) != 64 {
		t.Errorf("Checksum: empty when not enforced, a sha256 otherwise")
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]Target{
		"ref('c')":                   {Name: "c"},
		`ref("pkg", "c")`:            {Package: "pkg", Name: "c"},
		"ref('c', v=2)":              {Name: "c", Version: int64(2)},
		"ref('c', version='3')":      {Name: "c", Version: "3"},
		"source('raw', 'customers')": {IsSource: true, Source: "raw", Table: "customers"},
	} {
		got, err := ParseTarget(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseTarget(%s) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if _, err := ParseTarget("customers"); err == nil {
		t.Errorf("a bare name is not a ref or source")
	}
}

func TestMismatches(t *testing.T) {
	yaml := []FormattedColumn{{"id", "INTEGER"}, {"name", "TEXT"}, {"gone", "DATE"}}
	sql := []FormattedColumn{{"name", "INTEGER"}, {"id", "INTEGER"}, {"extra", "TEXT"}}
	want := [][]string{{"extra", "TEXT", "", "missing in contract"}, {"gone", "", "DATE", "missing in definition"},
		{"name", "INTEGER", "TEXT", "data type mismatch"}}
	if got := Mismatches(yaml, sql); !reflect.DeepEqual(got, want) {
		t.Errorf("Mismatches = %q, want %q", got, want)
	}
	if err := Error(nil, sql, nil); err == nil || err.Error() != "This model has an enforced contract, and its 'columns' specification is missing" {
		t.Errorf("no columns: %v", err)
	}
}
