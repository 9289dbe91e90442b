package compiler

import (
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/compiler/pylib"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// relationObj is dbt's Relation as templates see it: {{ this }} renders as the quoted SQL name,
// and attributes/methods (database, schema, identifier, include(), incorporate(), …) follow
// dbt's BaseRelation so the built-in materializations work unchanged.
type relationObj struct {
	r       warehouse.Relation
	d       warehouse.Dialect
	noDB    bool // include(database=False)
	noSch   bool // include(schema=False)
	noIdent bool // include(identifier=False)
	// external is the SQL that reads a file-backed source in place; it replaces the name.
	external string
	// empty wraps the relation in a zero-row subquery (--empty).
	empty bool
	// eventTime, a condition on the input's event_time, wraps it in a subquery of the
	// current microbatch batch's rows (batch.go).
	eventTime string
	// cte marks an ephemeral model's CTE name (rendered bare).
	cte string
	// infoView is the view of an information_schema relation (relation.information_schema(view)).
	infoView string
}

// postgresMaxIdentifier is PostgreSQL's NAMEDATALEN-1: longer names are silently cut.
const postgresMaxIdentifier = 63

// newRelation names a relation under d's quote policy (quoting.go), carried in the relation
// so that the Go-side DDL renders it the same way.
func newRelation(d warehouse.Dialect, db, schema, ident, typ string) *relationObj {
	r := warehouse.Relation{Database: db, Schema: schema, Identifier: ident, Type: typ}
	if qd, ok := d.(warehouse.QuotingDialect); ok {
		q := qd.Quoting()
		r.Quote = &q
	}
	return &relationObj{r: r, d: d}
}

// JinjaString implements jinja.Stringer: the quoted name through the dialect.
func (o *relationObj) JinjaString() string {
	s := o.render()
	if o.empty && o.cte == "" {
		return "(select * from " + s + " where false limit 0) _dbt_limit_subq_" + nonIdent.ReplaceAllString(o.r.Identifier, "_")
	}
	if o.eventTime != "" && o.cte == "" {
		return "(select * from " + s + " where " + o.eventTime + ") _dbt_et_filter_subq_" + nonIdent.ReplaceAllString(o.r.Identifier, "_")
	}
	return s
}

// JinjaHash makes two Relation objects naming the same table one dict key, as dbt's
// Relations hash by their rendered name (dbt-utils keys dicts by relation).
func (o *relationObj) JinjaHash() any { return o.render() }

func (o *relationObj) render() string {
	if o.cte != "" {
		return o.cte
	}
	if o.external != "" {
		return o.external
	}
	if !o.noDB && !o.noSch && !o.noIdent && o.r.Identifier != "" {
		return o.d.RelationSQL(o.r)
	}
	var parts []string
	q := o.policy()
	if !o.noDB && o.r.Database != "" && !o.noSch && o.r.Schema != "" && o.r.Database != o.d.DefaultDatabase() {
		parts = append(parts, o.quotePart(q.Database, o.r.Database))
	} else if !o.noDB && o.r.Database != "" && (o.noSch || o.r.Schema == "") {
		parts = append(parts, o.quotePart(q.Database, o.r.Database))
	}
	if !o.noSch && o.r.Schema != "" {
		parts = append(parts, o.quotePart(q.Schema, o.r.Schema))
	}
	if !o.noIdent && o.r.Identifier != "" {
		parts = append(parts, o.quotePart(q.Identifier, o.r.Identifier))
	}
	if o.infoView != "" {
		parts = append(parts, o.infoView)
	}
	return strings.Join(parts, ".")
}

// metadata is what dbt's Relation carries as metadata: its class name, which packages such
// as dbt-utils check to tell a Relation from a string.
func (o *relationObj) metadata() *jinja.Dict {
	d := jinja.NewDict()
	typ := "BaseRelation"
	if o.d != nil && o.d.Type() != "" {
		t := o.d.Type()
		switch t {
		case "duckdb":
			typ = "DuckDBRelation"
		case "postgres":
			typ = "PostgresRelation"
		case "snowflake":
			typ = "SnowflakeRelation"
		default:
			typ = strings.ToUpper(t[:1]) + t[1:] + "Relation"
		}
	}
	d.Set("type", typ)
	return d
}

func (o *relationObj) clone() *relationObj { c := *o; return &c }

func strOrNone(s string) jinja.Value {
	if s == "" {
		return nil
	}
	return s
}

// Attr implements jinja.Object.
func (o *relationObj) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "database":
		return strOrNone(o.r.Database), true
	case "schema":
		return strOrNone(o.r.Schema), true
	case "identifier", "name", "table":
		return strOrNone(o.r.Identifier), true
	case "type":
		return strOrNone(o.r.Type), true
	case "is_table":
		return o.r.Type == "table", true
	case "is_view":
		return o.r.Type == "view", true
	case "is_cte":
		return o.cte != "", true
	case "is_materialized_view":
		return o.r.Type == "materialized_view", true
	case "is_dynamic_table":
		// dbt-snowflake's SnowflakeRelation.is_dynamic_table.
		return o.r.Type == "dynamic_table", true
	case "can_be_renamed", "can_be_replaced":
		return o.r.Type == "table" || o.r.Type == "view", true
	case "relation_max_name_length":
		// PostgresRelation's method: identifiers longer than 63 bytes are truncated by the
		// server, so derived names (__dbt_tmp, __dbt_backup) must be cut to fit first.
		if o.d == nil || o.d.Type() != "postgres" {
			return nil, false
		}
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return int64(postgresMaxIdentifier), nil
		}), true
	case "path":
		d := jinja.NewDict()
		d.Set("database", strOrNone(o.r.Database))
		d.Set("schema", strOrNone(o.r.Schema))
		d.Set("identifier", strOrNone(o.r.Identifier))
		return d, true
	case "render":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return o.render(), nil
		}), true
	case "metadata":
		return o.metadata(), true
	case "get":
		// dbt's Relation is a mapping; packages probe it with relation.get('metadata').
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "key", "default")
			key := str(a["key"])
			if key != "get" {
				if v, ok := o.Attr(key); ok {
					if _, isFunc := v.(jinja.Func); !isFunc {
						return v, nil
					}
				}
			}
			return a["default"], nil
		}), true
	case "include":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			c := o.clone()
			names := []string{"database", "schema", "identifier"}
			for i, a := range args {
				if i < 3 {
					kw = append(kw, jinja.KeywordArg{Name: names[i], Value: a})
				}
			}
			for _, k := range kw {
				if k.Value == nil {
					continue
				}
				on := jinja.Truthy(k.Value)
				switch k.Name {
				case "database":
					c.noDB = !on
				case "schema":
					c.noSch = !on
				case "identifier":
					c.noIdent = !on
				}
			}
			return c, nil
		}), true
	case "without_identifier":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			c := o.clone()
			c.noIdent = true
			return c, nil
		}), true
	case "incorporate", "replace_path", "replace":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			c := o.clone()
			c.cte, c.external, c.empty, c.eventTime = "", "", false, ""
			apply := func(k string, v jinja.Value) {
				s, _ := v.(string)
				switch k {
				case "database":
					c.r.Database = s
				case "schema":
					c.r.Schema = s
				case "identifier":
					c.r.Identifier = s
				case "type":
					c.r.Type = s
				}
			}
			for _, k := range kw {
				if k.Name == "path" {
					if d, ok := k.Value.(*jinja.Dict); ok {
						for _, key := range d.Keys() {
							v, _ := d.Get(key)
							apply(fmt.Sprint(key), v)
						}
					}
					continue
				}
				apply(k.Name, k.Value)
			}
			return c, nil
		}), true
	case "quote":
		// relation.quote(database=, schema=, identifier=): a copy with those parts' quoting
		// changed (None keeps a part's), as dbt's BaseRelation.quote.
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "database", "schema", "identifier")
			m := map[string]any{}
			for k, v := range a {
				if b, ok := v.(bool); ok {
					m[k] = b
				}
			}
			return o.withQuoting(m), nil
		}), true
	case "quote_policy":
		return o.quotePolicyDict(), true
	case "information_schema":
		// dbt-adapters' InformationSchema.from_relation (base/relation.py): the path is
		// (database, schema, "INFORMATION_SCHEMA"), schema left out, the identifier never
		// quoted, and the view name appended as written.
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			view := str(bindArgs(args, kw, "view_name")["view_name"])
			is := newRelation(o.d, o.r.Database, o.r.Schema, "INFORMATION_SCHEMA", "view")
			q := is.policy()
			q.Identifier = false
			is.r.Quote = &q
			is.noSch, is.noDB, is.infoView = true, o.r.Database == "", view
			return is, nil
		}), true
	case "information_schema_view":
		return strOrNone(o.infoView), true
	}
	return nil, false
}

// relationFactory is api.Relation: create(database=, schema=, identifier=, type=).
type relationFactory struct{ rs *renderState }

func (f *relationFactory) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "create":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "database", "schema", "identifier", "type")
			qp, err := jinjaQuoting(a["quote_policy"])
			if err != nil {
				return nil, err
			}
			return newRelation(f.rs.dialect(), str(a["database"]), str(a["schema"]), str(a["identifier"]), str(a["type"])).withQuoting(qp), nil
		}), true
	case "Table", "View", "External", "CTE":
		return strings.ToLower(name), true
	case "MaterializedView":
		return "materialized_view", true // dbt's RelationType.MaterializedView
	case "DynamicTable":
		return "dynamic_table", true // dbt-snowflake's SnowflakeRelationType.DynamicTable
	}
	return nil, false
}

// bindArgs and str are pylib's argument readers, shared by every host function.
var (
	bindArgs = pylib.BindArgs
	str      = pylib.Str
)

// toRelation accepts a Relation object (or a string name) as the adapter methods do.
func (rs *renderState) toRelation(v jinja.Value) (*relationObj, error) {
	switch x := v.(type) {
	case *relationObj:
		return x, nil
	case string:
		return newRelation(rs.dialect(), "", "", x, ""), nil
	}
	return nil, fmt.Errorf("expected a relation, got %s", typeName(v))
}

func typeName(v jinja.Value) string {
	switch v.(type) {
	case nil:
		return "None"
	case string:
		return "str"
	case int64, int:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case *jinja.List:
		return "list"
	case *jinja.Dict:
		return "dict"
	case *jinja.Undefined:
		return "Undefined"
	}
	return fmt.Sprintf("%T", v)
}

// fallbackDialect renders names when no adapter is at hand (offline compile): ANSI double
// quotes, the database omitted where it is the target's, the adapter's default quote policy
// (nothing quoted for snowflake, as dbt-snowflake) unless a project binds its own.
type fallbackDialect struct {
	typ, db, schema string
	quote           *warehouse.QuotePolicy
}

func (d fallbackDialect) Quoting() warehouse.QuotePolicy {
	if d.typ == "snowflake" {
		return d.quote.Or(warehouse.QuotePolicy{})
	}
	return d.quote.Or(warehouse.QuoteAll)
}
func (d fallbackDialect) WithQuoting(p warehouse.QuotePolicy) warehouse.Dialect {
	d.quote = &p
	return d
}

func (d fallbackDialect) Type() string { return d.typ }
func (d fallbackDialect) DispatchChain() []string {
	switch d.typ {
	case "":
		return nil
	}
	return []string{d.typ}
}
func (d fallbackDialect) QuoteIdent(s string) string { return warehouse.QuoteIdent(s) }
func (d fallbackDialect) RelationSQL(r warehouse.Relation) string {
	q := r.Quote.Or(d.Quoting())
	var parts []string
	if r.Database != "" && r.Database != d.db {
		parts = append(parts, warehouse.QuoteIf(d.QuoteIdent, q.Database, r.Database))
	}
	if r.Schema != "" {
		parts = append(parts, warehouse.QuoteIf(d.QuoteIdent, q.Schema, r.Schema))
	}
	parts = append(parts, warehouse.QuoteIf(d.QuoteIdent, q.Identifier, r.Identifier))
	return strings.Join(parts, ".")
}
func (d fallbackDialect) ExternalSQL(loc string) string {
	l := strings.ToLower(loc)
	q := "'" + strings.ReplaceAll(loc, "'", "''") + "'"
	if strings.HasSuffix(l, ".parquet") {
		return "read_parquet(" + q + ")"
	}
	if strings.HasSuffix(l, ".csv") || strings.HasSuffix(l, ".csv.gz") || strings.HasSuffix(l, ".tsv") {
		return "read_csv_auto(" + q + ")"
	}
	return q
}
func (d fallbackDialect) DefaultDatabase() string { return d.db }
func (d fallbackDialect) DefaultSchema() string   { return d.schema }
