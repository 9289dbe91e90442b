package compiler

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/contract"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// adapterObj is {{ adapter }}: dispatch, quoting and the relation questions materializations
// ask. At parse time (and offline) introspection answers None/empty, as dbt's parse-time
// provider does; at run time it goes through the relation cache to the adapter.
type adapterObj struct{ rs *renderState }

type hostFunc = func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error)

func (o *adapterObj) Attr(name string) (jinja.Value, bool) {
	if f := o.method(name); f != nil {
		return jinja.Func(f), true
	}
	return nil, false
}

func (o *adapterObj) method(name string) hostFunc {
	rs := o.rs
	switch name {
	case "dispatch":
		return func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "macro_name", "macro_namespace", "packages")
			if a["packages"] != nil {
				// core/dbt/exceptions.py MacroDispatchArgError
				return nil, fmt.Errorf("the \"packages\" argument of adapter.dispatch() has been deprecated: use the \"macro_namespace\" argument instead (raised during dispatch for: %s)", str(a["macro_name"]))
			}
			return rs.dispatch(str(a["macro_name"]), str(a["macro_namespace"]))
		}
	case "type":
		return func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return rs.dialect().Type(), nil
		}
	case "quote", "quote_seed_column":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "identifier", "quote_config")
			if name == "quote_seed_column" && a["quote_config"] != nil && !jinja.Truthy(a["quote_config"]) {
				return str(a["identifier"]), nil
			}
			return rs.dialect().QuoteIdent(str(a["identifier"])), nil
		}
	case "quote_as_configured":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			// Quoted when the project's policy quotes that part (quote_key is database,
			// schema or identifier), as dbt's adapter.quote_as_configured.
			a := bindArgs(args, kw, "identifier", "quote_key")
			q := newRelation(rs.dialect(), "", "", "", "").policy()
			on := map[string]bool{"database": q.Database, "schema": q.Schema, "identifier": q.Identifier}[str(a["quote_key"])]
			return warehouse.QuoteIf(rs.dialect().QuoteIdent, on, str(a["identifier"])), nil
		}
	case "get_relation":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "database", "schema", "identifier")
			r, err := rs.findRelation(str(a["database"]), str(a["schema"]), str(a["identifier"]), nil)
			if err != nil || r == nil {
				return nil, err
			}
			return rs.foundRelation(*r), nil
		}
	case "load_relation":
		return fnLoadRelation
	case "get_columns_in_relation":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "relation")
			out := &jinja.List{}
			if rs.a == nil || rs.mode == modeParse {
				return out, nil
			}
			rel, err := rs.toRelation(a["relation"])
			if err != nil {
				return nil, err
			}
			cols, err := rs.a.Columns(rs.ctx, rel.r)
			if errors.Is(err, warehouse.ErrRelationNotFound) {
				// dbt's get_columns_in_relation macros query the information schema and
				// return no columns for a relation that does not exist (no error).
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			for _, c := range cols {
				out.Items = append(out.Items, newColumn(c, rs.dialect()))
			}
			return out, nil
		}
	case "list_relations_without_caching", "list_relations":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			out := &jinja.List{}
			if rs.a == nil || rs.mode == modeParse {
				return out, nil
			}
			var db, sch string
			if rel, ok := args0(args, kw, "schema_relation").(*relationObj); ok && len(args) < 2 {
				db, sch = rel.r.Database, rel.r.Schema
			} else {
				a := bindArgs(args, kw, "database", "schema")
				db, sch = str(a["database"]), str(a["schema"])
			}
			rels, err := rs.a.ListRelations(rs.ctx, db, sch)
			if err != nil {
				return nil, err
			}
			for _, r := range rels {
				out.Items = append(out.Items, rs.foundRelation(r))
			}
			return out, nil
		}
	case "drop_relation", "truncate_relation":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			rel, err := rs.toRelation(args0(args, kw, "relation"))
			if err != nil || rs.mode == modeParse || rs.a == nil {
				return "", err
			}
			ddl, err := rs.ddl()
			if err != nil {
				return nil, err
			}
			r := rel.r
			if name == "truncate_relation" {
				_, _, err = rs.execute(ddl.TruncateSQL(r), false)
				return "", err
			}
			if r.Type == "" {
				if ex, err := rs.getRelation(r.Database, r.Schema, r.Identifier); err == nil && ex != nil {
					r.Type = ex.Type
				}
			}
			if _, _, err := rs.execute(ddl.DropRelationSQL(r), false); err != nil {
				return nil, err
			}
			if rs.cache != nil {
				rs.cache.Drop(r)
			}
			return "", nil
		}
	case "rename_relation":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "from_relation", "to_relation")
			from, err := rs.toRelation(a["from_relation"])
			if err != nil {
				return nil, err
			}
			to, err := rs.toRelation(a["to_relation"])
			if err != nil || rs.mode == modeParse || rs.a == nil {
				return "", err
			}
			ddl, err := rs.ddl()
			if err != nil {
				return nil, err
			}
			r := from.r
			if r.Type == "" {
				if ex, err := rs.getRelation(r.Database, r.Schema, r.Identifier); err == nil && ex != nil {
					r.Type = ex.Type
				}
			}
			if _, _, err := rs.execute(ddl.RenameRelationSQL(r, to.r.Identifier), false); err != nil {
				return nil, err
			}
			if rs.cache != nil {
				rs.cache.Rename(r, to.r.Identifier)
			}
			return "", nil
		}
	case "create_schema", "drop_schema":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			rel, err := rs.toRelation(args0(args, kw, "relation"))
			if err != nil || rs.mode == modeParse || rs.a == nil {
				return "", err
			}
			ddl, err := rs.ddl()
			if err != nil {
				return nil, err
			}
			sql := ddl.CreateSchemaSQL(rel.r.Database, rel.r.Schema)
			if name == "drop_schema" {
				sql = ddl.DropSchemaSQL(rel.r.Database, rel.r.Schema)
			}
			if _, _, err := rs.execute(sql, false); err != nil {
				return nil, err
			}
			// create schema if not exists changes no relation, so the cache stays valid (a
			// relist per node would cost a listing per model); a dropped schema is forgotten.
			if rs.cache != nil && name == "drop_schema" {
				rs.cache.Invalidate(rel.r.Database, rel.r.Schema)
			}
			return "", nil
		}
	case "check_schema_exists":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "database", "schema")
			if rs.a == nil || rs.mode == modeParse {
				return false, nil
			}
			q := fmt.Sprintf("select count(*) from information_schema.schemata where lower(schema_name) = lower('%s')", strings.ReplaceAll(str(a["schema"]), "'", "''"))
			_, t, err := rs.execute(q, true)
			if err != nil {
				return nil, err
			}
			return t != nil && len(t.Rows) > 0 && fmt.Sprint(t.Rows[0][0]) != "0", nil
		}
	case "already_exists":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "schema", "name")
			r, err := rs.getRelation(rs.p.target.Database, str(a["schema"]), str(a["name"]))
			return r != nil, err
		}
	case "get_missing_columns":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "from_relation", "to_relation")
			out := &jinja.List{}
			if rs.a == nil || rs.mode == modeParse {
				return out, nil
			}
			from, err := rs.toRelation(a["from_relation"])
			if err != nil {
				return nil, err
			}
			to, err := rs.toRelation(a["to_relation"])
			if err != nil {
				return nil, err
			}
			fc, err := rs.a.Columns(rs.ctx, from.r)
			if err != nil {
				return nil, err
			}
			tc, err := rs.a.Columns(rs.ctx, to.r)
			if err != nil {
				return nil, err
			}
			have := map[string]bool{}
			for _, c := range tc {
				have[strings.ToLower(c.Name)] = true
			}
			for _, c := range fc {
				if !have[strings.ToLower(c.Name)] {
					out.Items = append(out.Items, newColumn(c, rs.dialect()))
				}
			}
			return out, nil
		}
	case "expand_target_column_types", "commit", "begin", "rollback", "cache_added", "cache_dropped", "cache_renamed", "clear_transaction", "add_query_comment", "persist_docs":
		return func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return "", nil }
	case "standardize_grants_dict":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return standardizeGrants(rs.dialect().Type(), args0(args, kw, "grants_table"))
		}
	case "get_partitions_metadata":
		return func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return jinja.NewDict(), nil }
	case "execute":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "sql", "auto_begin", "fetch", "limit")
			resp, t, err := rs.execute(str(a["sql"]), jinja.Truthy(a["fetch"]))
			if err != nil {
				return nil, err
			}
			return jinja.Tuple{responseObj(resp), newTable(t)}, nil
		}
	case "load_csv":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "relation", "path", "delimiter", "column_types", "quote_columns")
			rel, err := rs.toRelation(a["relation"])
			if err != nil {
				return nil, err
			}
			if rs.a == nil || rs.mode == modeParse {
				return int64(0), nil
			}
			path := str(a["path"])
			if path == "" && rs.node != nil {
				path = rs.p.seedPath(rs.node)
			} else if path != "" && !filepath.IsAbs(path) {
				path = filepath.Join(rs.p.dir, path)
			}
			opts := warehouse.SeedOptions{Delimiter: str(a["delimiter"]), UnquotedColumns: a["quote_columns"] != nil && !jinja.Truthy(a["quote_columns"]),
				QuotedColumns: a["quote_columns"] != nil && jinja.Truthy(a["quote_columns"])}
			if d, ok := a["column_types"].(*jinja.Dict); ok {
				opts.ColumnTypes = map[string]string{}
				for _, k := range d.Keys() {
					v, _ := d.Get(k)
					opts.ColumnTypes[str(k)] = str(v)
				}
			}
			r := rel.r
			r.Type = "table"
			// Every statement the load sends goes to the debug log under the node.
			opts.Log = func(sql string, elapsed time.Duration, resp warehouse.Response, err error) {
				rs.p.logSQL(rs.node, sql, elapsed, resp, err)
			}
			n, err := rs.a.LoadCSV(rs.ctx, r, path, opts)
			if err != nil {
				return nil, err
			}
			if rs.cache != nil {
				rs.cache.Add(r)
			}
			rs.mainResp = &warehouse.Response{Message: fmt.Sprintf("INSERT %d", n), Code: "INSERT", RowsAffected: n}
			return n, nil
		}
	case "type_string", "type_int", "type_bigint", "type_float", "type_numeric", "type_timestamp", "type_boolean":
		return func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			if ddl, ok := rs.dialect().(warehouse.DDL); ok {
				return ddl.TypeSQL(name)
			}
			return strings.TrimPrefix(name, "type_"), nil
		}
	case "render_raw_columns_constraints":
		// dbt-adapters base/impl.py render_raw_columns_constraints; package contract.
		return func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			cols := rs.contractColumnsArg(args0(args, kw, "raw_columns"))
			out, err := contract.RenderColumns(rs.dialect().Type(), cols, rs.resolveForeignKeyTo, rs.contractWarn(c))
			return stringsValue(out), err
		}
	case "render_raw_model_constraints":
		return func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			raws, _ := jinja.ToGo(args0(args, kw, "raw_constraints")).([]any)
			out, err := contract.RenderModelConstraints(rs.dialect().Type(), raws, rs.resolveForeignKeyTo, rs.contractWarn(c))
			return stringsValue(out), err
		}
	case "get_column_schema_from_query":
		// dbt-adapters base/impl.py: the columns of a query, typed by what the driver reports
		// for each result column (empty at parse time, as dbt's parse-time provider).
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			out := &jinja.List{}
			if rs.a == nil || rs.mode == modeParse {
				return out, nil
			}
			_, t, err := rs.execute(str(args0(args, kw, "sql")), true)
			if err != nil {
				return nil, err
			}
			if t != nil {
				namer, _ := rs.dialect().(warehouse.ResultTypeNamer)
				for _, col := range t.Columns {
					if namer != nil {
						col.DataType = namer.ResultTypeName(col.DataType)
					}
					// dbt-adapters' Column.create: translate_type (TYPE_LABELS, STRING →
					// TEXT), the type kept whole (no size split: DECIMAL(10,2) stays).
					if strings.EqualFold(col.DataType, "STRING") {
						col.DataType = "TEXT"
					}
					out.Items = append(out.Items, &columnObj{name: col.Name, dtype: col.DataType, d: rs.dialect(), adapter: rs.dialect().Type()})
				}
			}
			return out, nil
		}
	case "Relation":
		return nil
	case "cache_relation":
		return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			rel, err := rs.toRelation(args0(args, kw, "relation"))
			if err == nil && rs.cache != nil {
				rs.cache.Add(rel.r)
			}
			return "", err
		}
	}
	return rs.externalMethod(name)
}

// args0 is the first argument, positional or by keyword name.
func args0(args []jinja.Value, kw []jinja.KeywordArg, name string) jinja.Value {
	if len(args) > 0 {
		return args[0]
	}
	for _, k := range kw {
		if k.Name == name {
			return k.Value
		}
	}
	return nil
}

// ddl is the dialect's DDL builders.
func (rs *renderState) ddl() (warehouse.DDL, error) {
	if d, ok := rs.dialect().(warehouse.DDL); ok {
		return d, nil
	}
	return nil, fmt.Errorf("adapter %s has no DDL builders", rs.dialect().Type())
}
