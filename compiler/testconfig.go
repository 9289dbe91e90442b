package compiler

import (
	"sort"

	"github.com/gdbt-dev/gdbt/manifest"
)

// captureTestConfigs renders each generic test whose macro comes from a package or the
// project once at parse time (execute=False), as dbt does, and applies the config() calls
// its macros make. dbt-utils' equal_rowcount, fewer_rows_than and equality set
// `config(fail_calc=…)` before returning early at parse time: without this, the test
// counts failing rows instead and fails. A config() call in the macro overrides the test's
// YAML config, as in dbt (whose test node runs the YAML config() call first, then the
// macro). The built-in generic tests call no config() and are skipped, as dbt skips
// not_null and unique, so big projects pay nothing. A parse-time render error is left to
// the test's own execution, which reports it with the warehouse at hand, instead of
// failing the whole project's load.
func (p *projectImpl) captureTestConfigs(m *manifest.Manifest) {
	var ids []string
	for id, n := range m.Nodes {
		if n.ResourceType != manifest.Test {
			continue
		}
		if ns := p.srcs[id]; ns != nil && ns.generic != nil && ns.generic.macro.pkg != builtinPkg {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	calls := make([]map[string]any, len(ids))
	parallel(len(ids), func(i int) {
		n := m.Nodes[ids[i]]
		rs := p.newState(background, n, modeParse, nil)
		if _, err := p.renderWith(rs, p.srcs[ids[i]]); err == nil {
			calls[i] = rs.cfgCall
		}
	})
	for i, id := range ids {
		call := calls[i]
		if len(call) == 0 {
			continue
		}
		n := m.Nodes[id]
		n.Config = ownTestConfig(n.Config) // never merge into the shared default (testConfig)
		MergeConfig(n.Config, call)
		for k, v := range call {
			n.UnrenderedConfig[NormalizeConfigKey(k)] = v
			n.ConfigCallDict[k] = v
		}
		n.Tags = strList(n.Config["tags"])
		if f := p.frozen[id]; f != nil && f != n {
			f.Config, f.Tags, f.ConfigCallDict, f.UnrenderedConfig = n.Config, n.Tags, n.ConfigCallDict, n.UnrenderedConfig
		}
	}
}
