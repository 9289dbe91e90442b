package compiler

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/gdbt-dev/gdbt/manifest"
)

// A node whose file's parse was recorded in the parse state carries a parseMark: the
// sha256 of the recorded parse (encodeParsed leads its data with it) and the node's place
// in it. The manifest writer keys the node's JSON fragment by the mark instead of by the
// canonical encoding of its parse-owned fields (parseOwnedFields: the raw code, configs,
// columns, description, …, a node's largest values), so that a warm parse hashes neither
// those nor, for a reused parse, anything the decoder made; the other fields, which later
// steps set (depends_on, refs, relation_name, compiled code, …), are encoded as before.
//
// This holds only while the parse-owned fields are the recorded parse's. The mark keeps
// the values the parse left (the maps and slices themselves, so that their addresses stay
// theirs) and is used only while the node still holds those very values (holds); nothing
// after the parse changes them in place (the loader merges configs only into the nodes it
// builds itself, generic tests, whose configs are their own; see testconfig.go), and with
// GDBT_VERIFY_PARSE_MARKS set every mark used is checked against a digest of the values
// (check; TestPartialParse sets it).
type parseMark struct {
	digest [sha256.Size]byte
	index  int
	// held are the parse-owned fields' values as the parse left them.
	held ownedValues
	// sum is the digest of their canonical encoding, made only when verifying.
	sum [sha256.Size]byte
}

// ownedValues are a node's parse-owned fields (parseOwnedFields, in that order).
type ownedValues struct {
	rawCode, description                                     string
	config, unrenderedConfig, configCallDict, meta, docs, ts map[string]any
	columns                                                  map[string]*manifest.Column
	tags, fqn                                                []string
	constraints                                              []any
}

func ownedOf(n *manifest.Node) ownedValues {
	return ownedValues{n.RawCode, n.Description, n.Config, n.UnrenderedConfig, n.ConfigCallDict, n.Meta, n.Docs,
		n.TimeSpine, n.Columns, n.Tags, n.FQN, n.Constraints}
}

// verifyMarksEnv names the variable that makes the manifest writer check every mark.
const verifyMarksEnv = "GDBT_VERIFY_PARSE_MARKS"

// parseOwnedFields are the manifest.Node fields only a node file's parse sets (ownedOf reads
// the same; TestNodeKeyCoversEveryField fails if one is left out there).
var parseOwnedFields = []string{"RawCode", "Description", "Config", "UnrenderedConfig", "ConfigCallDict",
	"Columns", "Meta", "Docs", "TimeSpine", "Tags", "FQN", "Constraints"}

// parseOwned flags, by field index of manifest.Node, the parse-owned fields.
var parseOwned = sync.OnceValue(func() []bool {
	t := reflect.TypeFor[manifest.Node]()
	out := make([]bool, t.NumField())
	for _, name := range parseOwnedFields {
		f, ok := t.FieldByName(name)
		if !ok {
			panic("parsemark: manifest.Node has no field " + name)
		}
		out[f.Index[0]] = true
	}
	return out
})

// newParseMark marks n as node index of the recorded parse with the given digest; with
// verify, it also keeps a digest of the values (check).
func newParseMark(digest [sha256.Size]byte, index int, n *manifest.Node, verify bool) *parseMark {
	mk := &parseMark{digest: digest, index: index, held: ownedOf(n)}
	if verify {
		mk.sum = ownedSum(n)
	}
	return mk
}

// holds reports whether n's parse-owned fields are still the values the parse left (the
// same strings, maps and slices, not merely equal ones).
func (mk *parseMark) holds(n *manifest.Node) bool {
	a, b := ownedOf(n), &mk.held
	return sameString(a.rawCode, b.rawCode) && sameString(a.description, b.description) &&
		sameMap(a.config, b.config) && sameMap(a.unrenderedConfig, b.unrenderedConfig) &&
		sameMap(a.configCallDict, b.configCallDict) && sameMap(a.meta, b.meta) && sameMap(a.docs, b.docs) &&
		sameMap(a.ts, b.ts) && sameMap(a.columns, b.columns) &&
		sameSlice(a.tags, b.tags) && sameSlice(a.fqn, b.fqn) && sameSlice(a.constraints, b.constraints)
}

func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// sameMap compares maps by address (a map value is a pointer to its table).
func sameMap[M ~map[string]V, V any](a, b M) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
}

func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (a == nil) == (b == nil) && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// check panics when n's parse-owned values changed in place since the mark was made:
// the mark would then key a stale fragment (only with GDBT_VERIFY_PARSE_MARKS set).
func (mk *parseMark) check(n *manifest.Node) {
	if mk.sum == ([sha256.Size]byte{}) {
		return // made before verifying was asked for
	}
	if ownedSum(n) != mk.sum {
		panic(fmt.Sprintf("partial parse: a parse-owned field of %s changed after its parse (parsemark.go)", n.UniqueID))
	}
}

// ownedSum is the sha256 of the canonical encoding of n's parse-owned fields.
func ownedSum(n *manifest.Node) [sha256.Size]byte {
	e := stateEncoder{sorted: true}
	v := reflect.ValueOf(n).Elem()
	for i, own := range parseOwned() {
		if own {
			if err := e.value(v.Field(i)); err != nil {
				e.str("unencodable: " + err.Error())
			}
		}
	}
	return sha256.Sum256(e.b)
}

// markedReuse is a ManifestReuse with the project's parse marks (Project.ReuseWithMarks).
type markedReuse struct {
	ManifestReuse
	marks map[string]*parseMark
}

// ReuseWithMarks gives the manifest writer the marks of p's nodes along with r, so that
// nodes whose parse was recorded are keyed by it (parsemark.go).
func (p *Project) ReuseWithMarks(r ManifestReuse) ManifestReuse {
	if r == nil || p == nil || p.impl == nil || len(p.impl.marks) == 0 {
		return r
	}
	return markedReuse{r, p.impl.marks}
}

// collectMarks keeps the marks of the nodes that made it into m.
func (p *projectImpl) collectMarks(m *manifest.Manifest, nodes []*parsedNode) {
	p.marks = map[string]*parseMark{}
	for _, pn := range nodes {
		if pn.mark != nil && m.Nodes[pn.n.UniqueID] == pn.n {
			p.marks[pn.n.UniqueID] = pn.mark
		}
	}
}
