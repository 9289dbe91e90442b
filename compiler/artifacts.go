package compiler

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gdbt-dev/gdbt/manifest"
)

// ManifestSchemaVersion is the dbt artifact schema the manifest writer follows.
const ManifestSchemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json"

// DbtVersion is the dbt version gdbt's artifacts claim compatibility with.
const DbtVersion = "1.10.0"

// WriteManifest writes target/manifest.json in dbt's manifest v12 shape: every top-level
// key the schema requires (the ones gdbt does not produce written empty), keys sorted,
// and each node, source, macro, doc and exposure completed with the fields and defaults the
// schema asks of its resource type. manifest.Manifest stays a small contract; this writer
// is the layer that speaks the schema. meta fills the metadata block (zero fields get
// defaults: schema version, dbt version, generated_at now). The file is replaced
// atomically, and every DBT_ENV_SECRET_* value is redacted.
func WriteManifest(path string, m *manifest.Manifest, meta manifest.Metadata) error {
	b := EncodeManifest(m, meta)
	return writeFileAtomic(path, []byte(Redact(string(b))))
}

// EncodeManifest returns the manifest JSON WriteManifest writes (without redaction).
func EncodeManifest(m *manifest.Manifest, meta manifest.Metadata) []byte {
	if meta.DbtSchemaVersion == "" {
		meta.DbtSchemaVersion = ManifestSchemaVersion
	}
	if meta.DbtVersion == "" {
		meta.DbtVersion = DbtVersion
	}
	now := time.Now().UTC()
	if meta.GeneratedAt == "" {
		meta.GeneratedAt = now.Format("2006-01-02T15:04:05.000000Z")
	} else if t, err := time.Parse(time.RFC3339Nano, meta.GeneratedAt); err == nil {
		now = t
	}
	createdAt := float64(now.UnixMicro()) / 1e6
	if meta.Env == nil {
		meta.Env = map[string]string{}
	}
	md := obj{
		{"dbt_schema_version", meta.DbtSchemaVersion},
		{"dbt_version", meta.DbtVersion},
		{"generated_at", meta.GeneratedAt},
		{"invocation_id", nullIfEmpty(meta.InvocationID)},
		{"env", meta.Env},
		{"project_name", nullIfEmpty(meta.ProjectName)},
		{"project_id", nullIfEmpty(meta.ProjectID)},
		{"adapter_type", nullIfEmpty(meta.AdapterType)},
	}
	w := &jsonWriter{buf: make([]byte, 0, 1<<20)}
	w.raw("{")
	w.key("child_map", true)
	w.value(stringListMap(m.ChildMap))
	w.key("disabled", false)
	w.raw("{}")
	w.key("docs", false)
	w.sortedMap(len(m.Docs), func(emit func(string, any)) {
		for id, d := range m.Docs {
			emit(id, docObj(d))
		}
	})
	w.key("exposures", false)
	w.sortedMap(len(m.Exposures), func(emit func(string, any)) {
		for id, x := range m.Exposures {
			emit(id, exposureObj(x, createdAt))
		}
	})
	for _, k := range []string{"functions", "group_map", "groups"} {
		w.key(k, false)
		w.raw("{}")
	}
	w.key("macros", false)
	w.sortedMap(len(m.Macros), func(emit func(string, any)) {
		for id, x := range m.Macros {
			emit(id, macroObj(x, createdAt))
		}
	})
	w.key("metadata", false)
	w.value(md)
	w.key("metrics", false)
	w.raw("{}")
	w.key("nodes", false)
	w.sortedMap(len(m.Nodes), func(emit func(string, any)) {
		for id, n := range m.Nodes {
			emit(id, nodeObj(n, createdAt))
		}
	})
	w.key("parent_map", false)
	w.value(stringListMap(m.ParentMap))
	for _, k := range []string{"saved_queries", "selectors", "semantic_models"} {
		w.key(k, false)
		w.raw("{}")
	}
	w.key("sources", false)
	w.sortedMap(len(m.Sources), func(emit func(string, any)) {
		for id, s := range m.Sources {
			emit(id, sourceObj(s, createdAt))
		}
	})
	w.key("unit_tests", false)
	w.raw("{}")
	w.raw("}\n")
	return w.buf
}

// PerfInfo is what target/perf_info.json records about a parse: how many files were read
// and how long each phase took.
type PerfInfo struct {
	PathCount       int
	ParsedPathCount int
	// Phases, in the order they ran, e.g. {"read_files", 12ms}, {"load_macros", 30ms}.
	Phases []Phase
	Total  time.Duration
}

// Phase is one timed step of a load.
type Phase struct {
	Name    string
	Elapsed time.Duration
}

// WritePerfInfo writes target/perf_info.json with dbt's keys (read_files_elapsed,
// load_macros_elapsed, load_all_elapsed, …, in seconds) plus every phase measured.
func WritePerfInfo(path string, p PerfInfo) error {
	phases := map[string]any{}
	o := obj{
		{"path_count", p.PathCount},
		{"parsed_path_count", p.ParsedPathCount},
		{"static_analysis_path_count", 0},
		{"static_analysis_parsed_path_count", 0},
		{"is_partial_parse_enabled", false},
		{"is_static_analysis_enabled", true},
		{"load_all_elapsed", p.Total.Seconds()},
		{"projects", []any{}},
		{"phases", phases},
	}
	for _, ph := range p.Phases {
		phases[ph.Name] = ph.Elapsed.Seconds()
		switch ph.Name {
		case "read_files", "load_macros", "parse_project", "patch_sources", "process_manifest", "load_profile":
			o = append(o, field{ph.Name + "_elapsed", ph.Elapsed.Seconds()})
		}
	}
	w := &jsonWriter{}
	w.value(o)
	w.raw("\n")
	return writeFileAtomic(path, w.buf)
}

// writeFileAtomic writes b to a temporary file beside path and renames it into place, so
// readers never see a half-written artifact.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ---- a small sorted-key JSON writer (encoding/json sorts map keys too, but building maps
// for 50k nodes costs more than writing the fields directly) ----

// field is one key of an object; obj is an object whose keys are sorted when written.
type field struct {
	k string
	v any
}
type obj []field

type jsonWriter struct{ buf []byte }

func (w *jsonWriter) raw(s string) { w.buf = append(w.buf, s...) }

func (w *jsonWriter) key(k string, first bool) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.str(k)
	w.buf = append(w.buf, ':')
}

// sortedMap writes an object whose entries come from fill, sorted by key.
func (w *jsonWriter) sortedMap(n int, fill func(emit func(string, any))) {
	entries := make([]field, 0, n)
	fill(func(k string, v any) { entries = append(entries, field{k, v}) })
	sort.Slice(entries, func(i, j int) bool { return entries[i].k < entries[j].k })
	w.buf = append(w.buf, '{')
	for i, e := range entries {
		w.key(e.k, i == 0)
		w.value(e.v)
	}
	w.buf = append(w.buf, '}')
}

func (w *jsonWriter) value(v any) {
	switch x := v.(type) {
	case nil:
		w.raw("null")
	case string:
		w.str(x)
	case bool:
		if x {
			w.raw("true")
		} else {
			w.raw("false")
		}
	case int:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case int64:
		w.buf = strconv.AppendInt(w.buf, x, 10)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			w.raw("null")
		} else if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			w.buf = strconv.AppendFloat(w.buf, x, 'f', 1, 64)
		} else {
			w.buf = strconv.AppendFloat(w.buf, x, 'g', -1, 64)
		}
	case obj:
		sorted := make(obj, len(x))
		copy(sorted, x)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].k < sorted[j].k })
		w.buf = append(w.buf, '{')
		for i, f := range sorted {
			w.key(f.k, i == 0)
			w.value(f.v)
		}
		w.buf = append(w.buf, '}')
	case map[string]any:
		keys := sortedKeys(x)
		w.buf = append(w.buf, '{')
		for i, k := range keys {
			w.key(k, i == 0)
			w.value(x[k])
		}
		w.buf = append(w.buf, '}')
	case map[string]string:
		keys := sortedKeys(x)
		w.buf = append(w.buf, '{')
		for i, k := range keys {
			w.key(k, i == 0)
			w.str(x[k])
		}
		w.buf = append(w.buf, '}')
	case []any:
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.value(e)
		}
		w.buf = append(w.buf, ']')
	case []string:
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.str(e)
		}
		w.buf = append(w.buf, ']')
	case [][]string:
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.value(e)
		}
		w.buf = append(w.buf, ']')
	case []obj:
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.value(e)
		}
		w.buf = append(w.buf, ']')
	default:
		b, err := json.Marshal(x)
		if err != nil {
			w.str(fmt.Sprint(x))
			return
		}
		w.buf = append(w.buf, b...)
	}
}

const hexDigits = "0123456789abcdef"

// str writes a JSON string; unlike encoding/json it leaves <, > and & alone, as dbt does.
func (w *jsonWriter) str(s string) {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			w.buf = append(w.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				w.buf = append(w.buf, '\\', c)
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case '\t':
				w.buf = append(w.buf, '\\', 't')
			default:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
}
