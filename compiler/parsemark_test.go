package compiler

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"maps"
	"reflect"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// TestParseMarkKeys: a node keyed by its parse mark has its JSON reused only while what
// the mark stands for holds. A change to a field set after the parse (depends_on, compiled
// code) is encoded again; so is a parse-owned field replaced by another value (the mark
// no longer holds); a parse-owned value changed in place is the one thing the mark cannot
// see, and GDBT_VERIFY_PARSE_MARKS makes the writer panic on it. Every write is compared
// with a plain encoding.
func TestParseMarkKeys(t *testing.T) {
	m := bigManifest(50)
	meta := manifest.Metadata{GeneratedAt: "2026-01-02T03:04:05.000000Z"}
	marks := map[string]*parseMark{}
	for id, n := range m.Nodes {
		marks[id] = newParseMark(sha256.Sum256([]byte(id)), 0, n, true)
	}
	r := &memReuse{prev: map[string][]byte{}}
	write := func(step string, wantReused int) {
		t.Helper()
		var buf, fresh bytes.Buffer
		r.spans, r.reused = map[string][2]int{}, 0
		if err := encodeManifest(&buf, m, meta, markedReuse{r, marks}); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		r.prev = map[string][]byte{}
		for k, sp := range r.spans {
			r.prev[k] = b[sp[0] : sp[0]+sp[1]]
		}
		if err := EncodeManifest(&fresh, m, meta); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, fresh.Bytes()) {
			t.Fatalf("%s: the reusing write differs from a plain encoding", step)
		}
		if wantReused >= 0 && r.reused != wantReused {
			t.Errorf("%s: %d fragments reused, want %d", step, r.reused, wantReused)
		}
	}
	write("first", 0)
	write("unchanged", 50)
	m.Nodes["model.big.m00007"].DependsOn.Nodes = []string{"model.big.m00001"}
	m.Nodes["model.big.m00008"].CompiledCode = "select 8"
	write("fields set after the parse", 48)
	n := m.Nodes["model.big.m00009"]
	n.Config = maps.Clone(n.Config)
	n.Config["materialized"] = "view"
	n.RawCode = "select 9"
	if marks[n.UniqueID].holds(n) {
		t.Fatal("a mark holds for a node whose parse-owned fields were replaced")
	}
	write("parse-owned fields replaced", 49)
	// A snapshot of the nodes (shallow copies, as run's manifest writer takes) keeps them.
	snap := map[string]*manifest.Node{}
	for id, n := range m.Nodes {
		c := *n
		snap[id] = &c
	}
	m.Nodes = snap
	write("snapshot", 50)

	t.Setenv(verifyMarksEnv, "1")
	m.Nodes["model.big.m00011"].Columns["id"].Description = "changed in place"
	defer func() {
		if recover() == nil {
			t.Error("a parse-owned value changed in place was not caught with " + verifyMarksEnv)
		}
	}()
	var buf bytes.Buffer
	_ = encodeManifest(&buf, m, meta, markedReuse{r, marks})
}

// TestNodeKeyCoversEveryField: a node's fragment key (with and without a parse mark)
// changes when any one field changes, and a copy made by the state codec (equal values,
// other addresses and map orders) has the same key as the original.
func TestNodeKeyCoversEveryField(t *testing.T) {
	var n manifest.Node
	fill(reflect.ValueOf(&n).Elem(), 0)
	n.Config = map[string]any{}
	for i := range 12 { // more than memoMin entries: keyed by the memoized digest
		n.Config[fmt.Sprint("k", i)] = []any{i, "v"}
	}
	data, ok := encodeParsed([]*parsedNode{{n: &n}})
	if !ok {
		t.Fatal("encode")
	}
	got, ok := decodeParsed(data, &SourceFile{Path: "models/a.sql", Package: &Package{Name: "p"}})
	if !ok {
		t.Fatal("decode")
	}
	cp := got[0].n
	plain := newNodeReuse(&memReuse{}, []string{"secret"})
	base := plain.key(&n)
	if base == "" || plain.key(cp) != base {
		t.Fatalf("a node and its decoded copy have different keys (%q)", base)
	}
	mk := newParseMark([32]byte{1}, 0, &n, false)
	marked := newNodeReuse(markedReuse{&memReuse{}, map[string]*parseMark{n.UniqueID: mk}}, []string{"secret"})
	v := reflect.ValueOf(&n).Elem()
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		if v.Type().Field(i).Tag.Get("state") == "-" {
			continue
		}
		keep := reflect.New(v.Field(i).Type()).Elem()
		keep.Set(v.Field(i))
		markedBefore := marked.key(&n)
		v.Field(i).Set(reflect.Zero(v.Field(i).Type()))
		if k := newNodeReuse(&memReuse{}, []string{"secret"}).key(&n); k == base {
			t.Errorf("the key did not change with field %s", name)
		}
		if k := marked.key(&n); k == markedBefore {
			t.Errorf("the marked key did not change with field %s", name)
		}
		v.Field(i).Set(keep)
	}
	if plain.key(&n) != base {
		t.Error("the key changed after every field was restored")
	}
}
