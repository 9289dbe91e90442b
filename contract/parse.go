package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Model is what the parse-time checks need of a model node.
type Model struct {
	File         string // original_file_path, for the messages
	Name         string
	Language     string
	Materialized string
	Enforced     bool
	// Columns are the documented columns in file order, with their raw constraints.
	Columns []Column
	// Constraints are the model-level constraints as written.
	Constraints []any
}

// EnforcesConstraints is dbt-core's ModelNode.materialization_enforces_constraints
// (dbt/contracts/graph/nodes.py): only tables and incrementals get constraint DDL.
func EnforcesConstraints(materialized string) bool {
	return materialized == "table" || materialized == "incremental"
}

// UnsupportedMaterializationWarning is dbt-core's UnsupportedConstraintMaterialization event
// (I068) text (dbt/events/types.py).
func UnsupportedMaterializationWarning(materialized string) string {
	return fmt.Sprintf("Constraint types are not supported for %s materializations and will be ignored.  "+
		"Set 'warn_unsupported: false' on this constraint to ignore this warning.", materialized)
}

// Check runs dbt-core's parse-time constraint checks of one patched model
// (dbt/parser/schemas.py patch_constraints, _validate_constraint_prerequisites,
// _validate_pk_constraints): constraints that do not parse, the prerequisites of an
// enforced contract, and primary keys declared twice. It returns the warnings to print.
func Check(m Model) (warnings []string, err error) {
	var colCons, modelCons []Constraint
	for _, col := range m.Columns {
		for _, raw := range col.Constraints {
			c, err := Parse(raw, false)
			if err != nil {
				return nil, fmt.Errorf("model %s (%s): %w", m.Name, m.File, err)
			}
			colCons = append(colCons, c)
		}
	}
	if m.Enforced {
		for _, raw := range m.Constraints {
			if r, ok := raw.(map[string]any); !ok || !validType(fmt.Sprint(r["type"])) {
				return nil, fmt.Errorf("Invalid constraint type on model %s: Type must be one of %s", m.Name, PyRepr(toAny(Types)))
			}
		}
	}
	for _, raw := range m.Constraints {
		c, err := Parse(raw, true)
		if err != nil {
			return nil, fmt.Errorf("model %s (%s): %w", m.Name, m.File, err)
		}
		modelCons = append(modelCons, c)
	}
	if m.Enforced {
		warnUnsupported := false
		for _, c := range append(append([]Constraint{}, colCons...), modelCons...) {
			warnUnsupported = warnUnsupported || c.WarnUnsupported
		}
		if warnUnsupported && !EnforcesConstraints(m.Materialized) {
			warnings = append(warnings, UnsupportedMaterializationWarning(m.Materialized))
		}
		var errs []string
		if len(m.Columns) == 0 {
			errs = append(errs, "Constraints must be defined in a `yml` schema configuration file like `schema.yml`.")
		}
		if m.Language != "sql" {
			errs = append(errs, fmt.Sprintf("Language Error: Expected 'sql' but found '%s'", m.Language))
		}
		if len(errs) > 0 {
			return warnings, fmt.Errorf("Contract enforcement failed for: (%s)\n%s", m.File, strings.Join(errs, "\n"))
		}
	}
	var pkCols []string
	for _, col := range m.Columns {
		for _, raw := range col.Constraints {
			if c, _ := Parse(raw, false); c.Type == "primary_key" {
				pkCols = append(pkCols, col.Name)
			}
		}
	}
	var errs []string
	if len(pkCols) > 1 {
		errs = append(errs, fmt.Sprintf("Found %d columns (%s) with primary key constraints defined. "+
			"Primary keys for multiple columns must be defined as a model level constraint.", len(pkCols), PyRepr(toAny(pkCols))))
	}
	modelPK := false
	for _, c := range modelCons {
		modelPK = modelPK || c.Type == "primary_key"
	}
	if len(pkCols) > 0 && modelPK {
		errs = append(errs, "Primary key constraints defined at the model level and the columns level. "+
			"Primary keys can be defined at the model level or the column level, not both.")
	}
	if len(errs) > 0 {
		return warnings, fmt.Errorf("Primary key constraint error: (%s)\n%s", m.File, strings.Join(errs, "\n"))
	}
	return warnings, nil
}

// Target is a foreign key's `to:` read statically: a ref (Package may be "", Version nil)
// or a source (Source, Table).
type Target struct {
	IsSource      bool
	Package, Name string
	Version       any
	Source, Table string
}

var (
	strLit   = `(?:'([^'\\]*)'|"([^"\\]*)")`
	refRe    = regexp.MustCompile(`^\s*ref\(\s*` + strLit + `\s*(?:,\s*` + strLit + `\s*)?(?:,\s*(?:v|version)\s*=\s*(` + strLit + `|[0-9.]+)\s*)?\)\s*$`)
	sourceRe = regexp.MustCompile(`^\s*source\(\s*` + strLit + `\s*,\s*` + strLit + `\s*\)\s*$`)
)

func lit(m []string, i int) string { return m[i] + m[i+1] }

// ForeignKeyTargets reads the `to:` of every foreign key of a model (column- and model-
// level) as dbt-core's statically_parse_ref_or_source does, so the model depends on what
// its foreign keys point at (dbt/parser/schemas.py _process_constraints_refs_and_sources).
func ForeignKeyTargets(m Model) ([]Target, error) {
	var raws []any
	for _, col := range m.Columns {
		raws = append(raws, col.Constraints...)
	}
	raws = append(raws, m.Constraints...)
	var out []Target
	for _, raw := range raws {
		r, _ := raw.(map[string]any)
		to, _ := r["to"].(string)
		if r["type"] != "foreign_key" || to == "" {
			continue
		}
		t, err := ParseTarget(to)
		if err != nil {
			return nil, fmt.Errorf("Invalid 'ref' or 'source' syntax on foreign key constraint 'to' on model %s: %s.", m.Name, to)
		}
		out = append(out, t)
	}
	return out, nil
}

// ParseTarget reads one ref(...) or source(...) expression with literal arguments.
func ParseTarget(to string) (Target, error) {
	if m := refRe.FindStringSubmatch(to); m != nil {
		t := Target{Name: lit(m, 1)}
		if m[3] != "" || m[4] != "" {
			t.Package, t.Name = t.Name, lit(m, 3)
		}
		if v := m[5]; v != "" {
			if m[6] != "" || m[7] != "" {
				t.Version = lit(m, 6)
			} else if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				t.Version = n
			} else if f, err := strconv.ParseFloat(v, 64); err == nil {
				t.Version = f
			}
		}
		return t, nil
	}
	if m := sourceRe.FindStringSubmatch(to); m != nil {
		return Target{IsSource: true, Source: lit(m, 1), Table: lit(m, 3)}, nil
	}
	return Target{}, fmt.Errorf("not a ref() or source() call: %s", to)
}

// Checksum is dbt-core's ModelNode.build_contract_checksum (dbt/contracts/graph/nodes.py):
// the sha256 of each column's name, data_type and constraints (sorted by name, as
// Python's str() prints them) and, for tables and incrementals, the materialization and
// the model-level constraints. "" when the contract is not enforced (dbt leaves it null).
func Checksum(m Model) string {
	if !m.Enforced {
		return ""
	}
	sum := sha256.Sum256([]byte(contractState(m)))
	return hex.EncodeToString(sum[:])
}

// contractState is the text build_contract_checksum hashes.
func contractState(m Model) string {
	cols := append([]Column{}, m.Columns...)
	sort.SliceStable(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	var b strings.Builder
	for _, col := range cols {
		b.WriteString("|" + col.Name)
		if col.DataType == "" {
			b.WriteString("None")
		} else {
			b.WriteString(col.DataType)
		}
		b.WriteString(constraintsRepr(col.Constraints, false))
	}
	if EnforcesConstraints(m.Materialized) {
		b.WriteString(m.Materialized)
		b.WriteString(constraintsRepr(m.Constraints, true))
	}
	return b.String()
}

// constraintsRepr is Python's str() of a list of dbt-common constraint dataclasses.
func constraintsRepr(raws []any, modelLevel bool) string {
	parts := make([]string, 0, len(raws))
	for _, raw := range raws {
		c, err := Parse(raw, modelLevel)
		if err != nil {
			parts = append(parts, PyRepr(raw))
			continue
		}
		cls := "ColumnLevelConstraint"
		if modelLevel {
			cls = "ModelLevelConstraint"
		}
		s := fmt.Sprintf("%s(type=<ConstraintType.%s: '%s'>, name=%s, expression=%s, warn_unenforced=%s, warn_unsupported=%s, to=%s, to_columns=%s",
			cls, c.Type, c.Type, pyStr(c.Name), pyStr(c.Expression), pyBool(c.WarnUnenforced), pyBool(c.WarnUnsupported),
			pyStr(c.To), PyRepr(toAny(c.ToColumns)))
		if modelLevel {
			s += ", columns=" + PyRepr(toAny(c.Columns))
		}
		parts = append(parts, s+")")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func pyStr(s *string) string {
	if s == nil {
		return "None"
	}
	return PyRepr(*s)
}

// PyRepr is Python's repr() of a YAML value (for messages and the checksum): strings in
// single quotes unless they hold one and no double quote, None, True/False, lists, dicts.
func PyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		return pyBool(x)
	case string:
		q := "'"
		if strings.Contains(x, "'") && !strings.Contains(x, `"`) {
			q = `"`
		}
		s := strings.ReplaceAll(x, `\`, `\\`)
		s = strings.ReplaceAll(s, "\n", `\n`)
		s = strings.ReplaceAll(s, "\t", `\t`)
		if q == "'" {
			s = strings.ReplaceAll(s, "'", `\'`)
		}
		return q + s + q
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = PyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = PyRepr(k) + ": " + PyRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
