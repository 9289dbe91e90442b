package main

// cmdBuild seeds, runs, snapshots and tests the selected resources in one DAG; a failing
// test skips what depends on the model it tested.
func cmdBuild(g *Globals, args []string) int { return execCommand(g, "build", args) }
