package compiler

import (
	"github.com/gdbt-dev/gdbt/manifest"
)

// Deferral (Slim CI): with --defer --state DIR, a ref to a node that is not built in the
// target reads the relation the state's manifest built instead, so a CI job builds only
// what changed (state:modified+) and reads the unchanged parents from production.

// MergeFromArtifact records, on every node of the project that the state manifest also
// has, where the state built it (dbt/contracts/graph/manifest.py merge_from_artifact):
// refable, non-ephemeral nodes only. Refs read it when Options.Defer is set (see
// deferredRelation); gdbt clone reads it always.
func (p *Project) MergeFromArtifact(state *manifest.Manifest) {
	if state == nil {
		return
	}
	for id, sn := range state.Nodes {
		cur := p.Manifest.Nodes[id]
		if cur == nil || sn == nil || !refable(sn.ResourceType) || sn.Materialized() == "ephemeral" {
			continue
		}
		dr := &manifest.DeferRelation{
			Database: sn.Database, Schema: sn.Schema, Alias: sn.Alias, RelationName: sn.RelationName,
			ResourceType: sn.ResourceType, Name: sn.Name, Description: sn.Description,
			Meta: sn.Meta, Tags: sn.Tags, Config: sn.Config,
		}
		if dr.Meta == nil {
			dr.Meta = map[string]any{}
		}
		if dr.Tags == nil {
			dr.Tags = []string{}
		}
		if sn.ResourceType != manifest.Seed {
			code := sn.CompiledCode
			dr.CompiledCode = &code
		}
		cur.DeferRelation = dr
	}
}

// deferredRelation is the relation a ref to n reads under --defer, or nil to read n's own
// (dbt/context/providers.py RuntimeRefResolver.create_relation): the state's relation
// when the node is unselected and --favor-state is set, or when n's own relation does not
// exist in the target (offline, nothing exists: unselected parents always defer).
func (rs *renderState) deferredRelation(n *manifest.Node) *relationObj {
	dr := n.DeferRelation
	if !rs.p.opts.Defer || dr == nil || rs.mode == modeParse {
		return nil
	}
	use := rs.p.opts.FavorState && !rs.p.selected(n.UniqueID)
	if !use {
		r, err := rs.findRelation(n.Database, n.Schema, n.Alias, nil)
		use = err == nil && r == nil
	}
	if !use {
		return nil
	}
	r := newRelation(rs.dialect(), dr.Database, dr.Schema, dr.Alias, relationType(n))
	r.empty = rs.p.opts.Empty
	return r
}

// selected reports whether id is among the run's selected resources.
func (p *projectImpl) selected(id string) bool {
	for _, s := range p.proj.SelectedResources {
		if s == id {
			return true
		}
	}
	return false
}
