package main

import (
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// cmdShow previews rows: of the one selected node (its compiled SQL, run as a query, never
// materialized) or of an --inline query, limited by --limit (default 5; -1 for all).
func cmdShow(g *Globals, args []string) int {
	_, err := cmdArgs("show", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	limit := g.FlagInt("limit", 5)
	inline := g.FlagStr("inline", "")
	if inline == "" && len(g.Select) == 0 {
		g.Errorf("gdbt show needs --select <node> or --inline \"<sql>\"")
		return ExitLoadFailed
	}
	s, code := openSession(g)
	if s == nil {
		return code
	}
	defer s.close()
	var sql, title string
	if inline != "" {
		sql, err = s.p.CompileInline(s.ctx, s.a, inline)
		title = "inline query"
	} else {
		var ids []string
		_, ids, err = selectNodes(g, s.p, []string{manifest.Model, manifest.Seed, manifest.Snapshot, manifest.Test, manifest.Analysis})
		ids = withoutIndirectTests(s.p.Manifest, ids)
		if err == nil && len(ids) != 1 {
			err = fmt.Errorf("gdbt show --select must match exactly one node, matched %d", len(ids))
		}
		if err == nil {
			n := s.p.Manifest.Nodes[ids[0]]
			title = n.Name
			if n.ResourceType == manifest.Seed {
				sql = "select * from " + n.RelationName
			} else {
				sql, err = s.p.Compile(s.ctx, s.a, n)
			}
		}
	}
	if err != nil {
		return g.ReportLoadError(err)
	}
	q := "select * from (\n" + strings.TrimRight(strings.TrimSpace(sql), ";") + "\n) as gdbt_show"
	if limit >= 0 {
		q += fmt.Sprintf(" limit %d", limit)
	}
	// Exact decimals: dbt's agate table keeps Python Decimals (agate.Number), not floats.
	_, tab, err := s.a.Execute(warehouse.WithExactDecimals(s.ctx), q, true)
	if err != nil {
		g.Errorf("show %s: %v", title, err)
		return ExitNodeFailed
	}
	// The preview is a log message in dbt (ShowNode), and dbt-common's loggers scrub every
	// message of DBT_ENV_SECRET_ values (events/logger.py, env_scrubber): so is gdbt's.
	if g.FlagStr("output", "text") == "json" {
		fmt.Fprintln(g.Stdout, compiler.Redact(tableJSON(title, tab)))
		return ExitOK
	}
	g.Infof("Previewing %s:", title)
	fmt.Fprint(g.Stdout, compiler.Redact(formatTable(tab)))
	return ExitOK
}

// formatTable renders a result as a plain text table with aligned columns.
func formatTable(t *warehouse.Table) string {
	if t == nil || len(t.Columns) == 0 {
		return "(no columns)\n"
	}
	cells := make([][]string, len(t.Rows)+1)
	width := make([]int, len(t.Columns))
	cells[0] = make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cells[0][i] = c.Name
		width[i] = len(c.Name)
	}
	for r, row := range t.Rows {
		cells[r+1] = make([]string, len(t.Columns))
		for i := range t.Columns {
			s := "null"
			if i < len(row) {
				s = showCell(row[i], t.Columns[i].DataType)
			}
			cells[r+1][i] = s
			width[i] = max(width[i], len(s))
		}
	}
	var b strings.Builder
	line := func(cols []string) {
		b.WriteString("|")
		for i, s := range cols {
			b.WriteString(" " + s + strings.Repeat(" ", width[i]-len(s)) + " |")
		}
		b.WriteString("\n")
	}
	sep := "|"
	for _, w := range width {
		sep += strings.Repeat("-", w+2) + "|"
	}
	line(cells[0])
	b.WriteString(sep + "\n")
	for _, r := range cells[1:] {
		line(r)
	}
	return b.String()
}

// withoutIndirectTests drops the tests that selection added because they test a selected
// node (dbt's eager indirect selection), so `show --select model` previews the model; a
// selection of tests alone is kept.
func withoutIndirectTests(m *manifest.Manifest, ids []string) []string {
	var out []string
	for _, id := range ids {
		if n, ok := m.Nodes[id]; ok && n.ResourceType != manifest.Test {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return ids
	}
	return out
}
