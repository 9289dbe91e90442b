package deps

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/gdbt-dev/gdbt/compiler"
	"gopkg.in/yaml.v3"
)

// LockFile is dbt's lock file name (dbt/constants.py PACKAGE_LOCK_FILE_NAME).
const LockFile = "package-lock.yml"

// specFields are each contract's fields in dbt/contracts/project.py, as its to_dict()
// writes them (None included, by alias; "name" dropped when None).
var specFields = map[string][]string{
	SourceLocal:   {"local", "name"},
	SourceTarball: {"tarball", "name"},
	SourceGit:     {"git", "revision", "warn-unpinned", "subdirectory", "name"},
	SourcePrivate: {"private", "provider", "revision", "warn-unpinned", "subdirectory", "name"},
	SourceHub:     {"package", "version", "install_prerelease", "name"},
}

// toDict is the contract's to_dict() for dbt's sha1_hash: its fields from the rendered
// entry plus "unrendered", the entry as written.
func (s Spec) toDict() map[string]any {
	d := map[string]any{}
	for _, f := range specFields[s.Source] {
		v, ok := s.rendered[f]
		if f == "install_prerelease" && !ok {
			v, ok = s.rendered["install-prerelease"]
			if !ok {
				v, ok = false, true // the field's default
			}
		}
		if f == "name" && (!ok || v == nil) {
			continue
		}
		d[f] = v
	}
	u := map[string]any{}
	for k, v := range s.unrendered {
		u[k] = v
	}
	d["unrendered"] = u
	return d
}

// SpecHash is dbt's _create_sha1_hash (dbt/task/deps.py): the sha1 of the sorted
// json.dumps(sort_keys=True) of every entry. It decides whether package-lock.yml still
// matches the packages file.
func SpecHash(specs []Spec) string {
	lines := make([]string, len(specs))
	for i, s := range specs {
		lines[i] = pyJSON(s.toDict())
	}
	sort.Strings(lines)
	sum := sha1.Sum([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

// pyJSON is Python's json.dumps(v, sort_keys=True): ", " and ": " separators, non-ASCII
// escaped as \uXXXX, floats as repr().
func pyJSON(v any) string {
	var b strings.Builder
	var enc func(v any)
	enc = func(v any) {
		switch x := v.(type) {
		case nil:
			b.WriteString("null")
		case bool:
			if x {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case int:
			b.WriteString(strconv.Itoa(x))
		case int64:
			b.WriteString(strconv.FormatInt(x, 10))
		case uint64:
			b.WriteString(strconv.FormatUint(x, 10))
		case float64:
			b.WriteString(pyFloat(x))
		case string:
			b.WriteByte('"')
			for _, r := range x {
				switch {
				case r == '"':
					b.WriteString(`\"`)
				case r == '\\':
					b.WriteString(`\\`)
				case r == '\n':
					b.WriteString(`\n`)
				case r == '\r':
					b.WriteString(`\r`)
				case r == '\t':
					b.WriteString(`\t`)
				case r == '\b':
					b.WriteString(`\b`)
				case r == '\f':
					b.WriteString(`\f`)
				case r < 0x20 || r == 0x7f || r > 0x7e:
					if r > 0xffff {
						a, c := utf16.EncodeRune(r)
						fmt.Fprintf(&b, `\u%04x\u%04x`, a, c)
					} else if r == 0x7f {
						b.WriteRune(r)
					} else {
						fmt.Fprintf(&b, `\u%04x`, r)
					}
				default:
					b.WriteRune(r)
				}
			}
			b.WriteByte('"')
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteString(", ")
				}
				enc(e)
			}
			b.WriteByte(']')
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteString(", ")
				}
				enc(k)
				b.WriteString(": ")
				enc(x[k])
			}
			b.WriteByte('}')
		default:
			enc(fmt.Sprint(x))
		}
	}
	enc(v)
	return b.String()
}

// pyFloat is Python's repr() of a float: fixed notation for exponents -4 … 15, else
// scientific with at least two exponent digits.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	if x >= -4 && x < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	sign := "+"
	if x < 0 {
		sign, x = "-", -x
	}
	return fmt.Sprintf("%se%s%02d", mant, sign, x)
}

// lockEntry is one package of package-lock.yml: the pinned package's to_dict() plus its
// project name (dbt/task/deps.py lock()).
func lockEntry(p *Pinned) [][2]string {
	var kv [][2]string
	switch p.Source {
	case SourceHub:
		kv = [][2]string{{"package", p.Package}, {"version", p.Version}}
	case SourceGit:
		kv = [][2]string{{"git", scrubbed(p.GitUnrendered)}, {"revision", p.Revision}}
		if p.Subdirectory != "" {
			kv = append(kv, [2]string{"subdirectory", p.Subdirectory})
		}
	case SourceTarball:
		kv = [][2]string{{"tarball", scrubbed(p.TarballUnrendered)}}
	case SourceLocal:
		kv = [][2]string{{"local", p.Local}}
	}
	kv = append(kv, [2]string{"name", p.ProjectName})
	sort.Slice(kv, func(i, j int) bool { return kv[i][0] < kv[j][0] })
	return kv
}

// scrubbed is dbt's scrub_secrets of an unrendered URL: a secret written literally into
// packages.yml never reaches the lock file.
func scrubbed(s string) string { return compiler.Redact(s) }

// writeLock writes package-lock.yml as PyYAML's yaml.dump with dbt's dumper writes it
// (keys sorted, list items indented under their key).
func writeLock(path string, pins []*Pinned, hash string) error {
	var b strings.Builder
	b.WriteString("packages:\n")
	for _, p := range pins {
		for i, kv := range lockEntry(p) {
			if i == 0 {
				b.WriteString("  - ")
			} else {
				b.WriteString("    ")
			}
			b.WriteString(kv[0] + ": " + yamlScalar(kv[1]) + "\n")
		}
	}
	b.WriteString("sha1_hash: " + hash + "\n")
	return writeFileAtomic(path, []byte(b.String()))
}

// readLock reads package-lock.yml: its sha1_hash and its packages, rendered as dbt
// renders them (a git URL written as {{ env_var(...) }} gets its value back).
func readLock(path string, vars map[string]any) (hash string, specs []Spec, err error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return "", nil, fmt.Errorf("%s: %w", LockFile, err)
	}
	if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
		return "", nil, nil
	}
	m := n.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch k, v := m.Content[i], m.Content[i+1]; k.Value {
		case "sha1_hash":
			hash = v.Value
		case "packages":
			if specs, err = ParseSpecs(LockFile, v, vars, ""); err != nil {
				return "", nil, err
			}
		default:
			return "", nil, compiler.Errorf(LockFile, k.Line, k.Column, "unknown key %q in %s", k.Value, LockFile)
		}
	}
	return hash, specs, nil
}

// writeFileAtomic writes a file through a temporary sibling and a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".gdbt-tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
