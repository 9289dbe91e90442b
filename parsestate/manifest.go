package parsestate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
)

// ManifestFileName is the index of the previous manifest.json's node fragments, kept
// beside the parse state.
const ManifestFileName = "partial_parse_manifest.gdbt"

const manifestMagic = "gdbt-manifest-index 1\n"

// span is where one fragment sits in a manifest file.
type span struct {
	off int64
	n   int
}

// Manifest implements compiler.ManifestReuse: it remembers where each node's JSON sits in
// the manifest.json it last saw written, by the key the writer gave it, and copies it from
// that file into the next one. The index is trusted only for the very file it describes
// (same size and modification time, written by the same gdbt build); anything else starts
// empty with a debug line, and each copied fragment must still look like a JSON object.
// This is the manifest half of dbt's partial parsing, which keeps the unchanged nodes of the
// saved manifest instead of rebuilding them (core/dbt/parser/manifest.py ManifestLoader.load
// starts from read_manifest_for_partial_parse's manifest; core/dbt/parser/partial.py
// PartialParsing removes and re-schedules only the changed files' nodes).
type Manifest struct {
	indexPath, manifestPath string
	debug                   func(format string, args ...any)

	f    *os.File // the previous manifest (nil: nothing to reuse)
	prev map[string]span

	mu     sync.Mutex
	blocks map[int64]*cachedBlock // of the previous file, by index (fromBlock)
	tick   uint64
	next   map[string]span
	reused int
	stamp  string // of the file written (Finished)
}

// OpenManifest reads the index at indexPath of the manifest at manifestPath. debugf may
// be nil.
func OpenManifest(indexPath, manifestPath string, debugf func(format string, args ...any)) *Manifest {
	if debugf == nil {
		debugf = func(string, ...any) {}
	}
	m := &Manifest{indexPath: indexPath, manifestPath: manifestPath, debug: debugf, next: map[string]span{}}
	if runtime.GOOS == "windows" {
		return m // the open previous file would block replacing it
	}
	prev, stamp, err := readIndex(indexPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return m
	case err != nil:
		debugf("partial parse: ignoring %s: %v", indexPath, err)
		return m
	}
	f, err := os.Open(manifestPath)
	if err != nil {
		return m
	}
	if s, err := fileStamp(f); err != nil || s != stamp {
		debugf("partial parse: %s changed since gdbt wrote it: encoding every node", manifestPath)
		f.Close()
		return m
	}
	m.f, m.prev = f, prev
	return m
}

// fileStamp identifies a file's version: its size and modification time in nanoseconds.
func fileStamp(f *os.File) (string, error) {
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	return stampOf(fi), nil
}

func stampOf(fi fs.FileInfo) string { return fmt.Sprintf("%d/%d", fi.Size(), fi.ModTime().UnixNano()) }

func readIndex(path string) (map[string]span, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	if !bytes.HasPrefix(b, []byte(manifestMagic)) {
		return nil, "", errors.New("not a gdbt manifest index of this format")
	}
	r := &reader{b: b[len(manifestMagic):], ok: true}
	if r.str() != Binary() {
		return nil, "", errors.New("written by another gdbt build")
	}
	stamp := r.str()
	n := r.count()
	prev := make(map[string]span, n)
	for ; n > 0 && r.ok; n-- {
		k := r.str()
		off := r.uint()
		size := r.uint()
		prev[k] = span{int64(off), int(size)}
	}
	if !r.ok || len(r.b) != 0 {
		return nil, "", errors.New("corrupt manifest index: truncated or malformed")
	}
	return prev, stamp, nil
}

// Previous implements compiler.ManifestReuse. Fragments are copied out of blocks of the
// previous file read whole (blockSize): the writer asks for them in file order, a few
// thousand per block, and one read per fragment was 36,000 system calls at 10,000 models.
func (m *Manifest) Previous(dst []byte, key string) ([]byte, bool) {
	sp, ok := m.prev[key]
	if !ok || m.f == nil || sp.n < 2 {
		return dst, false
	}
	start := len(dst)
	var out []byte
	if i := sp.off / blockSize; (sp.off+int64(sp.n)-1)/blockSize == i {
		var ok bool
		if out, ok = m.fromBlock(dst, i, int(sp.off-i*blockSize), sp.n); !ok {
			return dst, false
		}
	} else {
		out = append(dst, make([]byte, sp.n)...)
		if _, err := m.f.ReadAt(out[start:], sp.off); err != nil {
			return dst, false
		}
	}
	if out[start] != '{' || out[len(out)-1] != '}' {
		return dst, false
	}
	m.mu.Lock()
	m.reused++
	m.mu.Unlock()
	return out, true
}

// blockSize is the unit in which Previous reads the previous manifest; maxBlocks is how
// many it keeps (the writer's workers each read forward through their own part).
const (
	blockSize = 1 << 20
	maxBlocks = 4
)

// cachedBlock is a block of the previous manifest and when it was last used.
type cachedBlock struct {
	b    []byte
	used uint64
}

// fromBlock appends bytes [lo, lo+n) of block i of the previous file to dst, reading the
// block first unless it is among the maxBlocks most recently used; ok is false past the
// end of the file or on a read error. The bytes are copied with m.mu held, so that an
// evicted block's buffer can be read into again (a new buffer per block was 100 MB of
// garbage for a 100 MB manifest).
func (m *Manifest) fromBlock(dst []byte, i int64, lo, n int) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick++
	c := m.blocks[i]
	if c == nil {
		if m.blocks == nil {
			m.blocks = map[int64]*cachedBlock{}
		}
		c = &cachedBlock{}
		if len(m.blocks) >= maxBlocks {
			lru := int64(-1)
			for j, x := range m.blocks {
				if lru < 0 || x.used < m.blocks[lru].used {
					lru = j
				}
			}
			c.b = m.blocks[lru].b[:0]
			delete(m.blocks, lru)
		}
		if cap(c.b) < blockSize {
			c.b = make([]byte, blockSize)
		}
		// Read with the lock held: the writer's few workers read the same blocks in turn.
		k, err := m.f.ReadAt(c.b[:blockSize], i*blockSize)
		if err != nil && !errors.Is(err, io.EOF) {
			k = 0
		}
		c.b = c.b[:k]
		m.blocks[i] = c
	}
	c.used = m.tick
	if lo+n > len(c.b) {
		return dst, false
	}
	return append(dst, c.b[lo:lo+n]...), true
}

// Wrote implements compiler.ManifestReuse.
func (m *Manifest) Wrote(key string, off int64, n int) {
	m.mu.Lock()
	m.next[key] = span{off, n}
	m.mu.Unlock()
}

// Finished implements compiler.ManifestReuse.
func (m *Manifest) Finished(fi fs.FileInfo) {
	m.mu.Lock()
	m.stamp = stampOf(fi)
	m.mu.Unlock()
}

// Reused is how many node fragments were copied from the previous manifest.
func (m *Manifest) Reused() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reused
}

// Save records where this write put each fragment, for the file Finished described; call
// it only after that file was written completely. It also closes the previous file.
func (m *Manifest) Save() error {
	m.Close()
	if m.stamp == "" {
		return errors.New("the manifest was not written")
	}
	stamp := m.stamp
	m.mu.Lock()
	defer m.mu.Unlock()
	return writeFile(m.indexPath, func(w *writer) {
		w.b = append(w.b, manifestMagic...)
		w.str(Binary())
		w.str(stamp)
		w.count(len(m.next))
		for k, sp := range m.next {
			w.str(k)
			w.count(int(sp.off))
			w.count(sp.n) // (read back with reader.uint: not bounded by the index's size)
		}
	})
}

// Close releases the previous manifest (Save calls it).
func (m *Manifest) Close() {
	if m.f != nil {
		m.f.Close()
		m.f = nil
	}
}

// Forget removes the index (a manifest written without it would make it stale).
func Forget(indexPath string) { _ = os.Remove(indexPath) }

// uint reads an unsigned varint with no bound (offsets into another file).
func (r *reader) uint() uint64 {
	if !r.ok {
		return 0
	}
	u, n := binary.Uvarint(r.b)
	if n <= 0 || u > 1<<40 {
		r.ok, r.b = false, nil
		return 0
	}
	r.b = r.b[n:]
	return u
}
