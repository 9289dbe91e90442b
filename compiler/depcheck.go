package compiler

import (
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"

	"github.com/gdbt-dev/gdbt/manifest"
)

// Dependencies are captured at parse time (execute=False). A ref() reached only when
// execute is True, e.g. inside {% if execute %}, was never seen by the parser, so the DAG
// lacks its edge and the node could run before its parent. dbt refuses such a render and
// tells the user to add a `-- depends_on: {{ ref(...) }}` comment, which renders at parse
// time; gdbt does the same. A source() has no such check (dbt's RuntimeRefResolver.validate
// exists, its RuntimeSourceResolver has none: core/dbt/context/providers.py), since a
// source never runs and so cannot be ordered wrongly.

// checkInferred fails when a compile- or run-time render of the node resolves to target,
// a unique id the parser did not record in the node's depends_on. hint is the call to
// suggest, e.g. "ref('orders')".
func (rs *renderState) checkInferred(target, hint string) error {
	// An inline snippet (compile --inline, show --inline) is never parsed, so it has no
	// depends_on to check against.
	if rs.mode == modeParse || rs.node == nil || rs.node.ResourceType == "sql_operation" {
		return nil
	}
	n := rs.node
	if n.UniqueID == target {
		return nil
	}
	if frozen := rs.p.frozen[n.UniqueID]; frozen != nil && frozen != n && hasString(frozen.DependsOn.Nodes, target) {
		return nil
	}
	if hasString(n.DependsOn.Nodes, target) {
		return nil
	}
	return fmt.Errorf("dbt was unable to infer all dependencies for the %s %q. This typically happens when ref() is placed within a conditional block. To fix this, add the following hint to the top of the %s: -- depends_on: {{ %s }}",
		kindWord(n), n.Name, kindWord(n), hint)
}

// kindWord is how dbt names a node in this message ("model", "test", …).
func kindWord(n *manifest.Node) string {
	if n.ResourceType == "" {
		return "node"
	}
	return n.ResourceType
}

// refHint spells a ref call as the user would write it.
func refHint(ra manifest.RefArgs) string {
	s := "ref("
	if ra.Package != "" {
		s += fmt.Sprintf("'%s', ", ra.Package)
	}
	s += fmt.Sprintf("'%s'", ra.Name)
	if ra.Version != nil {
		s += fmt.Sprintf(", v=%v", ra.Version)
	}
	return s + ")"
}

func hasString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// captureHookDeps renders the node's pre- and post-hooks at parse time and adds the refs and
// sources they call to pn, as dbt does, so a hook such as
// `insert into {{ ref('audit') }} …` gives the node that edge (and passes checkInferred
// when the hook runs). A hook that fails to render here is left for run time to report.
func (p *projectImpl) captureHookDeps(pn *parsedNode) {
	n := pn.n
	for _, key := range []string{"pre-hook", "post-hook"} {
		for _, h := range asList(n.Config[key]) {
			sql, _ := h.(string)
			if m, ok := h.(map[string]any); ok {
				sql, _ = m["sql"].(string)
			}
			if !strings.Contains(sql, "{") {
				continue
			}
			t, err := p.env.Parse(pn.file, sql)
			if err != nil {
				continue
			}
			rs := p.newState(background, n, modeParse, nil)
			if _, err := t.Render(p.env, rs.rootContext()); err != nil {
				if _, isRet := jinja.ReturnValue(err); !isRet {
					continue
				}
			}
			// Positions in a hook are relative to the hook text; point at the node's file.
			for _, r := range rs.refs {
				r.file, r.pos = pn.file, 0
				pn.refs = append(pn.refs, r)
			}
			for _, s := range rs.sources {
				s.file, s.pos = pn.file, 0
				pn.sources = append(pn.sources, s)
			}
		}
	}
}
