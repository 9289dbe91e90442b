package main

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/gdbt-dev/gdbt/parsestate"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
)

// cmdParse loads the whole project (every file parsed, the DAG checked) without a
// warehouse, and writes target/manifest.json and target/perf_info.json.
func cmdParse(g *Globals, args []string) int {
	_, err := cmdArgs("parse", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if lp := g.projectLogPath(); lp != "" {
		defer g.OpenLogFile(lp)()
	}
	start := time.Now()
	p, err := loadProject(g)
	if err != nil {
		return g.ReportLoadError(err)
	}
	loaded := time.Since(start)
	dir := g.projectTargetDir()
	var phases []compiler.Phase
	phases = append(phases, compiler.Phase{Name: "load_all", Elapsed: loaded})
	if g.FlagBool("write-manifest", true) && !g.NoWriteJSON {
		t := time.Now()
		if err := writeManifest(g, p, dir); err != nil {
			g.Errorf("%v", err)
			return ExitLoadFailed
		}
		phases = append(phases, compiler.Phase{Name: "write_manifest", Elapsed: time.Since(t)})
	}
	total := time.Since(start)
	perf := compiler.PerfInfo{PathCount: len(p.Manifest.Nodes) + len(p.Manifest.Macros), ParsedPathCount: len(p.Manifest.Nodes), Phases: phases, Total: total}
	if err := compiler.WritePerfInfo(filepath.Join(dir, "perf_info.json"), perf); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	for _, ph := range phases {
		g.Debugf("%-16s %s", ph.Name, ph.Elapsed.Round(time.Microsecond))
	}
	g.Infof("Parsed %s in %.2fs", countSummary(p.Manifest), total.Seconds())
	return ExitOK
}

// writeManifest writes <targetDir>/manifest.json for p.
func writeManifest(g *Globals, p *compiler.Project, targetDir string) error {
	return writeManifestOf(g, p, p.Manifest, targetDir)
}

// writeManifestOf writes <targetDir>/manifest.json from m, p's manifest or a snapshot of it.
func writeManifestOf(g *Globals, p *compiler.Project, m *manifest.Manifest, targetDir string) error {
	if g.NoWriteJSON {
		return nil
	}
	path := filepath.Join(targetDir, "manifest.json")
	state := g.parseStatePath()
	if state == "" {
		return compiler.WriteManifest(path, m, manifestMeta(g, p))
	}
	// Partial parsing: the JSON of nodes unchanged since the last manifest is copied from it
	// (parsestate.Manifest; its index lives beside the parse state).
	index := filepath.Join(filepath.Dir(state), parsestate.ManifestFileName)
	reuse := parsestate.OpenManifest(index, path, g.Debugf)
	if err := compiler.WriteManifestReusing(path, m, manifestMeta(g, p), p.ReuseWithMarks(reuse)); err != nil {
		reuse.Close()
		parsestate.Forget(index)
		return err
	}
	g.Debugf("partial parse: copied %d nodes' JSON from the previous manifest", reuse.Reused())
	if err := reuse.Save(); err != nil {
		g.Debugf("partial parse: the manifest index was not saved: %v", err)
		parsestate.Forget(index)
	}
	return nil
}

// invocationID is this process's id in every artifact it writes.
var invocationID = newUUID()

// manifestMeta is the metadata block of the artifacts gdbt writes for p.
func manifestMeta(g *Globals, p *compiler.Project) manifest.Metadata {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		const prefix = "DBT_ENV_CUSTOM_ENV_"
		if strings.HasPrefix(kv, prefix) {
			if i := strings.IndexByte(kv, '='); i > 0 {
				env[kv[len(prefix):i]] = kv[i+1:]
			}
		}
	}
	sum := md5.Sum([]byte(p.Name))
	return manifest.Metadata{
		DbtSchemaVersion: compiler.ManifestSchemaVersion,
		DbtVersion:       compiler.DbtVersion,
		GeneratedAt:      time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		InvocationID:     invocationID,
		Env:              env,
		ProjectName:      p.Name,
		ProjectID:        hex.EncodeToString(sum[:]),
		AdapterType:      p.Target.Type,
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// countSummary says how many of each resource a manifest holds, dbt-style: "3 models,
// 5 data tests, 2 sources, 120 macros".
func countSummary(m *manifest.Manifest) string {
	counts := map[string]int{}
	for _, n := range m.Nodes {
		counts[n.ResourceType]++
	}
	var parts []string
	add := func(n int, one, many string) {
		if n == 0 {
			return
		}
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(counts[manifest.Model], "model", "models")
	add(counts[manifest.Snapshot], "snapshot", "snapshots")
	add(counts[manifest.Analysis], "analysis", "analyses")
	add(counts[manifest.Seed], "seed", "seeds")
	add(counts[manifest.Test], "data test", "data tests")
	add(len(m.Sources), "source", "sources")
	add(len(m.Exposures), "exposure", "exposures")
	add(len(m.Macros), "macro", "macros")
	if len(parts) == 0 {
		return "an empty project"
	}
	return strings.Join(parts, ", ")
}
