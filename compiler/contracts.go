package compiler

import (
	"fmt"
	"sort"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/contract"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// This file connects package contract (dbt's model contracts and constraints) to the
// compiler: the parse-time checks and checksum of a patched model, and the adapter methods
// and exception the contract macros (builtins/macros/contract.sql) call.

// contractModel is n as package contract sees it, columns in property-file order.
func contractModel(n *manifest.Node) contract.Model {
	m := contract.Model{File: n.OriginalFilePath, Name: n.Name, Language: n.Language, Materialized: n.Materialized(),
		Constraints: n.Constraints}
	if m.Language == "" {
		m.Language = "sql"
	}
	if c, ok := n.Config["contract"].(map[string]any); ok {
		m.Enforced = c["enforced"] == true
	}
	for _, c := range orderedColumns(n) {
		m.Columns = append(m.Columns, contract.Column{Name: c.Name, DataType: c.DataType, Constraints: c.Constraints})
	}
	return m
}

// orderedColumns are n's documented columns in property-file order.
func orderedColumns(n *manifest.Node) []*manifest.Column {
	out := make([]*manifest.Column, 0, len(n.Columns))
	for _, c := range n.Columns {
		if c != nil {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Index != out[j].Index {
			return out[i].Index < out[j].Index
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// prepareContract runs dbt's parse-time contract steps on a parsed model
// (dbt/parser/schemas.py patch_constraints, nodes.py build_contract_checksum): checks the
// constraints, fills the manifest contract and makes the model depend on what its foreign
// keys reference.
func (p *projectImpl) prepareContract(pn *parsedNode) Errors {
	n := pn.n
	if n.ResourceType != manifest.Model {
		return nil
	}
	m := contractModel(n)
	c := &manifest.Contract{Enforced: m.Enforced, AliasTypes: true}
	if cfg, ok := n.Config["contract"].(map[string]any); ok {
		if b, ok := cfg["alias_types"].(bool); ok {
			c.AliasTypes = b
		}
	}
	if sum := contract.Checksum(m); sum != "" {
		c.Checksum = &sum
	}
	n.Contract = c
	if n.PatchPath == "" {
		return nil // dbt checks constraints when it applies a property-file patch
	}
	warnings, err := contract.Check(m)
	for _, w := range warnings {
		p.warn(fmt.Sprintf("%s: %s", pn.file, w))
	}
	if err != nil {
		return Errors{Errorf(pn.file, 0, 0, "%v", err)}
	}
	targets, err := contract.ForeignKeyTargets(m)
	if err != nil {
		return Errors{Errorf(pn.file, 0, 0, "%v", err)}
	}
	for _, t := range targets {
		if t.IsSource {
			pn.sources = append(pn.sources, sourceCall{source: t.Source, table: t.Table, file: pn.file})
		} else {
			pn.refs = append(pn.refs, refCall{args: manifest.RefArgs{Name: t.Name, Package: t.Package, Version: t.Version}, file: pn.file})
		}
	}
	return nil
}

// contractColumnsArg reads the raw_columns argument of render_raw_columns_constraints (the
// model's columns dict) into package contract's columns, quoting names whose column says
// quote: true as dbt-adapters does.
func (rs *renderState) contractColumnsArg(v jinja.Value) []contract.Column {
	d, ok := v.(*jinja.Dict)
	if !ok {
		return nil
	}
	var out []contract.Column
	for _, k := range d.Keys() {
		cv, _ := d.Get(k)
		col, ok := cv.(*jinja.Dict)
		if !ok {
			continue
		}
		get := func(key string) jinja.Value { x, _ := col.Get(key); return x }
		name := str(get("name"))
		if jinja.Truthy(get("quote")) {
			name = rs.dialect().QuoteIdent(name)
		}
		c := contract.Column{Name: name, DataType: str(get("data_type"))}
		if get("data_type") == nil {
			c.DataType = "None"
		}
		if l, ok := jinja.ToGo(get("constraints")).([]any); ok {
			c.Constraints = l
		}
		out = append(out, c)
	}
	return out
}

// resolveForeignKeyTo turns a foreign key's `to:` (ref()/source() text) into the relation
// name it points at (dbt/compilation.py _compile_relation_for_foreign_key_constraint_to).
func (rs *renderState) resolveForeignKeyTo(to string) (string, error) {
	t, err := contract.ParseTarget(to)
	if err != nil {
		return "", fmt.Errorf("invalid 'ref' or 'source' syntax on foreign key constraint 'to': %s", to)
	}
	var rel *relationObj
	if t.IsSource {
		src, err := rs.p.resolveSource(rs.pkg, t.Source, t.Table)
		if err != nil {
			return "", fmt.Errorf("foreign key constraint 'to' %s: %w", to, err)
		}
		rel = newRelation(rs.dialect(), src.Database, src.Schema, src.Identifier, "table").withQuoting(src.Quoting)
	} else {
		n, err := rs.p.resolveRef(rs.pkg, manifest.RefArgs{Name: t.Name, Package: t.Package, Version: t.Version})
		if err != nil {
			return "", fmt.Errorf("foreign key constraint 'to' %s: %w", to, err)
		}
		rel = newRelation(rs.dialect(), n.Database, n.Schema, n.Alias, relationType(n))
	}
	return jinja.ToString(rel), nil
}

// contractError is exceptions.raise_contract_error(yaml_columns, sql_columns): dbt-core's
// ContractError with the mismatch table printed as agate does.
func contractError(yamlCols, sqlCols jinja.Value) error {
	read := func(v jinja.Value) []contract.FormattedColumn {
		var out []contract.FormattedColumn
		l, _ := jinja.ToGo(v).([]any)
		for _, e := range l {
			m, _ := e.(map[string]any)
			out = append(out, contract.FormattedColumn{Name: fmt.Sprint(m["name"]), DataType: fmt.Sprint(m["data_type"])})
		}
		return out
	}
	return contract.Error(read(yamlCols), read(sqlCols), textTable)
}

// textTable prints rows of strings as agate's print_table does (dbt prints the mismatch
// table with max_rows=None, max_column_width=50).
func textTable(header []string, rows [][]string) string {
	t := &warehouse.Table{}
	for _, h := range header {
		t.Columns = append(t.Columns, warehouse.Column{Name: h, DataType: "text"})
	}
	for _, r := range rows {
		row := make([]any, len(r))
		for i, v := range r {
			row[i] = v
		}
		t.Rows = append(t.Rows, row)
	}
	return newTable(t).format(len(rows)+1, len(header), 50, 3)
}

// contractWarn reports a constraint warning (dbt's ConstraintNotEnforced /
// ConstraintNotSupported events), naming the model's file.
func (rs *renderState) contractWarn(*jinja.Call) func(string) {
	prefix := ""
	if rs.node != nil {
		prefix = rs.node.OriginalFilePath + ": "
	}
	return func(msg string) { rs.p.warnAt(nil, prefix+msg) }
}

func stringsValue(ss []string) *jinja.List {
	l := &jinja.List{}
	for _, s := range ss {
		l.Items = append(l.Items, s)
	}
	return l
}
