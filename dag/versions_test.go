package dag

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// versionedManifest has the model dim_customers in three versions (latest 2, 3 a
// prerelease) under models/core, an unversioned model named v2 (a selector "v2" must not
// pick the versions), and a consumer of the latest version.
func versionedManifest() *manifest.Manifest {
	m := &manifest.Manifest{Metadata: manifest.Metadata{ProjectName: "shop"}, Nodes: map[string]*manifest.Node{},
		Sources: map[string]*manifest.Source{}, Exposures: map[string]*manifest.Exposure{}, Macros: map[string]*manifest.Macro{}}
	add := func(id, name string, fqn []string, version any, deps ...string) {
		n := &manifest.Node{UniqueID: id, ResourceType: manifest.Model, PackageName: "shop", Name: name, FQN: fqn,
			OriginalFilePath: "models/" + strings.Join(fqn[1:], "/") + ".sql", Config: map[string]any{"enabled": true},
			DependsOn: manifest.DependsOn{Nodes: deps}}
		if version != nil {
			n.Version, n.LatestVersion = version, 2
		}
		m.Nodes[id] = n
	}
	for _, v := range []int{1, 2, 3} {
		vs := manifest.VersionString(v)
		add("model.shop.dim_customers.v"+vs, "dim_customers", []string{"shop", "core", "dim_customers", "v" + vs}, v)
	}
	add("model.shop.v2", "v2", []string{"shop", "v2"}, nil)
	add("model.shop.consumer", "consumer", []string{"shop", "consumer"}, nil, "model.shop.dim_customers.v2")
	return m
}

func TestSelectVersions(t *testing.T) {
	g, err := New(versionedManifest())
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"model.shop.dim_customers.v1", "model.shop.dim_customers.v2", "model.shop.dim_customers.v3"}
	cases := []struct {
		sel  string
		want []string
	}{
		{"dim_customers", all},
		{"dim_customers.v2", all[1:2]},
		{"dim_customers_v2", all[1:2]},
		{"shop.core.dim_customers.v1", all[:1]},
		{"core.dim_customers", all},
		{"shop.core.*", all},
		{"v2", []string{"model.shop.v2"}},
		{"version:latest", all[1:2]},
		{"version:prerelease", all[2:]},
		{"version:old", all[:1]},
		{"version:none", []string{"model.shop.consumer", "model.shop.v2"}},
		{"dim_customers.v2+", []string{"model.shop.consumer", "model.shop.dim_customers.v2"}},
		{"dim_customers,version:latest", all[1:2]},
	}
	for _, tc := range cases {
		got, err := Select(g, SelectOptions{Select: []string{tc.sel}})
		if err != nil {
			t.Errorf("%s: %v", tc.sel, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s selects %v, want %v", tc.sel, got, tc.want)
		}
	}
	_, err = Select(g, SelectOptions{Select: []string{"version:newest"}})
	if !errors.Is(err, ErrBadSelector) || !strings.Contains(err.Error(), `invalid version selector "newest"`) {
		t.Errorf("version:newest: %v", err)
	}
}
