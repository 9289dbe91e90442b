package compiler

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// Checks made once every node is parsed. Property YAML entries against the nodes they
// patch, as dbt-core's core/dbt/parser/schemas.py (NodePatchParser.parse_patch): an entry
// naming no node, enabled or disabled, is the NoNodeForYamlKey warning (I058), and a node
// patched by two entries is DuplicatePatchPathError (core/dbt/exceptions.py), an error
// naming both files. Snapshot configs, as ManifestLoader.check_valid_snapshot_config
// (core/dbt/parser/manifest.py) calls SnapshotConfig.final_validate
// (core/dbt/artifacts/resources/v1/snapshot.py), since they may come from SQL or YAML.

// patchDup is a second property entry for a resource an earlier entry already patches.
type patchDup struct {
	key         string
	first, next *nodePatch
}

// checkPatches warns about the entries of pi that match no node of m (nor a disabled
// node, nor one whose file failed to parse) and returns an error for each node that two
// entries patch.
func (p *projectImpl) checkPatches(m *manifest.Manifest, pi *propIndex, warn func(string)) Errors {
	known := map[string]bool{}
	mark := func(id string) {
		kind, rest, _ := strings.Cut(id, ".")
		pkg, name, _ := strings.Cut(rest, ".")
		known[kind+"\x00"+pkg+"\x00"+name] = true
		if i := strings.LastIndex(name, ".v"); i > 0 { // a model version: model.pkg.name.v2
			known[kind+"\x00"+pkg+"\x00"+name[:i]] = true
		}
	}
	for id := range m.Nodes {
		mark(id)
	}
	for id := range p.disabled {
		mark(id)
	}
	var errs Errors
	for _, d := range pi.dups {
		if !known[d.key] {
			continue
		}
		a, b := d.first.file.DisplayPath(), d.next.file.DisplayPath()
		fix := fmt.Sprintf("remove the resource entry for %s in one of these files:\n - %s\n - %s", d.next.np.Name, a, b)
		if a == b {
			fix = fmt.Sprintf("remove one of the resource entries for %s in this file:\n - %s", d.next.np.Name, a)
		}
		errs = append(errs, Errorf(b, d.next.np.Line, d.next.np.Col,
			"dbt found two schema.yml entries for the same resource named %s. Resources and their associated columns may only be described a single time. To fix this, %s",
			d.next.np.Name, fix))
	}
	if warn == nil {
		return errs
	}
	for _, key := range pi.order {
		pt := pi.nodes[key]
		_, rest, _ := strings.Cut(key, "\x00")
		pkg, name, _ := strings.Cut(rest, "\x00")
		if known[key] || p.unparsed[pkg+"."+name] != nil {
			continue
		}
		section := map[string]string{"model": "models", "seed": "seeds", "snapshot": "snapshots", "analysis": "analyses"}[pt.np.Kind]
		warn(fmt.Sprintf("%s:%d:%d: Did not find matching node for patch with name '%s' in the '%s' section of file '%s'",
			pt.file.DisplayPath(), pt.np.Line, pt.np.Col, name, section, pt.file.Path))
	}
	return errs
}

// checkSnapshotConfigs returns SnapshotConfig.final_validate's errors for m's snapshots,
// each at the snapshot's name in its file.
func (p *projectImpl) checkSnapshotConfigs(m *manifest.Manifest) Errors {
	var errs Errors
	for _, n := range m.Nodes {
		if n.ResourceType != manifest.Snapshot {
			continue
		}
		msg := snapshotConfigProblem(n.Config)
		if msg == "" {
			continue
		}
		file, line, col := n.OriginalFilePath, 0, 0
		if ns := p.srcs[n.UniqueID]; ns != nil && ns.file != "" {
			file = ns.file
			if loc := regexp.MustCompile(`\b` + regexp.QuoteMeta(n.Name) + `\b`).FindStringIndex(ns.src); loc != nil {
				line, col = lineCol(ns.src, loc[0])
			}
		}
		errs = append(errs, Errorf(file, line, col, "snapshot %s: %s", n.Name, msg))
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// snapshotConfigProblem is final_validate's message for a snapshot config, "" when valid.
func snapshotConfigProblem(c map[string]any) string {
	empty := func(v any) bool {
		switch v := v.(type) {
		case nil:
			return true
		case string:
			return v == ""
		case []any:
			return len(v) == 0
		case bool:
			return !v
		}
		return false
	}
	strategy, _ := c["strategy"].(string)
	if strategy == "" || empty(c["unique_key"]) {
		return "Snapshots must be configured with a 'strategy' and 'unique_key'."
	}
	switch strategy {
	case "check":
		if empty(c["check_cols"]) {
			return "A snapshot configured with the check strategy must specify a check_cols configuration."
		}
		if s, ok := c["check_cols"].(string); ok && s != "all" {
			return fmt.Sprintf("Invalid value for 'check_cols': %s. Expected 'all' or a list of strings.", s)
		}
	case "timestamp":
		if empty(c["updated_at"]) {
			return "A snapshot configured with the timestamp strategy must specify an updated_at configuration."
		}
		if !empty(c["check_cols"]) {
			return "A 'timestamp' snapshot should not have 'check_cols'"
		}
	}
	if m, _ := c["materialized"].(string); m != "" && m != "snapshot" {
		return "A snapshot must have a materialized value of 'snapshot'"
	}
	return ""
}
