// Package manifest holds the compiled project as data: the nodes, sources and macros that
// the compiler produces and the runner, the selector and the artifact writers consume.
// It is the only thing the runner knows about a project, so `gdbt compile` and `gdbt run`
// cannot drift apart. The JSON form follows dbt's manifest v12 schema.
package manifest

import (
	"fmt"
	"strconv"
)

// Resource types, as dbt names them in unique ids and in the manifest.
const (
	Model      = "model"
	Seed       = "seed"
	Test       = "test"
	Snapshot   = "snapshot"
	Analysis   = "analysis"
	Operation  = "operation"
	SourceRT   = "source"
	ExposureRT = "exposure"
	MacroRT    = "macro"
	// UnitTest is dbt 1.8's unit test: a model's SQL run on fixture rows (Manifest.UnitTests).
	UnitTest = "unit_test"
)

// Manifest is the whole parsed project. Maps are keyed by unique id
// (e.g. "model.instacart.dim_orders"); encoding/json writes map keys sorted, so the
// artifact is byte-stable.
type Manifest struct {
	Metadata  Metadata             `json:"metadata"`
	Nodes     map[string]*Node     `json:"nodes"`
	Sources   map[string]*Source   `json:"sources"`
	Macros    map[string]*Macro    `json:"macros"`
	Docs      map[string]*Doc      `json:"docs"`
	Exposures map[string]*Exposure `json:"exposures"`
	ParentMap map[string][]string  `json:"parent_map"`
	ChildMap  map[string][]string  `json:"child_map"`
	// UnitTests are the unit tests (dbt 1.8+), keyed by unique id
	// ("unit_test.pkg.model.test"): nodes of resource type unit_test whose UnitTest field
	// holds the definition. They are kept apart from Nodes as dbt keeps them, so nothing that
	// walks the buildable nodes meets them by accident.
	UnitTests map[string]*Node `json:"unit_tests"`
	// The remaining v12 keys (metrics, groups, selectors, disabled, group_map, saved_queries,
	// semantic_models) are written empty by the artifact writer.
}

// Metadata identifies the run that wrote an artifact.
type Metadata struct {
	DbtSchemaVersion string            `json:"dbt_schema_version"`
	DbtVersion       string            `json:"dbt_version"`
	GeneratedAt      string            `json:"generated_at"`
	InvocationID     string            `json:"invocation_id"`
	Env              map[string]string `json:"env"`
	ProjectName      string            `json:"project_name,omitempty"`
	ProjectID        string            `json:"project_id,omitempty"`
	AdapterType      string            `json:"adapter_type,omitempty"`
}

// Checksum is a file checksum as dbt writes it ({"name": "sha256", "checksum": hex}).
type Checksum struct {
	Name     string `json:"name"`
	Checksum string `json:"checksum"`
}

// DependsOn lists what a node needs: nodes/sources by unique id, macros by unique id.
type DependsOn struct {
	Macros []string `json:"macros"`
	Nodes  []string `json:"nodes"`
}

// RefArgs is one ref() call as written: ref('pkg', 'name', v=2).
type RefArgs struct {
	Name    string `json:"name"`
	Package string `json:"package,omitempty"`
	Version any    `json:"version,omitempty"`
}

// Column is a documented column from property YAML.
type Column struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Meta        map[string]any `json:"meta"`
	DataType    string         `json:"data_type,omitempty"`
	Quote       *bool          `json:"quote,omitempty"`
	Tags        []string       `json:"tags"`
	// Constraints are the column's constraints as written (dbt 1.5+ model contracts).
	Constraints []any `json:"constraints,omitempty"`
	// Index is the column's position in its property YAML: dbt keeps columns in file order
	// (a contracted table is created with its columns in that order).
	Index int `json:"-"`
}

// Contract is a model's contract as dbt-core's manifest has it: the config's enforced and
// alias_types, and the checksum of the contracted columns and constraints (empty when not
// enforced), which state:modified.contract and breaking-change checks compare.
type Contract struct {
	Enforced   bool    `json:"enforced"`
	AliasTypes bool    `json:"alias_types"`
	Checksum   *string `json:"checksum"`
}

// TestMetadata names the generic test behind a generic test node and its arguments.
type TestMetadata struct {
	Name      string         `json:"name"`
	Kwargs    map[string]any `json:"kwargs"`
	Namespace string         `json:"namespace,omitempty"`
}

// Node is a model, seed, test, snapshot, analysis or operation.
type Node struct {
	UniqueID         string   `json:"unique_id"`
	ResourceType     string   `json:"resource_type"`
	PackageName      string   `json:"package_name"`
	Name             string   `json:"name"`
	Alias            string   `json:"alias"`
	Database         string   `json:"database"`
	Schema           string   `json:"schema"`
	FQN              []string `json:"fqn"`
	Path             string   `json:"path"`               // relative to the resource folder, e.g. "marts/dim_orders.sql"
	OriginalFilePath string   `json:"original_file_path"` // relative to the project root, e.g. "models/marts/dim_orders.sql"
	PatchPath        string   `json:"patch_path,omitempty"`
	Checksum         Checksum `json:"checksum"`
	Language         string   `json:"language"`
	RawCode          string   `json:"raw_code"`

	// Config is the fully resolved config (project file → property YAML → config() call),
	// with dbt's keys: materialized, enabled, schema, alias, tags, unique_key, pre-hook, ….
	Config           map[string]any     `json:"config"`
	UnrenderedConfig map[string]any     `json:"unrendered_config"`
	ConfigCallDict   map[string]any     `json:"config_call_dict"`
	Tags             []string           `json:"tags"`
	Description      string             `json:"description"`
	Columns          map[string]*Column `json:"columns"`
	Meta             map[string]any     `json:"meta"`
	Docs             map[string]any     `json:"docs"`
	// Constraints are a model's model-level constraints as written, and Contract its
	// contract (nil for everything but models); see package contract.
	Constraints []any     `json:"constraints,omitempty"`
	Contract    *Contract `json:"contract,omitempty"`
	// TimeSpine is a model's time_spine property (dbt's TimeSpine: standard_granularity_column,
	// custom_granularities), nil when unset.
	TimeSpine map[string]any `json:"time_spine,omitempty"`

	Refs      []RefArgs  `json:"refs"`
	Sources   [][]string `json:"sources"` // [source_name, table_name]
	DependsOn DependsOn  `json:"depends_on"`

	// Filled by compilation.
	Compiled     bool   `json:"compiled,omitempty"`
	CompiledCode string `json:"compiled_code,omitempty"`
	CompiledPath string `json:"compiled_path,omitempty"`
	RelationName string `json:"relation_name,omitempty"`

	// Tests only.
	TestMetadata *TestMetadata `json:"test_metadata,omitempty"`
	ColumnName   string        `json:"column_name,omitempty"`
	AttachedNode string        `json:"attached_node,omitempty"`
	FileKeyName  string        `json:"file_key_name,omitempty"`

	// Seeds only: the CSV file, relative to the project root.
	RootPath string `json:"root_path,omitempty"`

	// Versioned models only (dbt 1.5+ model versions): this node's version and the model's
	// latest version, as written in the property YAML (a number or a string), and the
	// deprecation date as written. Nil for an unversioned model (null in the manifest,
	// none in Jinja).
	Version         any    `json:"version,omitempty"`
	LatestVersion   any    `json:"latest_version,omitempty"`
	DeprecationDate string `json:"deprecation_date,omitempty"`

	// DeferRelation is where the --state manifest built this node, set when a command
	// defers (--defer, clone); refs to the node may read it instead (Slim CI).
	DeferRelation *DeferRelation `json:"defer_relation,omitempty"`

	// UnitTest is the definition of a unit test node (resource type unit_test); nil for
	// every other node.
	UnitTest *UnitTestDef `json:"-"`
}

// UnitTestDef is a unit test as written in property YAML, with its inputs resolved: the
// model it tests (Node.DependsOn.Nodes[0]), the fixture rows given for each input, the
// expected rows and the overrides (dbt's UnitTestDefinition).
type UnitTestDef struct {
	Model     string          // the model name as written ("name" or "name v2")
	Given     []UnitTestInput // in file order
	Expect    UnitTestInput   // Input is empty
	Overrides *UnitTestOverrides
	// Versions is {include: [...]} or {exclude: [...]} as written, nil when absent.
	Versions map[string]any
	// Version is the tested model's version for a test expanded per version (nil otherwise).
	Version any
	// ThisInput is the index in Given of the input for {{ this }}, -1 when none.
	ThisInput int
}

// UnitTestInput is one fixture: its rows (a list of dicts for dict and csv, SQL text for
// sql), the format as written and the fixture file name, if any.
type UnitTestInput struct {
	// Input is "ref('x')", "source('s', 't')" or "this", as written.
	Input string
	// InputID is the unique id of the model, seed, snapshot or source the input replaces.
	InputID string
	Format  string // dict, csv or sql
	Fixture string // the fixture file's name, "" when the rows are inline
	// Rows are the normalized rows: []map[string]any for dict and csv (csv cells are strings,
	// empty cells nil), or a string of SQL for sql.
	Rows any
	// Columns is each dict/csv row's keys in the order written (JSON and Go maps lose it).
	Columns [][]string
}

// UnitTestOverrides are values a unit test substitutes while rendering the model:
// macro return values (is_incremental among them), vars and env vars.
type UnitTestOverrides struct {
	Macros  map[string]any
	Vars    map[string]any
	EnvVars map[string]any
}

// DeferRelation is dbt's DeferRelation (dbt/artifacts/resources/v1/components.py): the
// state manifest's relation of a node, as merge_from_artifact records it.
type DeferRelation struct {
	Database     string         `json:"database"`
	Schema       string         `json:"schema"`
	Alias        string         `json:"alias"`
	RelationName string         `json:"relation_name"`
	ResourceType string         `json:"resource_type"`
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	CompiledCode *string        `json:"compiled_code"`
	Meta         map[string]any `json:"meta"`
	Tags         []string       `json:"tags"`
	Config       map[string]any `json:"config"`
}

// IsVersioned reports whether the node is one version of a versioned model.
func (n *Node) IsVersioned() bool { return n.Version != nil }

// SearchName is the name dbt prints and selects a node by: "name" or, for a model
// version, "name.v2".
func (n *Node) SearchName() string {
	if n.Version == nil {
		return n.Name
	}
	return n.Name + ".v" + VersionString(n.Version)
}

// VersionString spells a version identifier as dbt does in unique ids and aliases
// (2 → "2", 2.5 → "2.5", "beta" → "beta").
func VersionString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// VersionLess orders version identifiers as dbt does: numerically when both are numbers,
// else as strings ("10" after "9", "beta" after "alpha").
func VersionLess(a, b any) bool {
	as, bs := VersionString(a), VersionString(b)
	fa, errA := strconv.ParseFloat(as, 64)
	fb, errB := strconv.ParseFloat(bs, 64)
	if errA == nil && errB == nil {
		return fa < fb
	}
	return as < bs
}

// Materialized returns config.materialized ("view" when unset, as dbt defaults models).
func (n *Node) Materialized() string {
	if s, ok := n.Config["materialized"].(string); ok && s != "" {
		return s
	}
	return "view"
}

// Enabled reports config.enabled (true when unset).
func (n *Node) Enabled() bool {
	if b, ok := n.Config["enabled"].(bool); ok {
		return b
	}
	return true
}

// Source is one table of a source declared in property YAML.
type Source struct {
	UniqueID          string             `json:"unique_id"`
	ResourceType      string             `json:"resource_type"`
	PackageName       string             `json:"package_name"`
	SourceName        string             `json:"source_name"`
	Name              string             `json:"name"`
	Identifier        string             `json:"identifier"`
	Database          string             `json:"database"`
	Schema            string             `json:"schema"`
	FQN               []string           `json:"fqn"`
	Path              string             `json:"path"`
	OriginalFilePath  string             `json:"original_file_path"`
	Loader            string             `json:"loader"`
	Description       string             `json:"description"`
	SourceDescription string             `json:"source_description"`
	Columns           map[string]*Column `json:"columns"`
	Meta              map[string]any     `json:"meta"`
	SourceMeta        map[string]any     `json:"source_meta"`
	Tags              []string           `json:"tags"`
	Config            map[string]any     `json:"config"`
	Freshness         map[string]any     `json:"freshness,omitempty"`
	LoadedAtField     string             `json:"loaded_at_field,omitempty"`
	RelationName      string             `json:"relation_name"`
	// ExternalLocation is dbt-duckdb's meta/config external_location with {name} substituted;
	// when set, the relation reads the file(s) in place.
	ExternalLocation string `json:"-"`
	// Quoting is the source's quoting: with its table's over it (database, schema,
	// identifier booleans); parts it leaves out follow the project's policy.
	Quoting map[string]any `json:"-"`
}

// Macro is one macro definition.
type Macro struct {
	UniqueID         string         `json:"unique_id"` // macro.<package>.<name>
	ResourceType     string         `json:"resource_type"`
	PackageName      string         `json:"package_name"`
	Name             string         `json:"name"`
	Path             string         `json:"path"`
	OriginalFilePath string         `json:"original_file_path"`
	MacroSQL         string         `json:"macro_sql"`
	DependsOn        DependsOn      `json:"depends_on"`
	Description      string         `json:"description"`
	Meta             map[string]any `json:"meta"`
	Arguments        []any          `json:"arguments"`
}

// Doc is a {% docs %} block.
type Doc struct {
	UniqueID         string `json:"unique_id"`
	ResourceType     string `json:"resource_type"`
	PackageName      string `json:"package_name"`
	Name             string `json:"name"`
	Path             string `json:"path"`
	OriginalFilePath string `json:"original_file_path"`
	BlockContents    string `json:"block_contents"`
}

// Exposure is a downstream use of the project declared in property YAML.
type Exposure struct {
	UniqueID         string         `json:"unique_id"`
	ResourceType     string         `json:"resource_type"`
	PackageName      string         `json:"package_name"`
	Name             string         `json:"name"`
	Type             string         `json:"type"`
	Owner            map[string]any `json:"owner"`
	Description      string         `json:"description"`
	FQN              []string       `json:"fqn"`
	Path             string         `json:"path"`
	OriginalFilePath string         `json:"original_file_path"`
	Tags             []string       `json:"tags"`
	Meta             map[string]any `json:"meta"`
	Config           map[string]any `json:"config"`
	Refs             []RefArgs      `json:"refs"`
	Sources          [][]string     `json:"sources"`
	DependsOn        DependsOn      `json:"depends_on"`
	URL              string         `json:"url,omitempty"`
	Maturity         string         `json:"maturity,omitempty"`
}
