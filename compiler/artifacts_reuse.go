package compiler

import (
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/gdbt-dev/gdbt/manifest"
)

// ManifestReuse lets the manifest writer copy the JSON of every node unchanged since the
// previous manifest.json instead of building and encoding it again: after a one-file edit
// almost all of a large project's 100 MB manifest is the same, and encoding it was the
// largest item of a warm parse. A node's fragment is keyed by a hash of everything the
// writer reads from it (every field of the node, in a canonical encoding) and of the
// secrets it redacts, so a fragment is reused only where encoding again would write the
// same bytes; nodes kept from the previous parse keep their created_at, as dbt's partial
// parsing keeps the nodes it does not re-parse (dbt/parser/partial.py). Package parsestate
// implements it.
type ManifestReuse interface {
	// Previous appends to dst the fragment recorded under key in the previous manifest, if
	// there is one; ok is false otherwise (dst is then returned unchanged).
	Previous(dst []byte, key string) (out []byte, ok bool)
	// Wrote records that the fragment of key is at [off, off+n) in the file being written.
	// It may be called from several goroutines.
	Wrote(key string, off int64, n int)
	// Finished is given the written file's final state before it is renamed into place, so
	// that what the fragments were recorded for is that very file (not one another process
	// renamed over it meanwhile).
	Finished(fi fs.FileInfo)
}

// WriteManifestReusing is WriteManifest copying unchanged nodes' JSON through r (nil: none).
func WriteManifestReusing(path string, m *manifest.Manifest, meta manifest.Metadata, r ManifestReuse) error {
	return writeAtomic(path, func(w io.Writer) error {
		if err := encodeManifest(w, m, meta, r); err != nil || r == nil {
			return err
		}
		f, ok := w.(*os.File)
		if !ok {
			return nil
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		r.Finished(fi)
		return nil
	})
}

// nodeReuse is writeSorted's view of a ManifestReuse for nodes.
type nodeReuse struct {
	r    ManifestReuse
	salt string // the secrets redacted: a fragment written with others is not reused
}

func newNodeReuse(r ManifestReuse, secrets []string) *nodeReuse {
	if r == nil {
		return nil
	}
	return &nodeReuse{r: r, salt: strings.Join(secrets, "\x00")}
}

// encBufs recycles the buffers of fragment keys' canonical encodings.
var encBufs = sync.Pool{New: func() any { return &stateEncoder{b: make([]byte, 0, 8192), sorted: true} }}

// key is the fragment key of n, or "" when n holds a value the canonical encoding does
// not know (it is then always encoded afresh).
func (nr *nodeReuse) key(n *manifest.Node) string {
	e := encBufs.Get().(*stateEncoder)
	defer encBufs.Put(e)
	e.b = e.b[:0]
	e.str(nr.salt)
	if err := e.value(reflect.ValueOf(n).Elem()); err != nil {
		return ""
	}
	sum := sha256.Sum256(e.b)
	return string(sum[:])
}

// fragment is where one node's JSON went in a buffer, under its key.
type fragment struct {
	key      string
	start, n int
}

// write appends n's fragment to w.buf: the previous one when its key was recorded, else a
// fresh encoding; and says where it went (key "" when n has none).
func (nr *nodeReuse) write(w *jsonWriter, n *manifest.Node, createdAt float64) fragment {
	start := len(w.buf)
	k := nr.key(n)
	if k == "" {
		writeNode(w, n, createdAt)
		return fragment{}
	}
	if b, ok := nr.r.Previous(w.buf, k); ok {
		w.buf = b
	} else {
		writeNode(w, n, createdAt)
	}
	return fragment{key: k, start: start, n: len(w.buf) - start}
}

// record reports the fragments of a buffer that starts at output offset base.
func (nr *nodeReuse) record(base int64, frags []fragment) {
	for _, f := range frags {
		if f.key != "" {
			nr.r.Wrote(f.key, base+int64(f.start), f.n)
		}
	}
}
