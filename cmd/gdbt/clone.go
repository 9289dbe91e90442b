package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// cmdClone is dbt's clone (dbt/task/clone.py with the global project's clone
// materialization): each selected model, seed or snapshot that the --state manifest built
// gets a relation in the target reading the state's one: a zero-copy table clone where the
// engine has one (Snowflake, for tables), a view `select * from <state relation>`
// elsewhere. A relation that already exists is left alone (No-op) unless --full-refresh.
func cmdClone(g *Globals, args []string) int {
	if _, err := cmdArgs("clone", args); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if g.State == "" && g.DeferState == "" {
		g.Errorf("gdbt clone needs --state DIR (the artifacts of the run to clone from)")
		return ExitLoadFailed
	}
	s, ids, code := openAndSelect(g, []string{manifest.Model, manifest.Seed, manifest.Snapshot})
	if s == nil {
		return code
	}
	defer s.close()
	if err := s.waitManifest(); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	var nodes []*manifest.Node
	for _, id := range ids {
		if n := s.p.Manifest.Nodes[id]; n != nil && n.Materialized() != "ephemeral" {
			nodes = append(nodes, n)
		}
	}
	g.Infof("Running with gdbt=%s", buildVersion())
	start := time.Now()
	cache := warehouse.NewCache(s.a)
	sum := &runner.Summary{}
	con := g.console()
	for i, n := range nodes {
		t0 := time.Now()
		msg, err := cloneNode(g, s, cache, n)
		status := runner.StatusSuccess
		ev := runner.Event{Name: "LogModelResult", Msg: "clone " + n.Name, UniqueID: n.UniqueID, Index: i + 1, Total: len(nodes), Elapsed: time.Since(t0).Seconds()}
		if err != nil {
			status, msg = runner.StatusError, err.Error()
			sum.Error++
			ev.Status = runner.StatusError
			con.StatusLine(ev, "ERROR", "31")
			g.Errorf("  %s", msg)
		} else {
			sum.Pass++
			ev.Status = status
			con.StatusLine(ev, msg, "32")
		}
		m, rel := msg, n.RelationName
		sum.Results = append(sum.Results, runner.NodeResult{UniqueID: n.UniqueID, Status: status, ThreadID: "Thread-1",
			ExecutionTime: time.Since(t0).Seconds(), Message: &m, RelationName: &rel})
	}
	sum.Elapsed = time.Since(start)
	if !g.NoWriteJSON {
		rr := &runner.RunResults{
			Metadata: runner.RunMetadata{InvocationID: invocationID, DbtVersion: buildVersion(), InvocationStartedAt: start.UTC().Format(time.RFC3339Nano)},
			Results:  sum.Results, ElapsedTime: sum.Elapsed.Seconds(), Args: runArgs(g, "clone", 1),
		}
		if err := runner.WriteRunResults(filepath.Join(s.targetDir, "run_results.json"), rr); err != nil {
			g.Errorf("%v", err)
			return ExitLoadFailed
		}
	}
	g.Infof("Done. PASS=%d WARN=0 ERROR=%d SKIP=0 NO-OP=0 TOTAL=%d", sum.Pass, sum.Error, len(nodes))
	return sum.ExitCode()
}

// cloneNode clones one node and returns dbt's message for it ("No-op" when there is
// nothing to do).
func cloneNode(g *Globals, s *session, cache *warehouse.Cache, n *manifest.Node) (string, error) {
	dr := n.DeferRelation
	if dr == nil {
		g.Infof("No relation found in state manifest for %s", n.UniqueID)
		return "No-op", nil
	}
	d := s.a.Dialect()
	target := warehouse.Relation{Database: n.Database, Schema: n.Schema, Identifier: n.Alias}
	other := warehouse.Relation{Database: dr.Database, Schema: dr.Schema, Identifier: dr.Alias}
	if d.RelationSQL(target) == d.RelationSQL(other) {
		return "No-op", nil // the target and the state are the same relation
	}
	existing, err := cache.Get(s.ctx, target.Database, target.Schema, target.Identifier)
	if err != nil {
		return "", err
	}
	if existing != nil && !g.FullRefresh {
		g.Infof("Relation %s already exists", d.RelationSQL(*existing))
		return "No-op", nil
	}
	src, err := cache.Get(s.ctx, other.Database, other.Schema, other.Identifier)
	if err != nil {
		return "", err
	}
	if src == nil {
		return "", fmt.Errorf("the state's relation %s does not exist", d.RelationSQL(other))
	}
	schemaSQL := "create schema if not exists " + d.QuoteIdent(target.Schema)
	if d.Type() != "postgres" && target.Database != "" {
		schemaSQL = "create schema if not exists " + d.QuoteIdent(target.Database) + "." + d.QuoteIdent(target.Schema)
	}
	stmts := []string{schemaSQL}
	// dbt-snowflake's can_clone_table is true: tables clone zero-copy; DuckDB and
	// PostgreSQL have no clone, so the global clone materialization makes a view.
	if d.Type() == "snowflake" && src.Type == "table" {
		target.Type = "table"
		stmts = append(stmts, "create or replace table "+d.RelationSQL(target)+" clone "+d.RelationSQL(other))
	} else {
		target.Type = "view"
		if existing != nil {
			drop := "drop " + relKind(existing.Type) + " if exists " + d.RelationSQL(*existing)
			if d.Type() == "postgres" {
				drop += " cascade"
			}
			stmts = append(stmts, drop)
		}
		stmts = append(stmts, "create view "+d.RelationSQL(target)+" as select * from "+d.RelationSQL(other))
	}
	for _, q := range stmts {
		start := time.Now()
		resp, _, err := s.a.Execute(s.ctx, q, false)
		// dbt's SQLQuery / SQLQueryStatus debug events, on the node's connection.
		g.logSQL(compiler.SQLEvent{Node: n.UniqueID, Conn: n.UniqueID, SQL: q, Elapsed: time.Since(start),
			Rows: resp.RowsAffected, Status: resp.Message, QueryID: resp.QueryID, Err: err})
		if err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	cache.Add(target)
	if target.Type == "table" {
		return "SUCCESS 1", nil
	}
	return "OK", nil
}

// relKind is the keyword of a DROP for a relation type.
func relKind(t string) string {
	if t == "view" {
		return "view"
	}
	return "table"
}
