package deps

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

func mustVersions(t *testing.T, ss ...string) []Version {
	var out []Version
	for _, s := range ss {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// Cases follow dbt-core's tests/unit/test_semver.py and dbt_common's semver rules.
func TestReduceAndResolve(t *testing.T) {
	avail := []string{"0.0.1", "0.1.0", "0.1.1", "0.2.0", "1.0.0", "1.1.1", "1.3.0", "2.0.0-b1", "2.0.0"}
	cases := []struct {
		specs []string
		rng   string
		want  string
	}{
		{[]string{">=1.0.0", "<2.0.0"}, ">=1.0.0, <2.0.0", "1.3.0"},
		{[]string{">0.0.1", "<0.2.0"}, ">0.0.1, <0.2.0", "0.1.1"},
		{[]string{"0.1.0"}, "=0.1.0, =0.1.0", "0.1.0"}, // dbt prints both ends,
		{[]string{">=0.1.0", "=0.1.1"}, "=0.1.1, =0.1.1", "0.1.1"},
		{[]string{">0.1.0", ">=0.2.0", "<=1.0.0"}, ">=0.2.0, <=1.0.0", "1.0.0"},
		{[]string{"<2.0.0"}, "<2.0.0", "1.3.0"}, // 2.0.0-b1 is below 2.0.0 but "<" excludes it
		{[]string{">=1.0.0"}, ">=1.0.0", "2.0.0"},
		{nil, "ANY", "2.0.0"},
	}
	for _, c := range cases {
		r, err := ReduceVersions(mustVersions(t, c.specs...)...)
		if err != nil {
			t.Errorf("%v: %v", c.specs, err)
			continue
		}
		if r.String() != c.rng {
			t.Errorf("%v: range %s, want %s", c.specs, r, c.rng)
		}
		if got := ResolveToSpecificVersion(r, avail); got != c.want {
			t.Errorf("%v: resolved %s, want %s", c.specs, got, c.want)
		}
	}
	for _, bad := range [][]string{{"0.1.0", "0.1.1"}, {">=1.0.0", "<1.0.0"}, {">1.0.0", "=1.0.0"}, {"<1.0.0", "=1.0.0"}, {">=2.0.0", "<=1.9.9"}} {
		_, err := ReduceVersions(mustVersions(t, bad...)...)
		if err == nil || !strings.Contains(err.Error(), "Could not find a satisfactory version from options: ['") {
			t.Errorf("%v: err = %v", bad, err)
		}
	}
}

func TestPrereleaseOrder(t *testing.T) {
	// semver.org's ordering example, which dbt's _nat_cmp follows.
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"}
	vs := mustVersions(t, order...)
	for i := 0; i+1 < len(vs); i++ {
		if vs[i].Compare(vs[i+1]) != -1 || vs[i+1].Compare(vs[i]) != 1 {
			t.Errorf("%s should sort before %s", order[i], order[i+1])
		}
	}
	if got := FilterInstallable([]string{"0.1.4a1", "0.1.3", "0.1.2"}, false); strings.Join(got, ",") != "0.1.2,0.1.3" {
		t.Errorf("without prereleases: %v", got)
	}
	if got := FilterInstallable([]string{"0.1.4a1", "0.1.3", "0.1.2"}, true); strings.Join(got, ",") != "0.1.2,0.1.3,0.1.4a1" {
		t.Errorf("with prereleases: %v", got)
	}
	for _, bad := range []string{"1.0", "v1.0.0", "01.0.0", "1.0.0.0", ">>1.0.0"} {
		if _, err := ParseVersion(bad); err == nil || !strings.Contains(err.Error(), "is not a valid semantic version") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// yamlScalar against PyYAML itself (the oracle dbt writes package-lock.yml with), when
// python3 has it.
func TestYAMLScalarMatchesPyYAML(t *testing.T) {
	cases := []string{"1.3.0", "1.0", "file://{{ env_var('X') }}", "{{ x }}", "https://a/b.git", ">=1.0.0", "<1.2.0",
		"abc: d", "0123", "true", "yes", "53782f3ede8fdf307ee1d8e418aa65733a4b72fa", "1e10", "1.0e+10", "-x", "- x", "@x", "~", "",
		"a #b", "a#b", "dbt-labs/dbt_utils", "it's", "null", "2024-01-01", "0x1F", ".inf", "1_000", "x:y", "?x", "? x", "0.17.1", "12345"}
	cmd := exec.Command("python3", "-c", `import sys, yaml, json
for s in json.load(sys.stdin):
    print(json.dumps(yaml.dump({"k": s}, default_flow_style=False)[3:-1]))`)
	in, _ := json.Marshal(cases)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("python3 with PyYAML is not available: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, c := range cases {
		var want string
		json.Unmarshal([]byte(lines[i]), &want)
		if got := yamlScalar(c); got != want {
			t.Errorf("%q: got %s, PyYAML writes %s", c, got, want)
		}
	}
}
