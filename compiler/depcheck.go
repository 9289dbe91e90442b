package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/manifest"
)

// Dependencies are captured at parse time (execute=False). A ref() or source() reached only
// when execute is True, e.g. inside {% if execute %}, was never seen by the parser, so the
// DAG lacks its edge and the node could run before its parent. dbt refuses such a render
// and tells the user to add a `-- depends_on: {{ ref(...) }}` comment, which renders at
// parse time; gdbt does the same.

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
