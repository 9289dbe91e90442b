package compiler

import (
	"path"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// YAML-defined snapshots (dbt 1.9): an entry of a property file's snapshots: list with a
// relation: is a snapshot node of its own, with no SQL file. dbt-core builds it in
// SchemaParser._add_yaml_snapshot_nodes_to_manifest (core/dbt/parser/schemas.py): the
// fqn is the package, the folders of the YAML file under its resource folder, then the
// name; path is "<yaml relative path>/<name>.sql"; the checksum is the YAML file's; the
// relation, parsed statically as a ref() or source() (statically_parse_ref_or_source),
// becomes the raw code "select * from {{ relation }}". The entry's config:, columns and
// tests then patch it like any snapshot, and the snapshot materialization builds it as it
// builds a {% snapshot %} block.

// parseYAMLSnapshots makes the nodes of every YAML-defined snapshot in pi.
func (p *projectImpl) parseYAMLSnapshots(pi *propIndex) ([]*parsedNode, Errors) {
	var out []*parsedNode
	var errs Errors
	for _, pr := range pi.props {
		for _, np := range pr.Snapshots {
			if np.Relation == "" && np.RelationLine == 0 {
				continue
			}
			pn, err := p.yamlSnapshot(pr.File, np, pi)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, pn)
		}
	}
	return out, errs
}

// yamlSnapshot builds one YAML-defined snapshot's node.
func (p *projectImpl) yamlSnapshot(f *SourceFile, np *NodeProps, pi *propIndex) (*parsedNode, *Error) {
	display := f.DisplayPath()
	yamlSrc := string(f.Contents)
	bad := func() *Error {
		return Errorf(display, np.RelationLine, np.RelationCol,
			"snapshot %s: relation must be a ref() or source() call such as \"ref('orders')\" or \"source('shop', 'orders')\", got %q",
			np.Name, np.Relation)
	}
	// raw is dbt's raw_code; the ref or source is found in it with the same static
	// reader models use, and must be the only thing in it.
	raw := "select * from {{ " + strings.TrimSpace(np.Relation) + " }}"
	tmpl, err := p.env.Parse(display, "{{ "+strings.TrimSpace(np.Relation)+" }}")
	if err != nil {
		return nil, bad()
	}
	refs, srcs, cfg, _, ok := staticExtract(tmpl, display)
	if !ok || cfg != nil || len(refs)+len(srcs) != 1 {
		return nil, bad()
	}
	// ref/source errors (an unknown model, say) point at the relation: in the YAML file.
	at := offsetOf(yamlSrc, np.RelationLine, np.RelationCol)
	for i := range refs {
		refs[i].pos = at
	}
	for i := range srcs {
		srcs[i].pos = at
	}
	body, err := p.env.Parse(display, raw)
	if err != nil {
		return nil, bad()
	}
	rel := yamlResourceRel(f)
	name := np.Name
	n := p.newNode(f, manifest.Snapshot, name, path.Join(path.Dir(rel), name+".sql"), raw)
	n.Path = path.Join(rel, name+".sql")
	p.applyPatch(n, pi, f)
	if e := p.finishNode(n, nil); e != nil {
		return nil, e
	}
	return &parsedNode{n: n, refs: refs, sources: srcs, file: display, src: yamlSrc, tmpl: body}, nil
}

// yamlResourceRel is a property file's path relative to the resource folder it was found
// in (dbt's block.path.relative_path: "schema.yml" for snapshots/schema.yml).
func yamlResourceRel(f *SourceFile) string {
	pc := f.Package.Config
	return relToFolders(f.Path, pc.ModelPaths, pc.SeedPaths, pc.SnapshotPaths, pc.AnalysisPaths, pc.MacroPaths, pc.TestPaths)
}

// offsetOf is the byte offset of 1-based line:col in src (the inverse of lineCol).
func offsetOf(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return min(off+max(col-1, 0), len(src))
}
