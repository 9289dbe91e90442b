package main

import (
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// listTypes are what gdbt ls shows by default.
var listTypes = []string{manifest.Model, manifest.Seed, manifest.Test, manifest.Snapshot, manifest.Analysis,
	manifest.SourceRT, manifest.ExposureRT, manifest.UnitTest}

// defaultOutputKeys are the keys of ls --output json when --output-keys is not given.
var defaultOutputKeys = []string{"alias", "config", "depends_on", "name", "original_file_path", "package_name",
	"resource_type", "source_name", "tags", "unique_id"}

// cmdList prints the selected resources (gdbt ls / gdbt list): --output
// selector (default), name, path or json; --resource-type filters; --select/--exclude as
// everywhere.
func cmdList(g *Globals, args []string) int {
	_, err := cmdArgs("ls", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	output := g.FlagStr("output", "selector")
	switch output {
	case "selector", "name", "path", "json":
	default:
		g.Errorf("gdbt ls: --output must be selector, name, path or json, got %q", output)
		return ExitLoadFailed
	}
	types := commandTypes(g, listTypes)
	p, err := loadProject(g)
	if err != nil {
		return g.ReportLoadError(err)
	}
	_, ids, err := selectNodes(g, p, types)
	if err != nil {
		return g.ReportLoadError(err)
	}
	keys := g.FlagList("output-keys")
	if len(keys) == 0 {
		keys = defaultOutputKeys
	}
	var lines []string
	for _, id := range ids {
		if l, ok := listLine(p.Manifest, id, output, keys); ok {
			lines = append(lines, l)
		}
	}
	if output != "json" {
		sort.Strings(lines)
	}
	for _, l := range lines {
		g.Printf("%s\n", l)
	}
	if len(lines) == 0 {
		g.WarnEvent("NoNodesSelected", "no nodes selected")
	}
	return ExitOK
}

// expandTypes splits comma/space lists and maps dbt's aliases ("data_test" → test); "all"
// and "default" mean everything.
// commandTypes narrows a command's resource types by --resource-type and
// --exclude-resource-type (dbt/task/build.py and list.py resource_types: "all" and
// "default" keep the command's own).
func commandTypes(g *Globals, base []string) []string {
	types := base
	if rt := expandTypes(g.FlagList("resource-type")); len(rt) > 0 {
		if g.Command == "ls" || g.Command == "list" {
			types = rt
		} else {
			types = nil
			for _, t := range rt {
				if contains(base, t) {
					types = append(types, t)
				}
			}
		}
	}
	if ex := expandTypes(g.FlagList("exclude-resource-type")); len(ex) > 0 {
		var keep []string
		for _, t := range types {
			if !contains(ex, t) {
				keep = append(keep, t)
			}
		}
		types = keep
	}
	if len(types) == 0 {
		return []string{"none"} // narrowed to nothing: selects nothing (an empty list keeps all)
	}
	return types
}

func expandTypes(in []string) []string {
	var out []string
	for _, s := range in {
		for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			switch t {
			case "data_test":
				t = manifest.Test
			case "all", "default":
				return nil
			}
			if !contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// listLine renders one resource for ls.
func listLine(m *manifest.Manifest, id, output string, keys []string) (string, bool) {
	n, ok := m.Nodes[id]
	if !ok {
		n, ok = m.UnitTests[id]
	}
	if ok {
		switch output {
		case "name":
			return n.SearchName(), true // dbt's search_name: "name.v2" for a model version
		case "path":
			return n.OriginalFilePath, true
		case "json":
			return jsonKeys(map[string]any{
				"alias": n.Alias, "config": n.Config, "depends_on": n.DependsOn, "name": n.Name,
				"original_file_path": n.OriginalFilePath, "package_name": n.PackageName,
				"resource_type": n.ResourceType, "tags": strs(n.Tags), "unique_id": n.UniqueID,
			}, keys), true
		}
		return strings.Join(n.FQN, "."), true
	}
	if s, ok := m.Sources[id]; ok {
		switch output {
		case "name":
			return s.SourceName + "." + s.Name, true
		case "path":
			return s.OriginalFilePath, true
		case "json":
			return jsonKeys(map[string]any{
				"config": s.Config, "name": s.Name, "original_file_path": s.OriginalFilePath,
				"package_name": s.PackageName, "resource_type": "source", "source_name": s.SourceName,
				"tags": strs(s.Tags), "unique_id": s.UniqueID,
			}, keys), true
		}
		return "source:" + s.PackageName + "." + s.SourceName + "." + s.Name, true
	}
	if x, ok := m.Exposures[id]; ok {
		switch output {
		case "name":
			return x.Name, true
		case "path":
			return x.OriginalFilePath, true
		case "json":
			return jsonKeys(map[string]any{
				"config": x.Config, "depends_on": x.DependsOn, "name": x.Name,
				"original_file_path": x.OriginalFilePath, "package_name": x.PackageName,
				"resource_type": "exposure", "tags": strs(x.Tags), "unique_id": x.UniqueID,
			}, keys), true
		}
		return "exposure:" + x.PackageName + "." + x.Name, true
	}
	return "", false
}

func strs(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// jsonKeys marshals the chosen keys of m (sorted, as encoding/json writes maps).
func jsonKeys(m map[string]any, keys []string) string {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return jsonLine(out)
}

// lineBuf is a tiny io.Writer for jsonLine.
type lineBuf struct{ b []byte }

func (l *lineBuf) Write(p []byte) (int, error) { l.b = append(l.b, p...); return len(p), nil }

// newJSONEncoder returns an encoder that leaves <, > and & unescaped, as dbt prints them.
func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
