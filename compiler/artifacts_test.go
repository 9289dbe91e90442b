package compiler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemasDir is the repository's testdata/dbt-schemas (or GDBT_SCHEMAS_DIR); missing
// schemas fail the test.
func schemasDir(t testing.TB) string {
	if d := os.Getenv("GDBT_SCHEMAS_DIR"); d != "" {
		return d
	}
	d := filepath.Join("..", "testdata", "dbt-schemas")
	if _, err := os.Stat(filepath.Join(d, "manifest_v12.json")); err != nil {
		t.Fatalf("dbt schemas not found at %s: %v", d, err)
	}
	return d
}

func validateAgainst(t *testing.T, schemaFile string, doc []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("written JSON does not parse: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("manifest does not validate against %s:\n%v", schemaFile, err)
	}
}

// fixtureManifest has one resource of every kind the writer handles.
func fixtureManifest() *manifest.Manifest {
	yes := true
	chk := manifest.Checksum{Name: "sha256", Checksum: "abc"}
	node := func(rt, name, path string) *manifest.Node {
		return &manifest.Node{UniqueID: rt + ".shop." + name, ResourceType: rt, PackageName: "shop", Name: name, Alias: name,
			Database: "dev", Schema: "main", FQN: []string{"shop", name}, Path: name + ".sql", OriginalFilePath: path,
			Checksum: chk, Language: "sql", RawCode: "select 1", Config: map[string]any{}}
	}
	model := node(manifest.Model, "dim_orders", "models/dim_orders.sql")
	model.Config = map[string]any{"materialized": "table", "tags": []any{"daily"}, "post-hook": []any{"analyze x", map[string]any{"sql": "vacuum", "transaction": false}},
		"meta": map[string]any{"owner": "ops"}, "unique_key": []any{"a", "b"}, "docs": map[string]any{"show": false}}
	model.Tags = []string{"daily"}
	model.Columns = map[string]*manifest.Column{"id": {Name: "id", Description: "key", DataType: "integer", Quote: &yes}}
	model.Refs = []manifest.RefArgs{{Name: "stg_orders"}, {Name: "x", Package: "utils", Version: 2}}
	model.Sources = [][]string{{"raw", "orders"}}
	model.DependsOn = manifest.DependsOn{Macros: []string{"macro.shop.cents"}, Nodes: []string{"source.shop.raw.orders"}}
	model.Compiled, model.CompiledCode, model.CompiledPath, model.RelationName = true, "select 1", "target/compiled/shop/models/dim_orders.sql", `"dev"."main"."dim_orders"`
	seed := node(manifest.Seed, "countries", "seeds/countries.csv")
	seed.Config = map[string]any{"delimiter": ";", "column_types": map[string]any{"code": "varchar"}}
	seed.RootPath = "seeds/countries.csv"
	gtest := node(manifest.Test, "not_null_dim_orders_id", "models/schema.yml")
	gtest.TestMetadata = &manifest.TestMetadata{Name: "not_null", Kwargs: map[string]any{"column_name": "id", "model": "{{ get_where_subquery(ref('dim_orders')) }}"}}
	gtest.ColumnName, gtest.AttachedNode, gtest.FileKeyName = "id", "model.shop.dim_orders", "models.dim_orders"
	gtest.Config = map[string]any{"severity": "warn", "where": "id > 0", "limit": 5}
	stest := node(manifest.Test, "assert_positive", "tests/assert_positive.sql")
	snap := node(manifest.Snapshot, "orders_snapshot", "snapshots/orders_snapshot.sql")
	snap.Config = map[string]any{"strategy": "timestamp", "unique_key": "id", "updated_at": "ts"}
	ana := node(manifest.Analysis, "adhoc", "analyses/adhoc.sql")
	op := node(manifest.Operation, "shop-on-run-start-0", "./dbt_project.yml")
	op.Config = map[string]any{"materialized": "view"}
	m := &manifest.Manifest{
		Nodes: map[string]*manifest.Node{},
		Sources: map[string]*manifest.Source{"source.shop.raw.orders": {UniqueID: "source.shop.raw.orders", ResourceType: "source",
			PackageName: "shop", SourceName: "raw", Name: "orders", Identifier: "orders", Schema: "raw", Database: "dev",
			FQN: []string{"shop", "raw", "orders"}, Path: "models/sources.yml", OriginalFilePath: "models/sources.yml",
			Loader: "csv", Freshness: map[string]any{"warn_after": map[string]any{"count": 12, "period": "hour"}},
			Config: map[string]any{"external_location": "data/orders.csv"}, Meta: map[string]any{"external_location": "data/orders.csv"},
			Columns: map[string]*manifest.Column{"id": {Name: "id"}}, RelationName: `"raw"."orders"`}},
		Macros: map[string]*manifest.Macro{"macro.shop.cents": {UniqueID: "macro.shop.cents", ResourceType: "macro", PackageName: "shop",
			Name: "cents", Path: "macros/cents.sql", OriginalFilePath: "macros/cents.sql", MacroSQL: "{% macro cents(x) %}{% endmacro %}",
			Arguments: []any{map[string]any{"name": "x", "type": "number", "description": "amount"}}}},
		Docs: map[string]*manifest.Doc{"doc.shop.__overview__": {UniqueID: "doc.shop.__overview__", ResourceType: "doc", PackageName: "shop",
			Name: "__overview__", Path: "overview.md", OriginalFilePath: "docs/overview.md", BlockContents: "hi <b>&</b>"}},
		Exposures: map[string]*manifest.Exposure{"exposure.shop.dash": {UniqueID: "exposure.shop.dash", ResourceType: "exposure",
			PackageName: "shop", Name: "dash", Type: "dashboard", Owner: map[string]any{"email": "ops@example.com"},
			FQN: []string{"shop", "dash"}, Path: "models/exposures.yml", OriginalFilePath: "models/exposures.yml", Maturity: "high",
			Refs: []manifest.RefArgs{{Name: "dim_orders"}}, DependsOn: manifest.DependsOn{Nodes: []string{"model.shop.dim_orders"}}}},
		ParentMap: map[string][]string{"model.shop.dim_orders": {"source.shop.raw.orders"}, "source.shop.raw.orders": nil},
		ChildMap:  map[string][]string{"source.shop.raw.orders": {"model.shop.dim_orders"}, "model.shop.dim_orders": nil},
	}
	for _, n := range []*manifest.Node{model, seed, gtest, stest, snap, ana, op} {
		m.Nodes[n.UniqueID] = n
	}
	return m
}

func TestWriteManifestValidates(t *testing.T) {
	dir := schemasDir(t)
	out := filepath.Join(t.TempDir(), "target", "manifest.json")
	t.Setenv("DBT_ENV_SECRET_SHOPKEY", "verysecret")
	m := fixtureManifest()
	m.Nodes["model.shop.dim_orders"].RawCode = "select 'verysecret'"
	meta := manifest.Metadata{InvocationID: "1234", AdapterType: "duckdb", ProjectName: "shop"}
	if err := WriteManifest(out, m, meta); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	validateAgainst(t, filepath.Join(dir, "manifest_v12.json"), b)

	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"metadata", "nodes", "sources", "macros", "docs", "exposures", "metrics", "groups", "selectors",
		"disabled", "parent_map", "child_map", "group_map", "saved_queries", "semantic_models", "unit_tests"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing top-level key %q", k)
		}
	}
	md := doc["metadata"].(map[string]any)
	if md["dbt_schema_version"] != ManifestSchemaVersion || md["invocation_id"] != "1234" || md["adapter_type"] != "duckdb" {
		t.Errorf("metadata %v", md)
	}
	if _, err := time.Parse(time.RFC3339, md["generated_at"].(string)); err != nil {
		t.Errorf("generated_at: %v", err)
	}
	if strings.Contains(string(b), "verysecret") {
		t.Error("a DBT_ENV_SECRET_ value reached the manifest")
	}
	if !strings.Contains(string(b), `"block_contents":"hi <b>&</b>"`) {
		t.Error("HTML characters must not be escaped (dbt writes them as is)")
	}
	hooks := doc["nodes"].(map[string]any)["model.shop.dim_orders"].(map[string]any)["config"].(map[string]any)["post-hook"]
	want := `[{"index":null,"sql":"analyze x","transaction":true},{"index":null,"sql":"vacuum","transaction":false}]`
	if got, _ := json.Marshal(hooks); string(got) != want {
		t.Errorf("hooks = %s, want %s", got, want)
	}
	// Keys are sorted at every level: re-encoding with encoding/json (which sorts map keys)
	// must give the same bytes.
	var generic any
	json.Unmarshal(b, &generic)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(generic)
	if !bytes.Equal(bytes.TrimSpace(buf.Bytes()), bytes.TrimSpace(b)) {
		t.Error("manifest keys are not sorted the way encoding/json sorts them")
	}
}

func TestWritePerfInfo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "perf_info.json")
	err := WritePerfInfo(out, PerfInfo{PathCount: 3, ParsedPathCount: 2, Total: 1500 * time.Millisecond,
		Phases: []Phase{{Name: "read_files", Elapsed: 250 * time.Millisecond}, {Name: "render", Elapsed: time.Second}}})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["path_count"] != 3.0 || doc["read_files_elapsed"] != 0.25 || doc["load_all_elapsed"] != 1.5 ||
		doc["phases"].(map[string]any)["render"] != 1.0 {
		t.Errorf("perf info %s", b)
	}
}

// bigManifest has n models in a chain, each with config, columns and refs.
func bigManifest(n int) *manifest.Manifest {
	m := &manifest.Manifest{Nodes: map[string]*manifest.Node{}, ParentMap: map[string][]string{}, ChildMap: map[string][]string{}}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("model.big.m%05d", i)
		nd := &manifest.Node{UniqueID: id, ResourceType: "model", PackageName: "big", Name: id[10:], Alias: id[10:],
			Schema: "main", FQN: []string{"big", "layer", id[10:]}, Path: id[10:] + ".sql", OriginalFilePath: "models/" + id[10:] + ".sql",
			Checksum: manifest.Checksum{Name: "sha256", Checksum: "0123456789abcdef0123456789abcdef"}, RawCode: "select * from {{ ref('x') }}\nwhere a > 1",
			Config: map[string]any{"materialized": "table", "tags": []any{"a", "b"}}, Tags: []string{"a", "b"},
			Columns: map[string]*manifest.Column{"id": {Name: "id", Description: "the key"}}}
		if i > 0 {
			prev := fmt.Sprintf("model.big.m%05d", i-1)
			nd.Refs = []manifest.RefArgs{{Name: prev[10:]}}
			nd.DependsOn.Nodes = []string{prev}
			m.ParentMap[id] = []string{prev}
			m.ChildMap[prev] = []string{id}
		}
		m.Nodes[id] = nd
	}
	return m
}

// TestEncodeManifestParallel checks the writer's output is valid JSON and that its parallel
// and sequential paths give the same bytes. Speed is BenchmarkEncodeManifest50k's to
// measure (bench/), never a timed test's.
func TestEncodeManifestParallel(t *testing.T) {
	m := bigManifest(5000)
	var buf bytes.Buffer
	if err := EncodeManifest(&buf, m, manifest.Metadata{}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !json.Valid(b) {
		t.Fatal("invalid JSON")
	}
	// The sequential path must give the same bytes as the parallel one.
	defer func(old int) { parallelMin = old }(parallelMin)
	parallelMin = 1 << 30
	var seq bytes.Buffer
	meta := manifest.Metadata{GeneratedAt: "2026-01-02T03:04:05.000000Z"}
	if err := EncodeManifest(&seq, m, meta); err != nil {
		t.Fatal(err)
	}
	parallelMin = 1
	var par bytes.Buffer
	if err := EncodeManifest(&par, m, meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(seq.Bytes(), par.Bytes()) {
		t.Error("parallel and sequential encodings differ")
	}
}

func BenchmarkEncodeManifest50k(b *testing.B) {
	m := bigManifest(benchNodes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var cw countWriter
		if err := EncodeManifest(&cw, m, manifest.Metadata{}); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(cw))
	}
}

// benchNodes is the size of the benchmark manifest.
var benchNodes = 50000

// countWriter counts bytes written (the benchmark measures encoding, not disk writes).
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
