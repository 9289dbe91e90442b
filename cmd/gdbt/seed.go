package main

// cmdSeed loads the selected seed CSV files.
func cmdSeed(g *Globals, args []string) int { return execCommand(g, "seed", args) }

// cmdSnapshot runs the selected snapshots.
func cmdSnapshot(g *Globals, args []string) int { return execCommand(g, "snapshot", args) }
