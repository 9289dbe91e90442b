// Package dag turns a compiled manifest into a dependency graph, answers dbt's node
// selection grammar on it, and schedules work along it. It knows unique ids, resource
// types and the manifest's metadata, never SQL, so the same graph serves `compile`,
// `run`, `build`, `test` and `ls` alike.
//
// A command uses it in three steps:
//
//	g, err := dag.New(m)            // *dag.CycleError (errors.Is ErrCycle) names each cycle's path
//	ids, err := dag.Select(g, dag.SelectOptions{Select: sel, Exclude: exc, ResourceTypes: types})
//	out, err := dag.Run(ctx, g, ids, dag.RunOptions{Threads: n}, work) // g.WithTestEdges() for build
//
// The manifest writer takes parent_map and child_map from g.ParentMap and g.ChildMap.
// Selection follows dbt-core: union by space, intersection by comma, --exclude as a set
// difference applied last, graph operators (+x, n+x, x+, x+n, @x), the methods fqn, tag,
// path, file, package, config.<key>, resource_type, source, exposure, test_type,
// test_name, group, access, result, state, selector and version (model versions:
// "name" selects every version, "name.v2" one), indirect test selection (eager,
// cautious, buildable, empty) and YAML selectors. The scheduler starts each node the
// moment its selected ancestors finish, skips the descendants of a failure naming it,
// and stops cleanly on --fail-fast or a cancelled context.
package dag
