package contract

import "fmt"

// Support is how an engine treats one constraint type (dbt-adapters' ConstraintSupport).
type Support int

const (
	// Enforced constraints go into the DDL and the engine checks them.
	Enforced Support = iota
	// NotEnforced constraints go into the DDL but the engine only records them.
	NotEnforced
	// NotSupported constraints are left out of the DDL.
	NotSupported
)

// supportMatrix is each adapter's CONSTRAINT_SUPPORT, keyed by constraint type; "" is
// dbt-adapters' BaseAdapter default (base/impl.py), the others come from
// dbt-postgres (dbt/adapters/postgres/impl.py), dbt-snowflake (snowflake/impl.py) and
// dbt-duckdb (dbt/adapters/duckdb/impl.py). `custom` is never checked.
var supportMatrix = map[string]map[string]Support{
	"": {"check": NotSupported, "not_null": Enforced, "unique": NotEnforced,
		"primary_key": NotEnforced, "foreign_key": Enforced},
	"postgres": {"check": Enforced, "not_null": Enforced, "unique": Enforced,
		"primary_key": Enforced, "foreign_key": Enforced},
	"duckdb": {"check": Enforced, "not_null": Enforced, "unique": Enforced,
		"primary_key": Enforced, "foreign_key": Enforced},
	"snowflake": {"check": NotSupported, "not_null": Enforced, "unique": NotEnforced,
		"primary_key": NotEnforced, "foreign_key": NotEnforced},
}

// SupportOf is how adapterType treats constraint type t.
func SupportOf(adapterType, t string) Support {
	m, ok := supportMatrix[adapterType]
	if !ok {
		m = supportMatrix[""]
	}
	return m[t]
}

// NotEnforcedWarning is dbt-adapters' ConstraintNotEnforced event (E048) text
// (dbt/adapters/events/types.py).
func NotEnforcedWarning(t, adapterType string) string {
	return fmt.Sprintf("The constraint type %s is not enforced by %s. The constraint will be included in this "+
		"model's DDL statement, but it will not guarantee anything about the underlying data. Set "+
		"'warn_unenforced: false' on this constraint to ignore this warning.", t, adapterType)
}

// NotSupportedWarning is dbt-adapters' ConstraintNotSupported event (E049) text.
func NotSupportedWarning(t, adapterType string) string {
	return fmt.Sprintf("The constraint type %s is not supported by %s, and will be ignored. Set "+
		"'warn_unsupported: false' on this constraint to ignore this warning.", t, adapterType)
}

// process is dbt-adapters' process_parsed_constraint: warn where the engine does not
// support or enforce the type (unless the constraint opts out), and render it unless it
// is not supported. ok is false when nothing goes into the DDL.
func process(adapterType string, c Constraint, render func(Constraint) string, warn func(string)) (string, bool) {
	if c.Type == "custom" {
		s := render(c)
		return s, s != ""
	}
	sup := SupportOf(adapterType, c.Type)
	if c.WarnUnsupported && sup == NotSupported {
		warn(NotSupportedWarning(c.Type, adapterType))
	}
	if c.WarnUnenforced && sup == NotEnforced {
		warn(NotEnforcedWarning(c.Type, adapterType))
	}
	if sup == NotSupported {
		return "", false
	}
	s := render(c)
	return s, s != ""
}

// Column is what RenderColumns needs of a contracted column: its name as it goes into the
// DDL (already quoted when the column says quote: true), its data_type and its raw
// constraints.
type Column struct {
	Name        string
	DataType    string
	Constraints []any
}

// RenderColumns is dbt-adapters' render_raw_columns_constraints: one "name type
// constraint…" entry per column. resolveTo turns a foreign key's `to` (ref()/source()
// text) into the relation name, as dbt-core's compilation does before rendering
// (dbt/compilation.py _compile_relation_for_foreign_key_constraint_to).
func RenderColumns(adapterType string, cols []Column, resolveTo func(string) (string, error), warn func(string)) ([]string, error) {
	out := make([]string, 0, len(cols))
	for _, col := range cols {
		entry := col.Name + " " + col.DataType
		for _, raw := range col.Constraints {
			c, err := Parse(raw, false)
			if err != nil {
				return nil, err
			}
			if err := resolve(&c, resolveTo); err != nil {
				return nil, err
			}
			if s, ok := process(adapterType, c, func(c Constraint) string { return RenderColumn(adapterType, c) }, warn); ok {
				entry += " " + s
			}
		}
		out = append(out, entry)
	}
	return out, nil
}

// RenderModelConstraints is dbt-adapters' render_raw_model_constraints: the table-level
// clauses, those that render to nothing left out.
func RenderModelConstraints(adapterType string, raws []any, resolveTo func(string) (string, error), warn func(string)) ([]string, error) {
	out := []string{}
	for _, raw := range raws {
		c, err := Parse(raw, true)
		if err != nil {
			return nil, err
		}
		if err := resolve(&c, resolveTo); err != nil {
			return nil, err
		}
		if s, ok := process(adapterType, c, RenderModel, warn); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func resolve(c *Constraint, resolveTo func(string) (string, error)) error {
	if c.Type != "foreign_key" || c.To == nil || *c.To == "" || resolveTo == nil {
		return nil
	}
	rel, err := resolveTo(*c.To)
	if err != nil {
		return err
	}
	c.To = &rel
	return nil
}
