package deps

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// dbt's own semver (dbt_common/semver.py), ported rule for rule rather than taken from a Go
// semver library: dbt compares *specifiers* (a version with a matcher such as ">=" or "<"),
// lets a stable version sort above its prereleases except against a "<" bound, accepts
// "1.0.0a1" without the dash, orders prerelease parts by its own natural comparison, and
// reduces a list of specifiers to one range by dbt's merge rules. Masterminds/semver and
// golang.org/x/mod/semver each disagree with dbt on at least one of these, and a different
// answer here means installing a different package version than dbt would.

// Matcher is the comparison a version specifier carries ("=" when none is written).
type Matcher string

// The matchers dbt accepts (dbt_common/semver.py Matchers).
const (
	Greater        Matcher = ">"
	GreaterOrEqual Matcher = ">="
	Less           Matcher = "<"
	LessOrEqual    Matcher = "<="
	Exact          Matcher = "="
)

// Version is a dbt VersionSpecifier: a semantic version and a matcher. The zero value with
// Unbounded set stands for dbt's UnboundedVersionSpecifier (no bound on that side).
type Version struct {
	Major, Minor, Patch string
	Prerelease, Build   string
	Matcher             Matcher
	Unbounded           bool
}

// versionRE is dbt's _VERSION_REGEX (dbt_common/semver.py).
var versionRE = regexp.MustCompile(`^(>=|>|<|<=|=)?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-?((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9A-Za-z-]*(?:\.[0-9A-Za-z-]*)*))?$`)

// ParseVersion parses a version specifier such as ">=1.0.0", "1.3.0" or "0.1.4a1", with
// dbt's SemverError message when it is not one.
func ParseVersion(s string) (Version, error) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a valid semantic version.", s)
	}
	v := Version{Matcher: Matcher(m[1]), Major: m[2], Minor: m[3], Patch: m[4], Prerelease: m[5], Build: m[6]}
	if v.Matcher == "" {
		v.Matcher = Exact
	}
	return v, nil
}

var unbounded = Version{Matcher: Exact, Unbounded: true}

// String is dbt's to_version_string: the matcher, then major.minor.patch[-pre][+build].
func (v Version) String() string {
	if v.Unbounded {
		return "*"
	}
	return string(v.Matcher) + v.Plain()
}

// Plain is the version without its matcher (to_version_string(skip_matcher=True)).
func (v Version) Plain() string {
	s := v.Major + "." + v.Minor + "." + v.Patch
	if v.Prerelease != "" {
		s += "-" + v.Prerelease
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

func (v Version) isLower() bool {
	return !v.Unbounded && (v.Matcher == Greater || v.Matcher == GreaterOrEqual)
}
func (v Version) isUpper() bool {
	return !v.Unbounded && (v.Matcher == Less || v.Matcher == LessOrEqual)
}
func (v Version) isExact() bool { return !v.Unbounded && v.Matcher == Exact }

func cmpInt(a, b int) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// Compare is VersionSpecifier.compare: -1, 0 or 1, taking the matchers into account.
func (v Version) Compare(o Version) int {
	if v.Unbounded || o.Unbounded {
		return 0
	}
	for _, p := range [][2]string{{v.Major, o.Major}, {v.Minor, o.Minor}, {v.Patch, o.Patch}} {
		a, _ := strconv.Atoi(p[0])
		b, _ := strconv.Atoi(p[1])
		if c := cmpInt(a, b); c != 0 {
			return c
		}
	}
	a, b := v.Prerelease, o.Prerelease
	switch {
	case a == "" && b == "":
	case a == "":
		if v.Matcher == Less {
			// a stable "<" bound sorts below its own prereleases, so "<2.0.0" never
			// admits 2.0.0-b1 (dbt's comment in compare()).
			return -1
		}
		return 1
	case b == "":
		return -1
	default:
		if c := natCmp(a, b); c != 0 {
			return c
		}
	}
	if (v.Matcher == GreaterOrEqual && o.Matcher == LessOrEqual) || (v.Matcher == LessOrEqual && o.Matcher == GreaterOrEqual) {
		return 0
	}
	if (v.Matcher == Less && o.Matcher == LessOrEqual) || (o.Matcher == Greater && v.Matcher == GreaterOrEqual) || (v.isUpper() && o.isLower()) {
		return -1
	}
	if (o.Matcher == Less && v.Matcher == LessOrEqual) || (v.Matcher == Greater && o.Matcher == GreaterOrEqual) || (v.isLower() && o.isUpper()) {
		return 1
	}
	return 0
}

// natCmp is VersionSpecifier._nat_cmp: dot-separated parts, numbers below words, and on a
// tie the longer string is greater.
func natCmp(a, b string) int {
	ap, bp := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(ap) && i < len(bp); i++ {
		x, xerr := strconv.Atoi(ap[i])
		y, yerr := strconv.Atoi(bp[i])
		xNum, yNum := xerr == nil && isDigits(ap[i]), yerr == nil && isDigits(bp[i])
		var c int
		switch {
		case xNum && yNum:
			c = cmpInt(x, y)
		case xNum:
			c = -1
		case yNum:
			c = 1
		default:
			c = strings.Compare(ap[i], bp[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Range is dbt's VersionRange: a start and an end bound, either possibly unbounded.
type Range struct{ Start, End Version }

// String is VersionRange.__str__ ("ANY", or the bounds joined with ", ").
func (r Range) String() string {
	if r.Start.Unbounded && r.End.Unbounded {
		return "ANY"
	}
	var parts []string
	if !r.Start.Unbounded {
		parts = append(parts, r.Start.String())
	}
	if !r.End.Unbounded {
		parts = append(parts, r.End.String())
	}
	return strings.Join(parts, ", ")
}

func (v Version) toRange() Range {
	switch {
	case v.isExact():
		return Range{v, v}
	case v.isLower():
		return Range{v, unbounded}
	case v.isUpper():
		return Range{unbounded, v}
	}
	return Range{unbounded, unbounded}
}

// errIncompatible is dbt's VersionsNotCompatibleError before it gets its message.
var errIncompatible = fmt.Errorf("versions not compatible")

func combineLower(a, b Version) (Version, error) {
	switch {
	case b.Unbounded:
		return a, nil
	case a.Unbounded:
		return b, nil
	case !a.isExact() && !b.isExact():
		if a.Compare(b) < 0 {
			return b, nil
		}
		return a, nil
	case a.isExact():
		a, b = b, a
	}
	// a is the lower bound, b the exact version
	c := a.Compare(b)
	if c < 0 || (c == 0 && a.Matcher == GreaterOrEqual) {
		return b, nil
	}
	return Version{}, errIncompatible
}

func combineUpper(a, b Version) (Version, error) {
	switch {
	case b.Unbounded:
		return a, nil
	case a.Unbounded:
		return b, nil
	case !a.isExact() && !b.isExact():
		if a.Compare(b) > 0 {
			return b, nil
		}
		return a, nil
	case a.isExact():
		a, b = b, a
	}
	c := a.Compare(b)
	if c > 0 || (c == 0 && a.Matcher == LessOrEqual) {
		return b, nil
	}
	return Version{}, errIncompatible
}

// reduce is VersionRange.reduce.
func (r Range) reduce(o Range) (Range, error) {
	var start, end Version
	if r.Start.isExact() && o.Start.isExact() {
		if r.Start.Compare(o.Start) != 0 {
			return Range{}, errIncompatible
		}
		start, end = r.Start, r.Start
	} else {
		var err error
		if start, err = combineLower(r.Start, o.Start); err != nil {
			return Range{}, err
		}
		if end, err = combineUpper(r.End, o.End); err != nil {
			return Range{}, err
		}
	}
	if start.Compare(end) > 0 {
		return Range{}, errIncompatible
	}
	return Range{start, end}, nil
}

// ReduceVersions is dbt's reduce_versions: the one range every specifier allows, or dbt's
// "Could not find a satisfactory version from options: [...]" error.
func ReduceVersions(specs ...Version) (Range, error) {
	var list []Version
	for _, v := range specs {
		if !v.Unbounded {
			list = append(list, v)
		}
	}
	if len(list) == 0 {
		return Range{unbounded, unbounded}, nil
	}
	// dbt starts from the last specifier (list.pop()) and folds in the others in order.
	r := list[len(list)-1].toRange()
	for _, v := range list[:len(list)-1] {
		var err error
		if r, err = r.reduce(v.toRange()); err != nil {
			names := make([]string, len(specs))
			for i, s := range specs {
				names[i] = "'" + s.String() + "'"
			}
			return Range{}, fmt.Errorf("Could not find a satisfactory version from options: [%s]", strings.Join(names, ", "))
		}
	}
	return r, nil
}

// versionsCompatible is dbt's versions_compatible.
func versionsCompatible(specs ...Version) bool {
	if len(specs) == 1 {
		return true
	}
	_, err := ReduceVersions(specs...)
	return err == nil
}

// ResolveToSpecificVersion is dbt's resolve_to_specific_version: the highest of available
// inside r, as written in available ("" when none is).
func ResolveToSpecificVersion(r Range, available []string) string {
	var best Version
	bestStr, found := "", false
	for _, s := range available {
		v, err := ParseVersion(s)
		if err != nil {
			continue
		}
		if versionsCompatible(v, r.Start, r.End) && (!found || best.Compare(v) < 0) {
			best, bestStr, found = v, s, true
		}
	}
	return bestStr
}

// FilterInstallable is dbt's filter_installable: the versions (prereleases only when
// allowed), sorted from lowest to highest by dbt's comparison.
func FilterInstallable(versions []string, prerelease bool) []string {
	type pv struct {
		v Version
		s string
	}
	var out []pv
	for _, s := range versions {
		v, err := ParseVersion(s)
		if err != nil {
			continue
		}
		if prerelease || v.Prerelease == "" {
			out = append(out, pv{v, s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].v.Compare(out[j].v) < 0 })
	res := make([]string, len(out))
	for i, p := range out {
		res[i] = p.s
	}
	return res
}
