package projgen

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kind selects the shape of the generated project.
type Kind string

// The two shapes: Layered is the compile benchmark's realistic project; Trivial is the
// runner benchmark's project of tiny views and tables that run on DuckDB without any data.
const (
	Layered Kind = "layered"
	Trivial Kind = "trivial"
)

// Options describe one generated project. The same options always write the same bytes.
type Options struct {
	Dir    string
	Models int
	Kind   Kind
	Seed   int64
}

// Stats summarises what was written, so callers (and tests) can check it.
type Stats struct {
	Models, Sources, Macros, YAMLFiles, Tests int
	// EditFile is a model file (relative to Dir) the compile benchmark edits to measure a
	// re-parse after a one-file change.
	EditFile string
	// EditYAML is a property file and EditMacro a project macro file the benchmark edits
	// to measure partial parsing after a YAML or a macro change.
	EditYAML, EditMacro string
}

// Generate writes the project under o.Dir (which it creates).
func Generate(o Options) (Stats, error) {
	if o.Models < 1 {
		return Stats{}, fmt.Errorf("projgen: models must be positive, got %d", o.Models)
	}
	w := &writer{dir: o.Dir, rng: rand.New(rand.NewSource(o.Seed))}
	switch o.Kind {
	case Layered, "":
		w.layered(o.Models)
	case Trivial:
		w.trivial(o.Models)
	case MacroHeavy:
		w.macroHeavy(o.Models)
	default:
		return Stats{}, fmt.Errorf("projgen: unknown kind %q (layered, macroheavy, trivial)", o.Kind)
	}
	if w.err != nil {
		return Stats{}, w.err
	}
	return w.stats, nil
}

// writer accumulates files and the first write error.
type writer struct {
	dir   string
	rng   *rand.Rand
	err   error
	stats Stats
}

// file writes one file relative to the project dir.
func (w *writer) file(rel, body string) {
	if w.err != nil {
		return
	}
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.err = fmt.Errorf("projgen: %w", err)
		return
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		w.err = fmt.Errorf("projgen: %w", err)
	}
}

// projectFile writes dbt_project.yml and a profiles.yml pointing at a DuckDB file under
// target/, so the project runs (or compiles) with no other setup.
func (w *writer) projectFile(name string, folders map[string]string) {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\nversion: \"1.0.0\"\nconfig-version: 2\nprofile: %s\n", name, name)
	b.WriteString("model-paths: [\"models\"]\nmacro-paths: [\"macros\"]\n")
	fmt.Fprintf(&b, "models:\n  %s:\n", name)
	keys := make([]string, 0, len(folders))
	for k := range folders {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s:\n      +materialized: %s\n", k, folders[k])
	}
	w.file("dbt_project.yml", b.String())
	w.file("profiles.yml", fmt.Sprintf("%s:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/bench.duckdb\n      threads: 4\n", name))
}

// columns are the column names every generated table carries (a source table has all of
// them, a model a deterministic subset).
var columns = []string{"id", "customer_id", "order_id", "amount_cents", "status", "created_at", "updated_at", "region", "channel", "quantity", "discount_cents", "is_deleted"}

// words build descriptions that read like real documentation.
var words = []string{"the", "customer", "order", "daily", "revenue", "net", "of", "refunds", "grain", "one", "row", "per", "active", "account", "latest", "snapshot", "deduplicated", "by", "event", "time", "joined", "to", "its", "region", "and", "channel"}

// sentence returns n pseudo-random words as a sentence.
func (w *writer) sentence(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = words[w.rng.Intn(len(words))]
	}
	s := strings.Join(parts, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
