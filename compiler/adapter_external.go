package compiler

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// externalMethod answers dbt-duckdb's adapter methods for external files
// (dbt/adapters/duckdb/impl.py: external_root, external_write_options,
// external_read_location), which its external materialization and
// register_upstream_external_models call; nil for any other name.
func (rs *renderState) externalMethod(name string) hostFunc {
	switch name {
	case "external_root":
		return func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return rs.p.externalRoot(), nil
		}
	case "external_write_options":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "write_location", "rendered_options")
			opts, ok := a["rendered_options"].(*jinja.Dict)
			if !ok {
				return nil, fmt.Errorf("external_write_options: rendered_options must be a mapping, got %T", a["rendered_options"])
			}
			out := externalWriteOptions(str(a["write_location"]), opts)
			if rs.mode != modeParse && rs.a != nil {
				// COPY … TO does not create folders; dbt-duckdb users expect the external
				// root to appear. A partitioned location is itself a folder.
				loc := str(a["write_location"])
				if pb, _ := opts.Get("partition_by"); !jinja.Truthy(pb) {
					loc = filepath.Dir(loc)
				}
				if !strings.Contains(loc, "://") && !strings.Contains(loc, ":") || filepath.IsAbs(loc) {
					if err := os.MkdirAll(loc, 0o755); err != nil {
						return nil, fmt.Errorf("external materialization: %w", err)
					}
				}
			}
			return out, nil
		}
	case "external_read_location":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "write_location", "rendered_options")
			opts, _ := a["rendered_options"].(*jinja.Dict)
			return externalReadLocation(str(a["write_location"]), opts), nil
		}
	}
	return nil
}

// externalRoot is the profile's external_root ("." by default), anchored at the project
// folder as gdbt anchors the database path (dbt-duckdb leaves it relative to the working
// directory).
func (p *projectImpl) externalRoot() string {
	root := "."
	if v, ok := p.target.Fields["external_root"].(string); ok && v != "" {
		root = v
	}
	if filepath.IsAbs(root) || strings.Contains(root, "://") {
		return strings.TrimRight(root, "/")
	}
	return filepath.ToSlash(filepath.Join(p.absDir, root))
}

// externalWriteOptions is the COPY … TO option list, as impl.py's external_write_options
// builds it: the format from the file extension when not given (csv when a delimiter is
// given, else parquet), a header for CSV, a multi-column partition_by in parentheses,
// delimiter/quote/escape/null quoted. The options dict is updated in place, as in dbt-duckdb
// (the materialization reads format back from it).
func externalWriteOptions(location string, opts *jinja.Dict) string {
	if _, ok := opts.Get("format"); !ok {
		ext := strings.ToLower(path.Ext(location))
		_, hasDelim := opts.Get("delimiter")
		switch {
		case ext != "":
			opts.Set("format", ext[1:])
		case hasDelim:
			opts.Set("format", "csv")
		default:
			opts.Set("format", "parquet")
		}
	}
	if f, _ := opts.Get("format"); str(f) == "csv" {
		if _, ok := opts.Get("header"); !ok {
			opts.Set("header", 1)
		}
	}
	if v, ok := opts.Get("partition_by"); ok {
		if s := str(v); strings.Contains(s, ",") && !strings.HasPrefix(s, "(") {
			opts.Set("partition_by", "("+s+")")
		}
	}
	var out []string
	for _, k := range opts.Keys() {
		v, _ := opts.Get(k)
		s := jinja.ToString(v)
		switch strings.ToLower(str(k)) {
		case "delimiter", "quote", "escape", "null":
			if !strings.HasPrefix(s, "'") {
				s = "'" + s + "'"
			}
		}
		out = append(out, str(k)+" "+s)
	}
	return strings.Join(out, ", ")
}

// externalReadLocation is where the written files are read back: a glob over the
// partition folders (one * per partition column) when partitioned, as impl.py does.
func externalReadLocation(location string, opts *jinja.Dict) string {
	if opts == nil {
		return location
	}
	pb, _ := opts.Get("partition_by")
	pt, _ := opts.Get("per_thread_output")
	if !jinja.Truthy(pb) && !jinja.Truthy(pt) {
		return location
	}
	globs := []string{location, "*"}
	if jinja.Truthy(pb) {
		for range strings.Split(jinja.ToString(pb), ",") {
			globs = append(globs, "*")
		}
	}
	format := "parquet"
	if f, ok := opts.Get("format"); ok {
		format = jinja.ToString(f)
	}
	return strings.Join(globs, "/") + "." + format
}

// formatExternalLocation fills a source's external_location template as dbt-duckdb's
// DuckDBRelation.create_from_source does (relation.py, with utils.py SourceConfig.as_dict):
// Python's str.format_map over name, identifier, schema, database and tags, then the
// source's and the table's meta and config keys (later ones win), so "{name}",
// "{identifier}", "{schema}", "{database}" and any meta key such as "{root}" work; a
// function call (read_csv('{name}.csv', …)) is formatted the same way and used as is.
func formatExternalLocation(template string, s *manifest.Source, configs ...map[string]any) (string, error) {
	fields := map[string]string{"name": s.Name, "identifier": s.Identifier, "schema": s.Schema, "database": s.Database,
		"tags": pyList(s.Tags)}
	for _, m := range append([]map[string]any{s.SourceMeta, s.Meta}, configs...) {
		for k, v := range m {
			fields[k] = pyStr(v) // as_dict: meta keys go over the base fields
		}
	}
	return warehouse.FormatLocation(template, fields)
}

// pyList is Python's str() of a list of strings.
func pyList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "'" + s + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// standardizeGrants turns a get_show_grant_sql result into {privilege: [grantees]}, as
// dbt-adapters' BaseAdapter.standardize_grants_dict (grantee, privilege_type columns) and
// dbt-snowflake's override (privilege, grantee_name; OWNERSHIP left out) do.
func standardizeGrants(adapterType string, table jinja.Value) (jinja.Value, error) {
	out := jinja.NewDict()
	t, ok := table.(*tableObj)
	if !ok {
		if table == nil {
			return out, nil
		}
		return nil, fmt.Errorf("standardize_grants_dict: want a query result, got %T", table)
	}
	grantee, privilege := "grantee", "privilege_type"
	if adapterType == "snowflake" {
		grantee, privilege = "grantee_name", "privilege"
	}
	gi, pi, ti := -1, -1, -1
	for i, c := range t.t.Columns {
		switch strings.ToLower(c.Name) {
		case grantee:
			gi = i
		case privilege:
			pi = i
		case "granted_to":
			ti = i
		}
	}
	if gi < 0 || pi < 0 {
		return nil, fmt.Errorf("standardize_grants_dict: the grants query has no %s and %s columns", grantee, privilege)
	}
	for _, r := range t.t.Rows {
		p, g := fmt.Sprint(r[pi]), fmt.Sprint(r[gi])
		// dbt-snowflake impl.py standardize_grants_dict: ownership, and grants to shares
		// and database roles, are not the model's grants config.
		if adapterType == "snowflake" && (strings.EqualFold(p, "OWNERSHIP") ||
			(ti >= 0 && (fmt.Sprint(r[ti]) == "SHARE" || fmt.Sprint(r[ti]) == "DATABASE_ROLE"))) {
			continue
		}
		var l *jinja.List
		if v, ok := out.Get(p); ok {
			l = v.(*jinja.List)
		} else {
			l = &jinja.List{}
			out.Set(p, l)
		}
		l.Items = append(l.Items, g)
	}
	return out, nil
}
