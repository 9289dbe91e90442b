package compiler

import (
	"encoding/csv"
	"fmt"
	"os"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// ---- statements ----

// resultDict is what load_result returns: response, data (rows as tuples) and table.
func resultDict(resp warehouse.Response, t *warehouse.Table) *jinja.Dict {
	d := jinja.NewDict()
	d.Set("response", responseObj(resp))
	data := &jinja.List{}
	tbl := newTable(t)
	for _, r := range tbl.rows.Items {
		data.Items = append(data.Items, r.(*rowObj).tuple())
	}
	d.Set("data", data)
	d.Set("table", tbl)
	return d
}

// responseObj is dbt's AdapterResponse as a dict (its str is the message).
func responseObj(resp warehouse.Response) *jinja.Dict {
	d := jinja.NewDict()
	d.Set("_message", resp.Message)
	d.Set("code", resp.Code)
	d.Set("rows_affected", resp.RowsAffected)
	d.Set("query_id", resp.QueryID)
	return d
}

// execute runs SQL for a statement or run_query: nothing at parse time, empty results offline.
func (rs *renderState) execute(sql string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if rs.mode == modeParse || rs.a == nil {
		return warehouse.Response{Message: "OK", RowsAffected: -1}, &warehouse.Table{}, nil
	}
	start := time.Now()
	resp, t, err := rs.a.Execute(rs.ctx, sql, fetch)
	rs.p.logSQL(rs.node, sql, time.Since(start), resp, err)
	if err != nil {
		return resp, nil, err
	}
	rs.statements = append(rs.statements, sql)
	return resp, t, nil
}

// fnStatement is {% call statement(name, fetch_result=False, auto_begin=True) %}sql{% endcall %}.
func fnStatement(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "name", "fetch_result", "auto_begin", "language")
	caller, ok := a["caller"].(jinja.Callable)
	if !ok {
		return nil, fmt.Errorf("statement() must be used as {%% call statement(...) %%}…{%% endcall %%}")
	}
	if rs == nil || rs.mode == modeParse {
		return "", nil
	}
	body, err := caller.CallJinja(c, nil, nil)
	if err != nil {
		return nil, err
	}
	sql := str(body)
	name := str(a["name"])
	if name == "main" {
		rs.mainSQL = append(rs.mainSQL, sql)
	}
	resp, t, err := rs.execute(sql, jinja.Truthy(a["fetch_result"]))
	if err != nil {
		return nil, &statementError{name: name, sql: sql, err: err}
	}
	if name == "main" {
		rs.mainResp = &resp
	}
	if name != "" {
		rs.storeResult(name, resultDict(resp, t))
	}
	return "", nil
}

func (rs *renderState) storeResult(name string, d *jinja.Dict) {
	if rs.results == nil {
		rs.results = map[string]*jinja.Dict{}
	}
	rs.results[name] = d
}

func fnLoadResult(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "name")
	if rs == nil {
		return nil, nil
	}
	if d, ok := rs.results[str(a["name"])]; ok {
		return d, nil
	}
	return nil, nil
}

func fnStoreResult(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "name", "response", "agate_table")
	d := jinja.NewDict()
	d.Set("response", a["response"])
	tbl, _ := a["agate_table"].(*tableObj)
	if tbl == nil {
		tbl = newTable(nil)
	}
	data := &jinja.List{}
	for _, r := range tbl.rows.Items {
		data.Items = append(data.Items, r.(*rowObj).tuple())
	}
	d.Set("data", data)
	d.Set("table", tbl)
	if rs != nil {
		if str(a["name"]) == "main" {
			rs.mainResp = responseFromValue(a["response"])
		}
		rs.storeResult(str(a["name"]), d)
	}
	return "", nil
}

func fnStoreRawResult(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "name", "message", "code", "rows_affected", "agate_table")
	resp := warehouse.Response{Message: str(a["message"]), Code: str(a["code"]), RowsAffected: -1}
	if n, ok := a["rows_affected"].(int64); ok {
		resp.RowsAffected = n
	}
	return fnStoreResult(c, []jinja.Value{a["name"], responseObj(resp), a["agate_table"]}, nil)
}

// responseFromValue reads a response dict back (for Result.Response).
func responseFromValue(v jinja.Value) *warehouse.Response {
	d, ok := v.(*jinja.Dict)
	if !ok {
		if s, ok := v.(string); ok {
			return &warehouse.Response{Message: s, RowsAffected: -1}
		}
		return nil
	}
	r := &warehouse.Response{RowsAffected: -1}
	if m, ok := d.Get("_message"); ok {
		r.Message = str(m)
	}
	if m, ok := d.Get("code"); ok {
		r.Code = str(m)
	}
	if m, ok := d.Get("rows_affected"); ok {
		if n, ok := m.(int64); ok {
			r.RowsAffected = n
		}
	}
	if m, ok := d.Get("query_id"); ok {
		r.QueryID = str(m)
	}
	return r
}

func fnRunQuery(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "sql")
	if rs == nil || rs.mode == modeParse {
		return nil, nil
	}
	_, t, err := rs.execute(str(a["sql"]), true)
	if err != nil {
		return nil, &statementError{sql: str(a["sql"]), err: err}
	}
	return newTable(t), nil
}

// fnLoadAgateTable reads the seed's CSV as a table (for seed materializations written the
// dbt way); gdbt's own seed materialization uses adapter.load_csv instead.
func fnLoadAgateTable(c *jinja.Call, _ []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil || rs.node == nil {
		return nil, fmt.Errorf("load_agate_table() is only available to seeds")
	}
	t, err := readCSVTable(rs.p.seedPath(rs.node))
	if err != nil {
		return nil, err
	}
	return newTable(t), nil
}

// readCSVTable reads a CSV file into a table of strings (empty cells are None).
func readCSVTable(path string) (*warehouse.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read seed %s: %w", path, err)
	}
	t := &warehouse.Table{}
	if len(recs) == 0 {
		return t, nil
	}
	for _, h := range recs[0] {
		t.Columns = append(t.Columns, warehouse.Column{Name: h, DataType: "text"})
	}
	for _, r := range recs[1:] {
		row := make([]any, len(t.Columns))
		for i := range row {
			if i < len(r) && r[i] != "" {
				row[i] = r[i]
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}
