package compiler

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gdbt-dev/gdbt/manifest"
)

// ManifestSchemaVersion is the dbt artifact schema the manifest writer follows.
const ManifestSchemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json"

// DbtVersion is the dbt release whose semantics gdbt follows: {{ dbt_version }}, the
// artifacts' metadata and require-dbt-version checks (of the project and of packages at
// deps time) all use it. It is the newest 1.10 patch (dbt-core tag v1.10.23), because
// current packages require recent patches (dbt_date 0.17 needs >=1.10.5).
const DbtVersion = "1.10.23"

// WriteManifest writes target/manifest.json in dbt's manifest v12 shape: every top-level
// key the schema requires (the ones gdbt does not produce written empty), keys sorted,
// and each node, source, macro, doc and exposure completed with the fields and defaults the
// schema asks of its resource type. manifest.Manifest stays a small contract; this writer
// is the layer that speaks the schema. meta fills the metadata block (zero fields get
// defaults: schema version, dbt version, generated_at now). The file is replaced
// atomically, and every DBT_ENV_SECRET_* value is redacted.
func WriteManifest(path string, m *manifest.Manifest, meta manifest.Metadata) error {
	return writeAtomic(path, func(w io.Writer) error { return EncodeManifest(w, m, meta) })
}

// EncodeManifest streams the manifest JSON WriteManifest writes to w (secrets redacted).
// Nodes are encoded one at a time into a bounded buffer, so memory stays flat for large
// projects.
func EncodeManifest(out io.Writer, m *manifest.Manifest, meta manifest.Metadata) error {
	return encodeManifest(out, m, meta, nil)
}

// encodeManifest is EncodeManifest copying unchanged nodes' JSON through r (nil: none).
func encodeManifest(out io.Writer, m *manifest.Manifest, meta manifest.Metadata, r ManifestReuse) error {
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
	w := &jsonWriter{buf: make([]byte, 0, flushSize+4096), out: out, secrets: SecretValues()}
	w.raw("{")
	w.key("child_map", true)
	w.value(stringListMap(m.ChildMap))
	w.key("disabled", false)
	w.raw("{}")
	w.key("docs", false)
	writeSorted(w, m.Docs, func(cw *jsonWriter, d *manifest.Doc) { cw.value(docObj(d)) }, nil)
	w.key("exposures", false)
	writeSorted(w, m.Exposures, func(cw *jsonWriter, x *manifest.Exposure) { cw.value(exposureObj(x, createdAt)) }, nil)
	for _, k := range []string{"functions", "group_map", "groups"} {
		w.key(k, false)
		w.raw("{}")
	}
	w.key("macros", false)
	writeSorted(w, m.Macros, func(cw *jsonWriter, x *manifest.Macro) { cw.value(macroObj(x, createdAt)) }, nil)
	w.key("metadata", false)
	w.value(md)
	w.key("metrics", false)
	w.raw("{}")
	w.key("nodes", false)
	var frag func(*jsonWriter, *manifest.Node) fragment
	if nr := newNodeReuse(r, w.secrets); nr != nil {
		w.reuse = nr
		frag = func(cw *jsonWriter, n *manifest.Node) fragment { return nr.write(cw, n, createdAt) }
	}
	writeSorted(w, m.Nodes, func(cw *jsonWriter, n *manifest.Node) { writeNode(cw, n, createdAt) }, frag)
	w.key("parent_map", false)
	w.value(stringListMap(m.ParentMap))
	for _, k := range []string{"saved_queries", "selectors", "semantic_models"} {
		w.key(k, false)
		w.raw("{}")
	}
	w.key("sources", false)
	writeSorted(w, m.Sources, func(cw *jsonWriter, s *manifest.Source) { cw.value(sourceObj(s, createdAt)) }, nil)
	w.key("unit_tests", false)
	writeSorted(w, m.UnitTests, func(cw *jsonWriter, u *manifest.Node) { cw.value(unitTestObj(u, createdAt)) }, nil)
	w.raw("}\n")
	return w.flush()
}

// parallelMin is the number of resources from which writeSorted encodes chunks on several
// goroutines (variable so tests can compare both paths).
var parallelMin = 2000

// writeSorted writes a map of resources as an object in key order, each resource written
// by write. Large maps are encoded in chunks by
// GOMAXPROCS workers and written in order, with a bounded number of chunks in flight.
// frag, when set, writes a resource instead of write, reusing unchanged ones
// (artifacts_reuse.go); w.reuse is then told where each went.
func writeSorted[V any](w *jsonWriter, m map[string]V, write func(*jsonWriter, V), frag func(*jsonWriter, V) fragment) {
	keys := sortedKeys(m)
	w.buf = append(w.buf, '{')
	workers := runtime.GOMAXPROCS(0)
	if len(keys) < parallelMin || workers < 2 {
		for i, k := range keys {
			w.key(k, i == 0)
			if frag != nil {
				w.reuse.record(w.pos, []fragment{frag(w, m[k])})
			} else {
				write(w, m[k])
			}
			w.maybeFlush()
		}
		w.buf = append(w.buf, '}')
		return
	}
	const chunk = 256
	type part struct {
		done  chan *[]byte
		frags []fragment
	}
	parts := make(chan *part, 2*workers) // bounds the chunks in flight
	go func() {
		sem := make(chan struct{}, workers)
		for lo := 0; lo < len(keys); lo += chunk {
			hi := min(lo+chunk, len(keys))
			p := &part{done: make(chan *[]byte, 1)}
			parts <- p
			sem <- struct{}{}
			go func(lo, hi int) {
				defer func() { <-sem }()
				bp := chunkBufs.Get().(*[]byte)
				cw := &jsonWriter{buf: (*bp)[:0], secrets: w.secrets}
				for i := lo; i < hi; i++ {
					cw.key(keys[i], i == 0)
					if frag != nil {
						p.frags = append(p.frags, frag(cw, m[keys[i]]))
					} else {
						write(cw, m[keys[i]])
					}
				}
				*bp = cw.buf
				p.done <- bp
			}(lo, hi)
		}
		close(parts)
	}()
	for p := range parts {
		bp := <-p.done
		base := w.writeChunk(*bp)
		if frag != nil {
			w.reuse.record(base, p.frags)
		}
		chunkBufs.Put(bp)
	}
	w.buf = append(w.buf, '}')
}

// chunkBufs recycles writeSorted's chunk buffers. A chunk of 256 nodes is about 1 MB of
// JSON; growing a fresh buffer to that size for every chunk allocated five times the
// manifest's size and was most of a parse's garbage (and GC work) at 10,000 models.
var chunkBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1<<20); return &b }}

// writeChunk writes an encoded chunk: straight to out after what is buffered (no copy
// into buf), or appended when the writer has no output. It returns the chunk's offset in
// the output.
func (w *jsonWriter) writeChunk(b []byte) int64 {
	if w.out == nil {
		base := w.pos + int64(len(w.buf))
		w.buf = append(w.buf, b...)
		return base
	}
	w.flush()
	base := w.pos
	if w.err == nil {
		_, w.err = w.out.Write(b)
	}
	w.pos += int64(len(b))
	return base
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
	return writeAtomic(path, func(out io.Writer) error {
		w := &jsonWriter{out: out}
		w.value(o)
		w.raw("\n")
		return w.flush()
	})
}

// writeAtomic writes a file through fill into a temporary file beside path and renames it
// into place, so readers never see a half-written artifact.
func writeAtomic(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes files private; artifacts are not
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := fill(f); err != nil {
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

// jsonWriter appends JSON to buf and hands it to out in chunks of about flushSize;
// every string written has the secrets replaced.
type jsonWriter struct {
	buf     []byte
	out     io.Writer
	err     error
	secrets []string
	// pos is the output offset of buf[0] (what was handed to out so far).
	pos int64
	// reuse is told where each reused-or-encoded node fragment went (nil: no reuse).
	reuse *nodeReuse
	// scratch is a field list reused by the objects written field by field (config).
	scratch obj
}

const flushSize = 256 << 10

func (w *jsonWriter) maybeFlush() {
	if len(w.buf) >= flushSize {
		w.flush()
	}
}

func (w *jsonWriter) flush() error {
	if w.err == nil && len(w.buf) > 0 && w.out != nil {
		_, w.err = w.out.Write(w.buf)
	}
	w.pos += int64(len(w.buf))
	w.buf = w.buf[:0]
	return w.err
}

func (w *jsonWriter) raw(s string) { w.buf = append(w.buf, s...) }

func (w *jsonWriter) key(k string, first bool) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.str(k)
	w.buf = append(w.buf, ':')
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
		w.float(x)
	case obj:
		// objs are built fresh for each write, so they are sorted in place.
		sorted := x
		if !slices.IsSortedFunc(sorted, cmpField) {
			slices.SortFunc(sorted, cmpField)
		}
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
		writeList(w, x, w.value)
	case []string:
		w.strList(x)
	case [][]string:
		writeList(w, x, w.strList)
	case []obj:
		writeList(w, x, func(o obj) { w.value(o) })
	default:
		b, err := json.Marshal(x)
		if err != nil {
			w.str(fmt.Sprint(x))
			return
		}
		w.buf = append(w.buf, b...)
	}
}

// writeList writes a JSON array of l's elements, each by write.
func writeList[T any](w *jsonWriter, l []T, write func(T)) {
	w.buf = append(w.buf, '[')
	for i, e := range l {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		write(e)
	}
	w.buf = append(w.buf, ']')
}

// float writes a number as encoding/json does.
func (w *jsonWriter) float(x float64) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		w.raw("null")
		return
	}
	abs := math.Abs(x)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(w.buf)
	w.buf = strconv.AppendFloat(w.buf, x, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(w.buf) - start
		if n >= 4 && w.buf[len(w.buf)-4] == 'e' && w.buf[len(w.buf)-3] == '-' && w.buf[len(w.buf)-2] == '0' {
			w.buf[len(w.buf)-2] = w.buf[len(w.buf)-1]
			w.buf = w.buf[:len(w.buf)-1]
		}
	}
}

func cmpField(a, b field) int { return strings.Compare(a.k, b.k) }

const hexDigits = "0123456789abcdef"

// plainJSON8 reports whether the 8 bytes of s are all ASCII that a JSON string holds as is
// (no control byte, quote, backslash or byte >= 0x80), testing them in one word: a byte b
// of x is below 0x20 when b-0x20 borrows into its top bit while b's own top bit is clear;
// equal to c when b^c is zero (the same test against 0x01).
func plainJSON8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	return (x&highs)|((x-0x20*ones)&^x&highs)|zero(x^('"'*ones))|zero(x^('\\'*ones)) == 0
}

// str writes a JSON string; unlike encoding/json it leaves <, > and & alone, as dbt does.
func (w *jsonWriter) str(s string) {
	for _, sec := range w.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "*****")
		}
	}
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time: most of a manifest's text (SQL, names) needs no escape.
		for i+8 <= len(s) && plainJSON8(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
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
