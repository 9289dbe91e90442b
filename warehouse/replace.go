package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// Finder looks up a relation by name, returning nil when it does not exist. The relation
// cache's Get is one; FinderFor(a) lists the schema through the adapter.
type Finder func(ctx context.Context, database, schema, identifier string) (*Relation, error)

// FinderFor returns a Finder that asks the adapter directly, listing the schema on every
// call; runs use the relation cache instead.
func FinderFor(a Adapter) Finder {
	return func(ctx context.Context, database, schema, identifier string) (*Relation, error) {
		rels, err := a.ListRelations(ctx, database, schema)
		if err != nil {
			return nil, err
		}
		for i := range rels {
			if strings.EqualFold(rels[i].Identifier, identifier) {
				return &rels[i], nil
			}
		}
		return nil, nil
	}
}

// ReplaceResult tells the caller (and the relation cache) what an atomic replacement did.
type ReplaceResult struct {
	Response Response
	// Replaced is the relation that existed under the target name before, nil when none did.
	Replaced *Relation
}

// Replace builds relation r (Type "table" or "view") from query and swaps it in atomically:
// the new relation is built under r's name plus TmpSuffix, then one transaction parks the
// existing relation under BackupSuffix, renames the new one into place and drops the
// backup. Where DDL is transactional (DuckDB, PostgreSQL) the build itself joins that
// transaction, so there is a single commit. A failed or cancelled build therefore leaves
// the previous relation intact, and leftovers of an interrupted run (the temporary or
// backup name) are dropped first. A view replacing a view (or nothing) is a single CREATE
// OR REPLACE VIEW, which is already atomic.
func Replace(ctx context.Context, a Adapter, find Finder, r Relation, query string) (ReplaceResult, error) {
	ddl, ok := a.Dialect().(DDL)
	if !ok {
		return ReplaceResult{}, fmt.Errorf("adapter %s has no DDL builders", a.Dialect().Type())
	}
	if find == nil {
		find = FinderFor(a)
	}
	if r.Type != "table" && r.Type != "view" {
		return ReplaceResult{}, fmt.Errorf("replace %s: relation type %q is neither table nor view", r.Identifier, r.Type)
	}
	existing, err := find(ctx, r.Database, r.Schema, r.Identifier)
	if err != nil {
		return ReplaceResult{}, fmt.Errorf("replace %s: %w", r.Identifier, err)
	}
	res := ReplaceResult{Replaced: existing}
	if r.Type == "view" && (existing == nil || existing.Type == "view") {
		resp, _, err := a.Execute(ctx, ddl.CreateViewAsSQL(r, query), false)
		if err != nil {
			return res, err
		}
		res.Response = resp
		return res, nil
	}

	tmp := r
	tmp.Identifier = DerivedIdentifier(a.Dialect(), r.Identifier, ScratchSuffix(ctx, TmpSuffix))
	backup := r
	backup.Identifier = DerivedIdentifier(a.Dialect(), r.Identifier, ScratchSuffix(ctx, BackupSuffix))
	// Leftovers of an interrupted run are dropped with the right kind of DROP.
	oldTmp, err := find(ctx, tmp.Database, tmp.Schema, tmp.Identifier)
	if err != nil {
		return res, fmt.Errorf("replace %s: %w", r.Identifier, err)
	}
	oldBackup, err := find(ctx, backup.Database, backup.Schema, backup.Identifier)
	if err != nil {
		return res, fmt.Errorf("replace %s: %w", r.Identifier, err)
	}

	build := ddl.CreateTableAsSQL(tmp, query, false)
	res.Response = Response{Message: "OK", Code: "CREATE TABLE", RowsAffected: -1}
	if r.Type == "view" {
		build = ddl.CreateViewAsSQL(tmp, query)
		res.Response.Code = "CREATE VIEW"
	}
	var swap []string
	if oldBackup != nil {
		swap = append(swap, ddl.DropRelationSQL(*oldBackup))
	}
	if existing != nil {
		swap = append(swap, ddl.RenameRelationSQL(*existing, backup.Identifier))
	}
	swap = append(swap, ddl.RenameRelationSQL(tmp, r.Identifier))
	if existing != nil {
		parked := *existing
		parked.Identifier = backup.Identifier
		swap = append(swap, ddl.DropRelationSQL(parked))
	}

	var stmts []string
	if oldTmp != nil {
		stmts = append(stmts, ddl.DropRelationSQL(*oldTmp))
	}
	if _, ok := a.(Sessioner); ok && ddl.TransactionalDDL() {
		// Build and swap in one transaction: one commit, and an interrupted build leaves
		// nothing behind at all.
		stmts = append(stmts, build)
		stmts = append(stmts, swap...)
		if err := InTransaction(ctx, a, stmts); err != nil {
			return res, err
		}
		return res, nil
	}

	// DDL that commits on its own: build under the temporary name first (the long part),
	// then swap in a transaction of renames.
	stmts = append(stmts, build)
	for _, stmt := range stmts {
		if _, _, err := a.Execute(ctx, stmt, false); err != nil {
			return res, err
		}
	}
	if err := InTransaction(ctx, a, swap); err != nil {
		// The previous relation is intact; remove the new one so it does not linger.
		_, _, _ = a.Execute(context.WithoutCancel(ctx), ddl.DropRelationSQL(tmp), false)
		return res, fmt.Errorf("replace %s: swapping in the new %s: %w", r.Identifier, r.Type, err)
	}
	return res, nil
}
