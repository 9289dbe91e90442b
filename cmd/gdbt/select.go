package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/dag"
	"github.com/gdbt-dev/gdbt/manifest"
	"gopkg.in/yaml.v3"
)

// selectNodes builds the graph of a loaded project and applies the global --select,
// --exclude, --selector (selectors.yml) and --state flags, keeping resourceTypes (all when
// empty). The ids come back sorted. Shared by every command that selects.
func selectNodes(g *Globals, p *compiler.Project, resourceTypes []string) (*dag.Graph, []string, error) {
	gr, err := dag.New(p.Manifest)
	if err != nil {
		return nil, nil, err
	}
	opts := dag.SelectOptions{Select: g.Select, Exclude: g.Exclude, Selector: g.Selector, ResourceTypes: resourceTypes, Indirect: g.Indirect,
		Warn: func(msg string) { g.WarnEvent("NoNodesForSelectionCriteria", msg) }}
	if opts.Selectors, err = loadSelectors(g.ProjectDir); err != nil {
		return nil, nil, err
	}
	if g.State != "" {
		if opts.StateManifest, err = readStateManifest(g.State); err != nil {
			return nil, nil, err
		}
		opts.PreviousResults = readPreviousResults(g.State)
	}
	ids, err := dag.Select(gr, opts)
	if err != nil {
		return nil, nil, err
	}
	return gr, ids, nil
}

// loadSelectors reads selectors.yml of the project (nil when there is none).
func loadSelectors(projectDir string) (*dag.Selectors, error) {
	for _, name := range []string{"selectors.yml", "selectors.yaml"} {
		path := filepath.Join(projectDir, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, compiler.YAMLSyntaxError(name, data, err)
		}
		return dag.ParseSelectors(name, data)
	}
	return nil, nil
}

// readStateManifest reads <dir>/manifest.json for state: selectors.
func readStateManifest(dir string) (*manifest.Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("--state: %w", err)
	}
	var m manifest.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("--state: %s/manifest.json: %w", dir, err)
	}
	return &m, nil
}

// readPreviousResults maps unique id to status from <dir>/run_results.json (nil if absent).
func readPreviousResults(dir string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, "run_results.json"))
	if err != nil {
		return nil
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			Status   string `json:"status"`
		} `json:"results"`
	}
	if json.Unmarshal(data, &rr) != nil {
		return nil
	}
	out := make(map[string]string, len(rr.Results))
	for _, r := range rr.Results {
		out[r.UniqueID] = r.Status
	}
	return out
}
