// Package parsestate persists what a parse read and produced, so that the next `gdbt
// parse`/`compile`/`run` re-parses only the files whose inputs changed: gdbt's partial
// parsing (dbt-core v1.10.23: core/dbt/parser/manifest.py ManifestLoader.load with
// read_manifest_for_partial_parse / is_partial_parsable / write_manifest_for_partial_parse,
// core/dbt/parser/partial.py PartialParsing, whose build_file_diff compares each file's
// checksum; the file name is core/dbt/constants.py PARTIAL_PARSE_FILE_NAME).
//
// The compiler decides what each file's parse read and hashes it (compiler.ParseCache);
// this package only keeps those hashes with the recorded results, checks them on the next
// load and writes them to target/partial_parse.gdbt. A recorded result is used only when
// every input it recorded hashes the same now, so the state can make a parse faster but
// never different. A missing, corrupt, foreign or stale file is ignored with a debug line.
package parsestate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
)

// FileName is the state file's name inside the target folder (dbt's is
// partial_parse.msgpack; gdbt's format is its own, see the README).
const FileName = "partial_parse.gdbt"

// magic starts every state file; the number after it is the format version. Version 2:
// the build and the global inputs, then records, each the environment variables read and
// the entries recorded or dropped since the record before it (a later record wins). A
// load that re-parsed a few files appends one small record instead of rewriting the whole
// file (100 MB for a large project); when the records' dead entries outnumber the live
// ones, the file is rewritten as one record.
const magic = "gdbt-parse-state 2\n"

// entry is one file's recorded parse.
type entry struct {
	Inputs map[string]string
	Data   []byte
}

// envVal is an environment variable as the parse saw it (hashed: values may be secrets).
type envVal struct {
	Set  bool
	Hash string
}

// disk is the persisted form.
type disk struct {
	Binary  string // the gdbt build that wrote it
	Global  map[string]string
	Env     map[string]envVal
	Entries map[string]*entry
	// stored is how many entries the file's records hold, live or replaced or dropped by a
	// later record; stamp is the file's size and modification time when it was read.
	stored int
	stamp  string
}

// State is one load's view of the parse state: what the last parse recorded (checked
// before use) and what this load records. Safe for the compiler's parallel parsers.
type State struct {
	path  string
	debug func(format string, args ...any)

	mu      sync.Mutex
	old     *disk // nil once found unusable
	valid   bool  // old passed Begin's checks
	global  map[string]string
	env     map[string]envVal
	entries map[string]*entry
	fresh   map[string]bool // the entries Store recorded (not reused)
	reused  int
	parsed  int
	// kinds counts, per kind of entry (a key "kind\x00…"), the reused and parsed ones.
	kinds map[string]*[2]int
}

// count notes one reused (0) or parsed (1) entry; call it with mu held.
func (s *State) count(file string, i int) {
	kind, _, ok := strings.Cut(file, "\x00")
	if !ok {
		if i == 0 {
			s.reused++
		} else {
			s.parsed++
		}
		return
	}
	if s.kinds == nil {
		s.kinds = map[string]*[2]int{}
	}
	if s.kinds[kind] == nil {
		s.kinds[kind] = &[2]int{}
	}
	s.kinds[kind][i]++
}

// Open reads the state at path. A missing file starts empty; an unreadable, corrupt or
// foreign one (another gdbt build, changed environment variables) is ignored with a debug
// line. debug may be nil.
func Open(path string, debugf func(format string, args ...any)) *State {
	if debugf == nil {
		debugf = func(string, ...any) {}
	}
	s := &State{path: path, debug: debugf, env: map[string]envVal{}, entries: map[string]*entry{}}
	d, err := read(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		debugf("partial parse: no saved state at %s: parsing everything", path)
		return s
	case err != nil:
		debugf("partial parse: ignoring %s: %v", path, err)
		return s
	}
	if d.Binary != Binary() {
		debugf("partial parse: %s was written by another gdbt build: parsing everything", path)
		return s
	}
	for _, name := range slices.Sorted(maps.Keys(d.Env)) {
		if lookupEnv(name) != d.Env[name] {
			debugf("partial parse: environment variable %s changed since the last parse: parsing everything", name)
			return s
		}
	}
	s.old = d
	return s
}

// read decodes a state file, rejecting anything that is not one. The recorded data
// slices point into the file's bytes (read once, never copied).
func read(path string) (*disk, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, errors.New("not a gdbt parse state of this format")
	}
	r := &reader{b: b[len(magic):], ok: true}
	d := &disk{Binary: r.str(), Global: r.strMap(), Env: map[string]envVal{}, Entries: map[string]*entry{}}
	for first := true; r.ok && (first || len(r.b) > 0); first = false {
		for n := r.count(); n > 0 && r.ok; n-- {
			name := r.str()
			d.Env[name] = envVal{Set: r.str() == "1", Hash: r.str()}
		}
		for n := r.count(); n > 0 && r.ok; n-- {
			file := r.str()
			d.Entries[file] = &entry{Inputs: r.strMap(), Data: r.bytes()}
			d.stored++
		}
		for n := r.count(); n > 0 && r.ok; n-- {
			delete(d.Entries, r.str())
			d.stored++
		}
	}
	if !r.ok || len(r.b) != 0 {
		return nil, errors.New("corrupt parse state: truncated or malformed")
	}
	d.stamp = stampOf(fi)
	return d, nil
}

// reader decodes the state file's length-prefixed fields; ok turns false on bad data.
type reader struct {
	b  []byte
	ok bool
}

func (r *reader) count() int {
	if !r.ok {
		return 0
	}
	u, n := binary.Uvarint(r.b)
	if n <= 0 || u > uint64(len(r.b)) {
		r.ok, r.b = false, nil
		return 0
	}
	r.b = r.b[n:]
	return int(u)
}

func (r *reader) bytes() []byte {
	n := r.count()
	if !r.ok || n > len(r.b) {
		r.ok, r.b = false, nil
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) str() string { return string(r.bytes()) }

func (r *reader) strMap() map[string]string {
	n := r.count()
	m := make(map[string]string, n)
	for ; n > 0 && r.ok; n-- {
		k := r.str()
		m[k] = r.str()
	}
	return m
}

// writer is reader's counterpart. With out set it streams: b is handed to out whenever it
// holds a megabyte (the state of a large project is 100 MB; building it whole in memory
// cost more than writing it).
type writer struct {
	b   []byte
	out io.Writer
	err error
}

func (w *writer) bytes(p []byte) {
	w.b = binary.AppendUvarint(w.b, uint64(len(p)))
	w.b = append(w.b, p...)
	w.maybeFlush()
}
func (w *writer) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
	w.maybeFlush()
}
func (w *writer) count(n int) { w.b = binary.AppendUvarint(w.b, uint64(n)) }

func (w *writer) maybeFlush() {
	if w.out != nil && len(w.b) >= 1<<20 {
		w.flush()
	}
}

func (w *writer) flush() {
	if w.err == nil && len(w.b) > 0 {
		_, w.err = w.out.Write(w.b)
	}
	w.b = w.b[:0]
}

func (w *writer) strMap(m map[string]string) {
	w.count(len(m))
	for k, v := range m {
		w.str(k)
		w.str(v)
	}
}

// Begin implements compiler.ParseCache: the recorded parses are kept only when every global
// input is unchanged. dbt's ManifestLoader.is_partial_parsable (core/dbt/parser/manifest.py)
// re-parses everything likewise when the saved manifest's dbt_version differs, or one of the
// hashes build_manifest_state_check makes: vars_hash (--vars, the profile and target
// names; the project's vars count through project_hashes), profile_hash (the connection's keys), project_env_vars_hash and
// project_hashes (each package's dbt_project.yml text).
func (s *State) Begin(global map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.global = global
	if s.old == nil {
		return
	}
	var changed []string
	for k, v := range global {
		if ov, ok := s.old.Global[k]; !ok || ov != v {
			changed = append(changed, k)
		}
	}
	for k := range s.old.Global {
		if _, ok := global[k]; !ok {
			changed = append(changed, k)
		}
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		s.debug("partial parse: %s changed since the last parse: parsing everything", strings.Join(changed, ", "))
		s.old = nil
		return
	}
	s.valid = true
	// The env vars the reused parses read stay recorded (each is re-read now by Open).
	for k, v := range s.old.Env {
		s.env[k] = v
	}
}

// EnvVar implements compiler.ParseCache.
func (s *State) EnvVar(name string) {
	v := lookupEnv(name)
	s.mu.Lock()
	s.env[name] = v
	s.mu.Unlock()
}

// Lookup implements compiler.ParseCache.
func (s *State) Lookup(file string, current func(input string) string) ([]byte, bool) {
	s.mu.Lock()
	var e *entry
	if s.valid {
		e = s.old.Entries[file]
	}
	s.mu.Unlock()
	if e == nil {
		return nil, false
	}
	for in, h := range e.Inputs {
		if current(in) != h {
			return nil, false
		}
	}
	s.mu.Lock()
	s.entries[file] = e
	s.count(file, 0)
	s.mu.Unlock()
	return e.Data, true
}

// Store implements compiler.ParseCache.
func (s *State) Store(file string, inputs map[string]string, data []byte) {
	s.mu.Lock()
	s.entries[file] = &entry{Inputs: inputs, Data: data}
	if s.fresh == nil {
		s.fresh = map[string]bool{}
	}
	s.fresh[file] = true
	s.count(file, 1)
	s.mu.Unlock()
}

// Stats are the node files whose parse this load reused and those it parsed and recorded
// (entries whose key names a kind, "kind\x00…", are counted by KindStats).
func (s *State) Stats() (reused, parsed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reused, s.parsed
}

// KindStats are the entries of one kind (keys "kind\x00…") this load reused and recorded.
func (s *State) KindStats(kind string) (reused, parsed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.kinds[kind]; c != nil {
		return c[0], c[1]
	}
	return 0, 0
}

// Save writes what this load recorded (the files it reused and those it parsed; a file
// that no longer exists drops out) to the state file, atomically. Call it only after a
// load without errors.
func (s *State) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.global == nil {
		return errors.New("partial parse: nothing was loaded")
	}
	var dropped []string
	if s.valid {
		for file := range s.old.Entries {
			if s.entries[file] == nil {
				dropped = append(dropped, file)
			}
		}
		if len(s.fresh) == 0 && len(dropped) == 0 && maps.Equal(s.env, s.old.Env) {
			return nil // every file was reused: the file on disk already says all of it
		}
		// Append when the file is the one Open read and, after the append, its dead
		// entries (replaced or dropped) would not outnumber the live ones.
		if stored := s.old.stored + len(s.fresh) + len(dropped); stored-len(s.entries) <= len(s.entries) {
			err := s.appendRecord(dropped)
			if err == nil {
				return nil
			}
			s.debug("partial parse: rewriting %s whole: %v", s.path, err)
		}
	}
	d := disk{Binary: Binary(), Global: s.global, Env: s.env, Entries: s.entries}
	return writeFile(s.path, func(w *writer) {
		w.b = append(w.b, magic...)
		w.str(d.Binary)
		w.strMap(d.Global)
		d.writeRecord(w, d.Entries, nil)
	})
}

// appendRecord appends to the state file a record of this load's environment variables,
// the entries it recorded and those it dropped, if the file is still the one Open read. A
// record cut short (a crash while appending) makes the whole file unreadable, so the next
// load parses everything: never a state half trusted.
func (s *State) appendRecord(dropped []string) error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil || stampOf(fi) != s.old.stamp {
		f.Close()
		return errors.New("the file changed since it was read")
	}
	fresh := make(map[string]*entry, len(s.fresh))
	for file := range s.fresh {
		fresh[file] = s.entries[file]
	}
	w := &writer{out: f}
	(&disk{Env: s.env}).writeRecord(w, fresh, dropped)
	w.flush()
	if err := f.Close(); w.err == nil {
		w.err = err
	}
	return w.err
}

// writeRecord encodes one record: d's environment variables, entries, and the files whose
// entries it drops.
func (d *disk) writeRecord(w *writer, entries map[string]*entry, dropped []string) {
	w.count(len(d.Env))
	for name, v := range d.Env {
		w.str(name)
		if v.Set {
			w.str("1")
		} else {
			w.str("")
		}
		w.str(v.Hash)
	}
	w.count(len(entries))
	for file, e := range entries {
		w.str(file)
		w.strMap(e.Inputs)
		w.bytes(e.Data)
	}
	w.count(len(dropped))
	for _, file := range dropped {
		w.str(file)
	}
}

// writeFile streams what fill writes to path through a temporary file renamed into place,
// so that a reader never sees half a file.
func writeFile(path string, fill func(w *writer)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w := &writer{b: make([]byte, 0, 1<<20+64<<10), out: f}
	fill(w)
	w.flush()
	if err := f.Close(); w.err == nil {
		w.err = err
	}
	if w.err != nil {
		os.Remove(tmp)
		return w.err
	}
	return os.Rename(tmp, path)
}

// Binary identifies the running gdbt build: its module version and VCS revision, and
// the executable's size and modification time (a rebuilt development binary differs), so
// a state written by another build is never trusted.
func Binary() string {
	var parts []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		parts = append(parts, bi.GoVersion, bi.Main.Version)
		for _, st := range bi.Settings {
			if strings.HasPrefix(st.Key, "vcs.") {
				parts = append(parts, st.Key+"="+st.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			parts = append(parts, exe, fmt.Sprint(fi.Size()), fi.ModTime().UTC().String())
		}
	}
	return strings.Join(parts, "\x00")
}

// lookupEnv reads one environment variable as the state records it.
func lookupEnv(name string) envVal {
	v, ok := os.LookupEnv(name)
	if !ok {
		return envVal{}
	}
	sum := sha256.Sum256([]byte(v))
	return envVal{Set: true, Hash: hex.EncodeToString(sum[:])}
}
