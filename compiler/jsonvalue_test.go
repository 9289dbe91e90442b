package compiler

import (
	"context"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// TestManifestDictNumbers: {{ graph }} keeps a config's integers integers and its floats
// floats, as dbt's dicts do (a JSON round trip through float64 would print 2 as "2.0").
func TestManifestDictNumbers(t *testing.T) {
	p := loadCase(t, "features", Options{Vars: `{"region": "us"}`})
	src := "{% set m = graph.nodes['model.features.features'].config.meta %}{{ m.tier }}|{{ m.weight }}|{{ m.tier is integer }}"
	got, err := p.CompileInline(context.Background(), nil, src)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2|0.5|True"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	n := p.Manifest.Nodes["model.features.features"]
	v := nodeDict(n)
	for _, k := range []string{"config", "meta", "tier"} {
		d, ok := v.(*jinja.Dict)
		if !ok {
			t.Fatalf("model.%s: not a dict but %T", k, v)
		}
		v, _ = d.Get(k)
	}
	if v != int64(2) {
		t.Errorf("model.config.meta.tier = %#v, want int64(2)", v)
	}
}
