package compiler

import (
	"context"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// TestSharedTestDocsStayUnwritten loads and compiles the compile test projects, whose
// generic tests share testNodeDocs, and checks the shared map still holds exactly
// {"show": true}: a write through one test node's Docs would change every test's docs.
func TestSharedTestDocsStayUnwritten(t *testing.T) {
	shared := 0
	for _, name := range []string{"basic", "features"} {
		p := loadCase(t, name, Options{})
		for _, n := range p.Manifest.Nodes {
			if n.ResourceType == manifest.Test && n.TestMetadata != nil && len(n.Docs) == 1 {
				shared++
			}
			if _, err := p.Compile(context.Background(), nil, n); err != nil {
				t.Logf("%s: %v", n.UniqueID, err)
			}
		}
	}
	if shared == 0 {
		t.Fatal("no generic test nodes in the test projects")
	}
	if len(testNodeDocs) != 1 || testNodeDocs["show"] != true {
		t.Fatalf("testNodeDocs = %v, want map[show:true]", testNodeDocs)
	}
}
