package compiler

import "maps"

// sharedTestConfigKey is where the shared default test config is kept in p.defaults.
const sharedTestConfigKey = "test (shared)"

// testConfig is a generic test's resolved config: dbt's test defaults, then the project
// file's levels for its path (proj), then its own YAML config (own).
//
// Most tests of a big project configure nothing (all 26,000 of the 10,000-model bench
// project), and a private copy of the ~30-key default map per test was 36 MB of that
// project's live heap, the largest single item. Those tests share one map instead, so
// nothing may change a test's config in place: code that merges into it after the load
// (captureTestConfigs) takes its own copy first (ownTestConfig).
func (p *projectImpl) testConfig(proj, own map[string]any) map[string]any {
	if len(proj) > 0 || len(own) > 0 {
		cfg := p.defaultConfig("test")
		MergeConfig(cfg, proj)
		MergeConfig(cfg, own)
		return cfg
	}
	p.defaultsMu.Lock()
	defer p.defaultsMu.Unlock()
	if p.defaults == nil {
		p.defaults = map[string]map[string]any{}
	}
	cfg, ok := p.defaults[sharedTestConfigKey]
	if !ok {
		cfg = DefaultConfig("test")
		p.defaults[sharedTestConfigKey] = cfg
	}
	return cfg
}

// ownTestConfig gives a test node a config map of its own before it is changed in place
// (its map may be the one testConfig shares).
func ownTestConfig(cfg map[string]any) map[string]any { return maps.Clone(cfg) }
