package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// checkRequireDbtVersion enforces the project's require-dbt-version against the dbt
// version gdbt implements (compiler.DbtVersion), as dbt does unless --no-version-check
// (dbt/config/runtime.py validate_version, dbt/semver.py): a string or a list of
// constraints, each ">=1.5.0", "<2.0.0", "=1.10.0" or "1.10.0", all of which must hold.
func checkRequireDbtVersion(pc *compiler.ProjectConfig) error {
	if pc == nil || pc.RequireDbtVersion == nil {
		return nil
	}
	var specs []string
	switch v := pc.RequireDbtVersion.(type) {
	case string:
		specs = []string{v}
	case []any:
		for _, e := range v {
			specs = append(specs, fmt.Sprint(e))
		}
	default:
		return fmt.Errorf("%s: require-dbt-version must be a string or a list of strings, got %v", pc.File, v)
	}
	have, _ := parseSemver(compiler.DbtVersion)
	for _, spec := range specs {
		for _, part := range strings.Split(spec, ",") {
			part = strings.TrimSpace(part)
			op := strings.TrimRight(part[:len(part)-len(strings.TrimLeft(part, "<>=~"))], " ")
			want, err := parseSemver(strings.TrimSpace(part[len(op):]))
			if err != nil {
				return fmt.Errorf("%s: require-dbt-version: %q is not a version constraint (like \">=1.5.0\")", pc.File, part)
			}
			c := compareSemver(have, want)
			ok := false
			switch op {
			case ">=":
				ok = c >= 0
			case ">":
				ok = c > 0
			case "<=":
				ok = c <= 0
			case "<":
				ok = c < 0
			case "", "=", "==":
				ok = c == 0
			default:
				return fmt.Errorf("%s: require-dbt-version: unknown operator %q in %q", pc.File, op, part)
			}
			if !ok {
				return fmt.Errorf("this version of dbt is not supported with the '%s' package.\n  Installed version of dbt: =%s (gdbt implements dbt-core %s)\n  Required version of dbt for '%s': %q\nCheck for a different version of the '%s' package, or run gdbt again with --no-version-check",
					pc.Name, compiler.DbtVersion, compiler.DbtVersion, pc.Name, specs, pc.Name)
			}
		}
	}
	return nil
}

// parseSemver reads "1.10.0" (missing minor or patch are 0; a prerelease suffix is
// dropped: dbt compares prereleases below their release, gdbt implements releases only).
func parseSemver(s string) ([3]int, error) {
	var v [3]int
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) == 0 || len(parts) > 3 {
		return v, fmt.Errorf("bad version %q", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return v, fmt.Errorf("bad version %q", s)
		}
		v[i] = n
	}
	return v, nil
}

func compareSemver(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
