package compiler

import (
	"bytes"
	"fmt"
	"io/fs"
	"sync"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// memReuse keeps the fragments of the last output in memory: the ManifestReuse contract
// without a file (parsestate.Manifest is the real one, tested in cmd/gdbt).
type memReuse struct {
	prev, next map[string][]byte
	spans      map[string][2]int
	mu         sync.Mutex
	reused     int
}

func (r *memReuse) Previous(dst []byte, key string) ([]byte, bool) {
	b, ok := r.prev[key]
	if !ok {
		return dst, false
	}
	r.mu.Lock()
	r.reused++
	r.mu.Unlock()
	return append(dst, b...), true
}

func (r *memReuse) Wrote(key string, off int64, n int) { r.spans[key] = [2]int{int(off), n} }

func (r *memReuse) Finished(fs.FileInfo) {}

// encodeReusing encodes m through r and rotates r's fragments to those of this output.
func encodeReusing(t *testing.T, m *manifest.Manifest, meta manifest.Metadata, r *memReuse) []byte {
	t.Helper()
	var buf bytes.Buffer
	r.spans = map[string][2]int{}
	r.reused = 0
	if err := encodeManifest(&buf, m, meta, r); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	r.prev = map[string][]byte{}
	for k, sp := range r.spans {
		r.prev[k] = b[sp[0] : sp[0]+sp[1]]
	}
	return b
}

// TestManifestReuse: a manifest written reusing the previous one's fragments is byte-equal
// to one encoded afresh (same created_at), on the sequential and the parallel path, and
// only the changed node is encoded again.
func TestManifestReuse(t *testing.T) {
	defer func(old int) { parallelMin = old }(parallelMin)
	for _, pm := range []int{1 << 30, 1} {
		parallelMin = pm
		m := bigManifest(3000)
		meta := manifest.Metadata{GeneratedAt: "2026-01-02T03:04:05.000000Z"}
		r := &memReuse{prev: map[string][]byte{}}
		first := encodeReusing(t, m, meta, r)
		var fresh bytes.Buffer
		if err := EncodeManifest(&fresh, m, meta); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, fresh.Bytes()) {
			t.Fatalf("parallelMin %d: the first write differs from a plain encoding", pm)
		}
		if len(r.prev) != len(m.Nodes) {
			t.Fatalf("parallelMin %d: %d fragments recorded, want %d", pm, len(r.prev), len(m.Nodes))
		}
		// One node changes (in a nested map): only it is encoded again.
		m.Nodes["model.big.m01234"].Config["tags"] = []any{"a", "c"}
		second := encodeReusing(t, m, meta, r)
		fresh.Reset()
		if err := EncodeManifest(&fresh, m, meta); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(second, fresh.Bytes()) {
			t.Fatalf("parallelMin %d: the reusing write differs from a plain encoding", pm)
		}
		if r.reused != len(m.Nodes)-1 {
			t.Errorf("parallelMin %d: %d fragments reused, want %d", pm, r.reused, len(m.Nodes)-1)
		}
		// A secret to redact changes every key: nothing is reused.
		t.Setenv("DBT_ENV_SECRET_REUSE_TEST", fmt.Sprint("secret-value-", pm))
		encodeReusing(t, m, meta, r)
		if r.reused != 0 {
			t.Errorf("parallelMin %d: %d fragments reused after the secrets changed", pm, r.reused)
		}
	}
}
