package warehouse

import (
	"fmt"
	"strings"
)

// SQL text helpers shared by the adapters' dialects: every engine gdbt speaks quotes
// identifiers the ANSI way and names relations as dotted parts, so these live once here.

// QuoteIdent double-quotes name, doubling embedded quotes (ANSI SQL).
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// DottedName renders the non-empty parts quoted with quote and joined by dots, e.g. a
// relation's "database"."schema"."identifier".
func DottedName(quote func(string) string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(quote(p))
	}
	return b.String()
}

// QuotePolicy says which parts of a relation's name are quoted: dbt's quote_policy, set by a
// project's (or a source's) `quoting:` config. An unquoted name is folded by the engine
// (Snowflake to upper case, PostgreSQL to lower case), so the policy decides which object
// a name reaches, not only how it looks.
type QuotePolicy struct {
	Database, Schema, Identifier bool
}

// QuoteAll is dbt's default policy (dbt-postgres, dbt-duckdb): every part quoted.
var QuoteAll = QuotePolicy{Database: true, Schema: true, Identifier: true}

// Or is *p, or def when p is nil (a relation or dialect with no policy of its own).
func (p *QuotePolicy) Or(def QuotePolicy) QuotePolicy {
	if p == nil {
		return def
	}
	return *p
}

// QuotingDialect is a Dialect that renders names under a quote policy: the adapter's
// default until a project binds its `quoting:` config with WithQuoting. Relations with their
// own policy (Relation.Quote) keep it.
type QuotingDialect interface {
	Dialect
	// Quoting is the policy of relations that carry none.
	Quoting() QuotePolicy
	// WithQuoting returns the same dialect with p as its policy.
	WithQuoting(p QuotePolicy) Dialect
}

// NameFolder is a Dialect whose engine stores an unquoted name folded and a quoted one as
// written, and tells them apart (Snowflake: orders is ORDERS, "orders" another object), so a
// name found case-insensitively is the one meant only if the folds agree.
type NameFolder interface {
	// FoldName is how the catalog spells name written quoted or unquoted.
	FoldName(name string, quoted bool) string
}

// PolicyName renders r's non-empty parts joined by dots, each quoted with quote where r's
// own policy (def when it has none) says so, e.g. analytics.marts."dim_orders".
func PolicyName(quote func(string) string, def QuotePolicy, r Relation) string {
	p := r.Quote.Or(def)
	var b strings.Builder
	for _, x := range []struct {
		s  string
		on bool
	}{{r.Database, p.Database}, {r.Schema, p.Schema}, {r.Identifier, p.Identifier}} {
		if x.s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(QuoteIf(quote, x.on, x.s))
	}
	return b.String()
}

// QuoteIf is quote(name) when on, else name as written (for the engine to fold).
func QuoteIf(quote func(string) string, on bool, name string) string {
	if on {
		return quote(name)
	}
	return name
}

// SchemaName renders database.schema under policy p (the schema quoted by p.Schema), for
// CREATE/DROP SCHEMA.
func SchemaName(quote func(string) string, p QuotePolicy, database, schema string) string {
	return PolicyName(quote, p, Relation{Database: database, Schema: schema})
}

// LookupType maps a dbt cross-database type name (type_string, string, …) to an engine's
// type through its table; engine names the adapter in the error.
func LookupType(engine string, types map[string]string, kind string) (string, error) {
	if t, ok := types[strings.TrimPrefix(strings.ToLower(kind), "type_")]; ok {
		return t, nil
	}
	return "", fmt.Errorf("%s: no type for dbt type %q", engine, kind)
}
