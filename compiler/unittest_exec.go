package compiler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// UnitTestResult is what running one unit test produced: the statement's outcome and the
// table of its 'main' statement, the actual and expected rows together with their
// actual_or_expected column, as dbt's unit materialization returns them (comparing them is
// the caller's job, as it is dbt's TestRunner's).
type UnitTestResult struct {
	Result
	Table *warehouse.Table
}

// ExecuteUnitTest runs unit test ut (a node of Manifest.UnitTests) as dbt-core's
// TestRunner.execute_unit_test does: each given input becomes a CTE of fixture rows typed
// from the input relation's columns (get_fixture_sql), the tested model's SQL is compiled
// with its refs, sources and {{ this }} pointing at those CTEs and the test's overrides
// (macros, vars, env_vars) in force, and the `unit` materialization runs it next to the
// expected rows.
func (p *Project) ExecuteUnitTest(ctx context.Context, a warehouse.Adapter, ut *manifest.Node) (res *UnitTestResult, err error) {
	defer recoverInto(&err, ut)
	return p.impl.executeUnitTest(ctx, a, ut)
}

// unitRender is what a render of a unit test changes in the dbt context
// (dbt's RuntimeUnitTestProvider and UnitTestContext).
type unitRender struct {
	test   *manifest.Node
	inputs map[string]string // input unique id → its CTE name
	this   string            // the CTE standing for {{ this }}, "" for none
	used   []string          // input unique ids in first-use order
	ov     *manifest.UnitTestOverrides
}

// relation is the CTE a ref() or source() to uid renders as.
func (u *unitRender) relation(rs *renderState, uid, what string) (*relationObj, error) {
	cte, ok := u.inputs[uid]
	if !ok {
		return nil, fmt.Errorf("unit test %s: the model reads %s, which has no input in given; add `- input: %s` with its rows",
			u.test.Name, uid, what)
	}
	found := false
	for _, x := range u.used {
		found = found || x == uid
	}
	if !found {
		u.used = append(u.used, uid)
	}
	r := newRelation(rs.dialect(), "", "", cte, "cte")
	r.cte = cte
	return r, nil
}

// override returns the overriding value of macro name, if the test overrides it.
func (u *unitRender) override(name string) (jinja.Value, bool) {
	if u == nil || u.ov == nil {
		return nil, false
	}
	v, ok := u.ov.Macros[name]
	if !ok {
		v, ok = u.ov.Macros["dbt."+name]
	}
	if !ok {
		return nil, false
	}
	val := jinja.FromGo(v)
	return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return val, nil }), true
}

func (p *projectImpl) executeUnitTest(ctx context.Context, a warehouse.Adapter, ut *manifest.Node) (*UnitTestResult, error) {
	if a == nil || ut.UnitTest == nil || len(ut.DependsOn.Nodes) == 0 {
		return nil, fmt.Errorf("execute %s: not a unit test with an adapter", ut.UniqueID)
	}
	def := ut.UnitTest
	tested := p.frozen[ut.DependsOn.Nodes[0]]
	ns := p.srcs[ut.DependsOn.Nodes[0]]
	if tested == nil || ns == nil {
		return nil, fmt.Errorf("unit test %s: tested model %s not found", ut.Name, ut.DependsOn.Nodes[0])
	}
	fail := func(err error) (*UnitTestResult, error) {
		var es Errors
		for _, e := range AsErrors(err) {
			if e.File == "" {
				e.File = ut.OriginalFilePath
			}
			es = append(es, e)
		}
		return nil, es.Err()
	}
	u := &unitRender{test: ut, inputs: map[string]string{}, ov: def.Overrides}
	bodies := map[string]string{}
	for i, g := range def.Given {
		fn, err := p.fixtureNode(ut, g.InputID)
		if err != nil {
			return fail(err)
		}
		cte := "__dbt__cte__" + fn.Name
		u.inputs[g.InputID] = cte
		if i == def.ThisInput {
			u.this = cte
		}
		body, err := p.renderFixture(ctx, a, fn, g)
		if err != nil {
			return fail(fmt.Errorf("unit test %s: input %s: %w", ut.Name, g.Input, err))
		}
		bodies[g.InputID] = body
	}

	// The model's SQL, its inputs replaced (dbt compiles the UnitTestNode).
	node := *ut
	node.Config = copyValue(tested.Config).(map[string]any)
	node.Config["materialized"] = "unit"
	node.RawCode = tested.RawCode
	rs := p.newState(ctx, &node, modeCompile, a)
	rs.unit = u
	sql, err := p.renderWith(rs, ns)
	if err != nil {
		return fail(err)
	}
	if len(rs.ephemerals) > 0 {
		return fail(fmt.Errorf("unit test %s: the model reads ephemeral model %s, which has no input in given", ut.Name, rs.ephemerals[0]))
	}
	if len(u.used) > 0 {
		var ctes []string
		seen := map[string]bool{}
		for _, g := range def.Given {
			cte := u.inputs[g.InputID]
			if seen[cte] || !slices.Contains(u.used, g.InputID) {
				continue
			}
			seen[cte] = true
			ctes = append(ctes, cte+" as (\n"+strings.TrimSpace(bodies[g.InputID])+"\n)")
		}
		if sql, err = mergeWith(sql, strings.Join(ctes, ", ")); err != nil {
			return fail(err)
		}
	}

	// The unit materialization, with the expected rows in its config.
	// expected_rows is kept as a Jinja list of ordered dicts: the first row's key order is
	// the order of the compared columns.
	node.Config["expected_rows"] = &jinja.List{}
	if def.Expect.Format == "sql" {
		node.Config["expected_sql"] = def.Expect.Rows
	} else {
		node.Config["expected_rows"] = fixtureRows(def.Expect)
	}
	md, err := p.findMaterialization(a.Dialect(), "unit", ut.PackageName)
	if err != nil {
		return fail(err)
	}
	xs := p.newState(ctx, &node, modeExecute, a)
	xs.setExtra("sql", sql)
	xs.setExtra("compiled_code", sql)
	res := &UnitTestResult{Result: Result{CompiledCode: sql, Response: warehouse.Response{RowsAffected: -1}}}
	_, err = p.callBlock(xs, md)
	res.RunSQL = joinStatements(xs.mainSQL)
	if err != nil {
		// dbt: "There may be an error in the unit test definition: check the data types."
		return res, fmt.Errorf("An error occurred during execution of unit test '%s'. There may be an error in the unit test definition: check the data types.\n %w", ut.Name, err)
	}
	if xs.mainResp != nil {
		res.Response = *xs.mainResp
	}
	d, ok := xs.results["main"]
	if !ok {
		return res, fmt.Errorf("unit test %s: the unit materialization did not run a 'main' statement", ut.Name)
	}
	tv, _ := d.Get("table")
	t, ok := tv.(*tableObj)
	if !ok {
		return res, fmt.Errorf("unit test %s: the 'main' statement returned no table", ut.Name)
	}
	res.Table = t.t
	return res, nil
}

// fixtureNode is the node a fixture renders as: the input model, seed or snapshot itself
// (as a relation, never a CTE, so get_fixture_sql reads its real columns), or a model
// standing for a source table (dbt's UnitTestSourceDefinition).
func (p *projectImpl) fixtureNode(ut *manifest.Node, uid string) (*manifest.Node, error) {
	if n := p.frozen[uid]; n != nil {
		c := *n
		c.Config = copyValue(n.Config).(map[string]any)
		if c.Materialized() == "ephemeral" {
			c.Config["materialized"] = "table"
		}
		return &c, nil
	}
	s := p.proj.Manifest.Sources[uid]
	if s == nil {
		return nil, fmt.Errorf("unit test %s: input %s not found", ut.Name, uid)
	}
	return &manifest.Node{UniqueID: uid, ResourceType: manifest.Model, PackageName: s.PackageName, Name: s.Name,
		Alias: s.Identifier, Database: s.Database, Schema: s.Schema, FQN: s.FQN, Config: DefaultConfig("model"),
		OriginalFilePath: ut.OriginalFilePath, Path: s.Name + ".sql", Language: "sql"}, nil
}

// renderFixture renders one input's rows as SQL in the context of its node: sql rows as
// written (they may hold Jinja), dict and csv rows through get_fixture_sql.
func (p *projectImpl) renderFixture(ctx context.Context, a warehouse.Adapter, n *manifest.Node, g manifest.UnitTestInput) (string, error) {
	src := "{{ get_fixture_sql(__gdbt_fixture_rows, none) }}"
	if g.Format == "sql" {
		src, _ = g.Rows.(string)
	}
	t, err := p.env.Parse(n.OriginalFilePath, src)
	if err != nil {
		return "", err
	}
	rs := p.newState(ctx, n, modeCompile, a)
	rs.setExtra("__gdbt_fixture_rows", fixtureRows(g))
	rs.setExtra("gdbt_input_sql", "")
	if g.Format != "sql" && p.srcs[n.UniqueID] != nil && n.ResourceType != manifest.Seed {
		if r, err := rs.getRelation(n.Database, n.Schema, n.Alias); err == nil && r == nil {
			// Not built yet: its compiled SQL types the fixture (see get_fixture_sql).
			c := *p.frozen[n.UniqueID]
			sql, err := p.compile(ctx, a, &c)
			if err != nil {
				return "", fmt.Errorf("the input relation does not exist, and compiling %s to type its columns failed: %w", n.Name, err)
			}
			rs.setExtra("gdbt_input_sql", sql)
		}
	}
	return p.renderWith(rs, &nodeSource{tmpl: t, file: n.OriginalFilePath, src: src})
}

// fixtureRows is a fixture's rows as Jinja values: a list of dicts with their keys in the
// order written (the first expected row's order is the order of the compared columns).
func fixtureRows(g manifest.UnitTestInput) jinja.Value {
	l := &jinja.List{}
	rows, _ := g.Rows.([]any)
	for i, r := range rows {
		m, _ := r.(map[string]any)
		d := jinja.NewDict()
		var keys []string
		if i < len(g.Columns) {
			keys = g.Columns[i]
		}
		if len(keys) != len(m) {
			keys = sortedKeys(m)
		}
		for _, k := range keys {
			v := m[k]
			if t, ok := v.(time.Time); ok {
				// A YAML timestamp is a literal to cast, as dbt's fixtures see it.
				if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
					v = t.Format("2006-01-02")
				} else {
					v = t.Format("2006-01-02 15:04:05.999999")
				}
			}
			d.Set(k, jinja.FromGo(v))
		}
		l.Items = append(l.Items, d)
	}
	return l
}
