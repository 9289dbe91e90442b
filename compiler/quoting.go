package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/warehouse"
	"gopkg.in/yaml.v3"
)

// dbt's quoting: config decides which parts of a relation's name are quoted. The policy is
// resolved the way dbt resolves a Relation's quote_policy, later layers winning: the
// adapter's default (dbt-snowflake: nothing quoted; dbt-postgres, dbt-duckdb: everything),
// the project's `quoting:`, a source's and then its table's `quoting:`, and finally
// api.Relation.create(quote_policy=…) or relation.quote(…). Every Relation the compiler makes
// carries its resolved policy, so the Go-side DDL (replace, seeds, drops) names the same
// object the templates did.

// quotingParts are the keys a quoting: mapping may set; dbt's `column` key belongs to seeds
// and column docs and is accepted without effect on relation names.
var quotingParts = map[string]bool{"database": true, "schema": true, "identifier": true, "column": true}

// quoting decodes a `quoting:` mapping, refusing keys dbt does not know and values that are
// not booleans (a misspelt key would otherwise silently leave names quoted or not).
func (d *decoder) quoting(n *yaml.Node) map[string]any {
	m := d.mapping(n)
	n = resolveAlias(n)
	if m == nil || n == nil || n.Kind != yaml.MappingNode {
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !quotingParts[k.Value] {
			d.fail(k, "quoting: unknown key %q (expected database, schema or identifier)", k.Value)
			continue
		}
		if d.boolean(v) == nil && !isNull(v) {
			continue // boolean reported the error
		}
	}
	return m
}

// overlayQuoting applies the boolean keys of a quoting: mapping (a Jinja dict or a decoded
// YAML mapping) onto p; absent and None keys keep p's value.
func overlayQuoting(p warehouse.QuotePolicy, m map[string]any) warehouse.QuotePolicy {
	for k, v := range m {
		b, ok := v.(bool)
		if !ok {
			continue
		}
		switch k {
		case "database":
			p.Database = b
		case "schema":
			p.Schema = b
		case "identifier":
			p.Identifier = b
		}
	}
	return p
}

// jinjaQuoting converts a quote_policy argument (a dict, or keyword arguments) into the map
// overlayQuoting takes.
func jinjaQuoting(v jinja.Value) (map[string]any, error) {
	switch x := v.(type) {
	case nil, *jinja.Undefined:
		return nil, nil
	case *jinja.Dict:
		m := map[string]any{}
		for _, k := range x.Keys() {
			val, _ := x.Get(k)
			m[fmt.Sprint(k)] = jinja.ToGo(val)
		}
		return m, nil
	}
	return nil, fmt.Errorf("quote_policy must be a dict, got %s", typeName(v))
}

// bindQuoting returns d with the project's quoting: over the adapter's default, for a
// dialect that renders under a policy; others are returned as they are.
func (p *projectImpl) bindQuoting(d warehouse.Dialect) warehouse.Dialect {
	qd, ok := d.(warehouse.QuotingDialect)
	if !ok || p.rootPC == nil || len(p.rootPC.Quoting) == 0 {
		return d
	}
	return qd.WithQuoting(overlayQuoting(qd.Quoting(), p.rootPC.Quoting))
}

// policy is the relation's quote policy: its own, else its dialect's, else all quoted.
func (o *relationObj) policy() warehouse.QuotePolicy {
	def := warehouse.QuoteAll
	if qd, ok := o.d.(warehouse.QuotingDialect); ok {
		def = qd.Quoting()
	}
	return o.r.Quote.Or(def)
}

// withQuoting returns a copy of o whose policy has m's keys applied (a source's quoting:,
// relation.quote(…), quote_policy=…).
func (o *relationObj) withQuoting(m map[string]any) *relationObj {
	c := o.clone()
	if len(m) == 0 {
		return c
	}
	q := overlayQuoting(o.policy(), m)
	c.r.Quote = &q
	return c
}

// quotePolicyDict is relation.quote_policy as templates read it (dbt's Policy: database,
// schema, identifier).
func (o *relationObj) quotePolicyDict() *jinja.Dict {
	q := o.policy()
	d := jinja.NewDict()
	d.Set("database", q.Database)
	d.Set("schema", q.Schema)
	d.Set("identifier", q.Identifier)
	return d
}

// quotePart renders one name part under o's policy.
func (o *relationObj) quotePart(on bool, s string) string {
	return warehouse.QuoteIf(o.d.QuoteIdent, on, s)
}

// mergedQuoting is a source's quoting: with its table's keys over it (nil when neither sets
// any), as dbt merges a source table's quoting into its source's.
func mergedQuoting(source, table map[string]any) map[string]any {
	if len(source) == 0 && len(table) == 0 {
		return nil
	}
	m := make(map[string]any, len(source)+len(table))
	for k, v := range source {
		m[k] = v
	}
	for k, v := range table {
		m[k] = v
	}
	return m
}

// findRelation is getRelation matched the way the engine resolves the name written under
// policy q (nil: the dialect's): the cache matches case-insensitively, which is what DuckDB
// and an unquoted Snowflake name do, but on Snowflake a quoted "orders" is not ORDERS. A
// cached relation gdbt created carries its policy, so its catalog spelling is folded from it.
func (rs *renderState) findRelation(db, schema, ident string, q *warehouse.QuotePolicy) (*warehouse.Relation, error) {
	r, err := rs.getRelation(db, schema, ident)
	if err != nil || r == nil {
		return r, err
	}
	f, ok := rs.dialect().(warehouse.NameFolder)
	if !ok {
		return r, nil
	}
	quoted := q.Or(newRelation(rs.dialect(), "", "", "", "").policy()).Identifier
	stored := r.Identifier
	if r.Quote != nil {
		stored = f.FoldName(r.Identifier, r.Quote.Identifier)
	}
	if stored != f.FoldName(ident, quoted) {
		return nil, nil
	}
	return r, nil
}

// foundRelation is a relation the cache or the catalog returned, as templates see it. One
// gdbt created keeps its policy; one spelled by a folding engine's catalog (Snowflake) quotes
// the schema and identifier that are not in their folded form, so that "dim_orders" made by
// a quoted build is not rendered as dim_orders, which is DIM_ORDERS; elsewhere the dialect's
// policy applies.
func (rs *renderState) foundRelation(r warehouse.Relation) *relationObj {
	o := newRelation(rs.dialect(), r.Database, r.Schema, r.Identifier, r.Type)
	if r.Quote != nil {
		q := *r.Quote
		o.r.Quote = &q
		return o
	}
	if f, ok := rs.dialect().(warehouse.NameFolder); ok {
		q := o.policy()
		q.Schema = r.Schema != f.FoldName(r.Schema, false)
		q.Identifier = r.Identifier != f.FoldName(r.Identifier, false)
		o.r.Quote = &q
	}
	return o
}
