package compiler

import (
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"sync"
	"unsafe"

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
	// maps memoizes, for this one write, the digest of each large config-like map by its
	// address (map pointer → [32]byte): the 26,000 generic tests of the bench project share
	// one config map (testconfig_shared.go), hashed once instead of once per test. Nothing
	// changes a map while the manifest is written (the writer reads them unlocked too).
	maps sync.Map
	// marks are the project's nodes whose parse was recorded (parseMark), by unique id;
	// verify checks each mark's parse-owned fields against their digest (GDBT_VERIFY_PARSE_MARKS).
	marks  map[string]*parseMark
	verify bool
}

func newNodeReuse(r ManifestReuse, secrets []string) *nodeReuse {
	if r == nil {
		return nil
	}
	nr := &nodeReuse{r: r, salt: strings.Join(secrets, "\x00")}
	if mr, ok := r.(markedReuse); ok {
		nr.r, nr.marks, nr.verify = mr.ManifestReuse, mr.marks, os.Getenv(verifyMarksEnv) != ""
	}
	return nr
}

// encBufs recycles the buffers of fragment keys' canonical encodings.
var encBufs = sync.Pool{New: func() any { return &stateEncoder{b: make([]byte, 0, 8192), sorted: true} }}

// memoMin is the size from which a node's map[string]any field is keyed by its memoized
// digest instead of its entries.
const memoMin = 8

// key is the fragment key of n, or "" when n holds a value the canonical encoding does
// not know (it is then always encoded afresh). The encoding is the canonical one of every
// field, except that a map[string]any field of memoMin entries or more is written as a
// marker and the sha256 of its canonical encoding (a prefix-free choice made by its size,
// so equal nodes still give equal bytes and different ones different bytes), and that a
// node holding its recorded parse's values has its parse mark instead of its parse-owned
// fields (parsemark.go).
func (nr *nodeReuse) key(n *manifest.Node) string {
	e := encBufs.Get().(*stateEncoder)
	defer encBufs.Put(e)
	e.b = e.b[:0]
	e.str(nr.salt)
	v := reflect.ValueOf(n).Elem()
	if planOf(v.Type()).err != nil {
		return ""
	}
	var owned []bool
	mark := byte(0)
	if mk := nr.marks[n.UniqueID]; mk != nil && mk.holds(n) {
		if nr.verify {
			mk.check(n)
		}
		// The parse-owned fields are those of the recorded parse: its digest and the
		// node's place in it stand for them.
		mark = 1
		e.b = append(e.b, mark)
		e.b = append(e.b, mk.digest[:]...)
		e.uvarint(uint64(mk.index))
		owned = parseOwned()
	}
	if mark == 0 {
		e.b = append(e.b, mark)
	}
	base := unsafe.Pointer(n)
	for _, kf := range nodeKeyPlan() {
		if owned != nil && owned[kf.index] {
			continue
		}
		// The common kinds are read in place (no reflect.Value per field: a fifth of a
		// generic test's key); they write what stateEncoder.value would.
		switch kf.kind {
		case keyString:
			e.str(*(*string)(unsafe.Add(base, kf.offset)))
			continue
		case keyBool:
			if *(*bool)(unsafe.Add(base, kf.offset)) {
				e.b = append(e.b, 1)
			} else {
				e.b = append(e.b, 0)
			}
			continue
		case keyStrings:
			l := *(*[]string)(unsafe.Add(base, kf.offset))
			if l == nil {
				e.uvarint(0)
				continue
			}
			e.uvarint(uint64(len(l)) + 1)
			for _, x := range l {
				e.str(x)
			}
			continue
		}
		f := v.Field(kf.index)
		if kf.kind == keyAnyMap && f.Len() >= memoMin {
			d, ok := nr.mapDigest(f.Interface().(map[string]any))
			if !ok {
				return ""
			}
			e.b = append(e.b, 2)
			e.b = append(e.b, d[:]...)
			continue
		}
		if kf.kind == keyAnyMap || kf.kind == keyMap {
			e.b = append(e.b, 1)
		}
		if err := e.value(f); err != nil {
			return ""
		}
	}
	sum := sha256.Sum256(e.b)
	return string(sum[:])
}

// keyField is how key writes one field of manifest.Node.
type keyField struct {
	index  int
	offset uintptr
	kind   int
}

// Kinds of keyField.
const (
	keyOther = iota
	keyString
	keyBool
	keyStrings
	keyAnyMap
	keyMap
)

// nodeKeyPlan is the fields of manifest.Node the codec writes, in its order, with their kinds.
var nodeKeyPlan = sync.OnceValue(func() []keyField {
	t := reflect.TypeFor[manifest.Node]()
	var out []keyField
	for _, i := range planOf(t).fields {
		f := t.Field(i)
		kf := keyField{index: i, offset: f.Offset}
		switch {
		case f.Type.Kind() == reflect.String:
			kf.kind = keyString
		case f.Type.Kind() == reflect.Bool:
			kf.kind = keyBool
		case f.Type == stringsType:
			kf.kind = keyStrings
		case f.Type == anyMapType:
			kf.kind = keyAnyMap
		case f.Type.Kind() == reflect.Map:
			kf.kind = keyMap
		}
		out = append(out, kf)
	}
	return out
})

// mapDigest is the sha256 of m's canonical encoding, memoized by m's address.
func (nr *nodeReuse) mapDigest(m map[string]any) ([32]byte, bool) {
	ptr := reflect.ValueOf(m).Pointer()
	if d, ok := nr.maps.Load(ptr); ok {
		return d.([32]byte), true
	}
	e := encBufs.Get().(*stateEncoder)
	defer encBufs.Put(e)
	e.b = e.b[:0]
	if err := e.value(reflect.ValueOf(m)); err != nil {
		return [32]byte{}, false
	}
	d := sha256.Sum256(e.b)
	nr.maps.Store(ptr, d)
	return d, true
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
