package main

// cmdTest runs the selected data tests.
func cmdTest(g *Globals, args []string) int { return execCommand(g, "test", args) }
