// Package contract is dbt's model contracts (dbt 1.5+, `contract: {enforced: true}`): the
// constraints a model declares on its columns and on itself, parsed and validated as
// dbt-common's dataclasses do, rendered into CREATE TABLE DDL as dbt-adapters does with each
// engine's support matrix (enforced, not enforced, not supported), the contract checksum
// dbt-core keeps in the manifest, and the mismatch error a failed column check raises. It
// knows no Jinja and no database: the compiler calls into it from the adapter methods and
// the parse step, so the rules live in one place beside the compiler rather than in it.
package contract

import (
	"fmt"
	"sort"
	"strings"
)

// Types are dbt's constraint types, in dbt-common's order
// (dbt_common/contracts/constraints.py ConstraintType).
var Types = []string{"check", "not_null", "unique", "primary_key", "foreign_key", "custom"}

// Constraint is one column- or model-level constraint as written in property YAML
// (dbt-common's ColumnLevelConstraint / ModelLevelConstraint), with its defaults filled.
type Constraint struct {
	Type            string
	Name            *string
	Expression      *string
	WarnUnenforced  bool
	WarnUnsupported bool
	To              *string
	ToColumns       []string
	Columns         []string // model-level only
	ModelLevel      bool
}

// Parse reads one raw constraint (a YAML mapping) as dbt-common's from_dict does after its
// JSON-schema validation; anything else fails with dbt's "Could not parse constraint"
// (dbt-adapters base/impl.py _parse_column_constraint / _parse_model_constraint).
func Parse(raw any, modelLevel bool) (Constraint, error) {
	c := Constraint{WarnUnenforced: true, WarnUnsupported: true, ModelLevel: modelLevel}
	bad := func() (Constraint, error) {
		return Constraint{}, fmt.Errorf("Could not parse constraint: %s", PyRepr(raw))
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return bad()
	}
	t, ok := m["type"].(string)
	if !ok || !validType(t) {
		return bad()
	}
	c.Type = t
	for k, v := range m {
		var ok bool
		switch k {
		case "type":
			ok = true
		case "name", "expression", "to":
			var s *string
			s, ok = optString(v)
			switch k {
			case "name":
				c.Name = s
			case "expression":
				c.Expression = s
			default:
				c.To = s
			}
		case "warn_unenforced":
			c.WarnUnenforced, ok = v.(bool)
		case "warn_unsupported":
			c.WarnUnsupported, ok = v.(bool)
		case "to_columns":
			c.ToColumns, ok = stringList(v)
		case "columns":
			if modelLevel {
				c.Columns, ok = stringList(v)
			}
		}
		if !ok {
			return bad()
		}
	}
	return c, nil
}

func validType(t string) bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

func optString(v any) (*string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return &x, true
	}
	return nil, false
}

func stringList(v any) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// RenderColumn is dbt-adapters' BaseAdapter.render_column_constraint (base/impl.py): the
// constraint's DDL after the column's name and type, "" when it renders to nothing (a check
// or custom constraint without an expression, a foreign key without a target).
// dbt-duckdb overrides foreign keys only, dropping the database part of `to`
// (dbt/adapters/duckdb/impl.py render_column_constraint).
func RenderColumn(adapterType string, c Constraint) string {
	expr := deref(c.Expression)
	out := ""
	switch c.Type {
	case "check":
		if expr != "" {
			out = "check (" + expr + ")"
		}
	case "not_null":
		out = "not null " + expr
	case "unique":
		out = "unique " + expr
	case "primary_key":
		out = "primary key " + expr
	case "foreign_key":
		if to := deref(c.To); to != "" && len(c.ToColumns) > 0 {
			if adapterType == "duckdb" {
				if pieces := strings.Split(to, "."); len(pieces) > 2 {
					to = strings.Join(pieces[1:], ".")
				}
			}
			out = "references " + to + " (" + strings.Join(c.ToColumns, ", ") + ")"
		} else if adapterType == "duckdb" {
			out = "references " + pyStr(c.Expression)
		} else if expr != "" {
			out = "references " + expr
		}
	case "custom":
		out = expr
	}
	return strings.TrimSpace(out)
}

// RenderModel is dbt-adapters' BaseAdapter.render_model_constraint (base/impl.py): a
// table-level constraint clause, "" when it renders to nothing.
func RenderModel(c Constraint) string {
	prefix := ""
	if c.Name != nil && *c.Name != "" {
		prefix = "constraint " + *c.Name + " "
	}
	cols := strings.Join(c.Columns, ", ")
	expr := deref(c.Expression)
	spaced := ""
	if expr != "" {
		spaced = " " + expr
	}
	switch c.Type {
	case "check":
		if expr != "" {
			return prefix + "check (" + expr + ")"
		}
	case "unique":
		return prefix + "unique" + spaced + " (" + cols + ")"
	case "primary_key":
		return prefix + "primary key" + spaced + " (" + cols + ")"
	case "foreign_key":
		if to := deref(c.To); to != "" && len(c.ToColumns) > 0 {
			return prefix + "foreign key (" + cols + ") references " + to + " (" + strings.Join(c.ToColumns, ", ") + ")"
		} else if expr != "" {
			return prefix + "foreign key (" + cols + ") references " + expr
		}
	case "custom":
		if expr != "" {
			return prefix + expr
		}
	}
	return ""
}

// sortedKeys returns m's keys in order (for stable output).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
