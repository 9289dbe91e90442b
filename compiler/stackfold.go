package compiler

import "fmt"

// foldCycles shortens a macro call stack whose innermost frames repeat (infinite
// recursion: ping calls pong calls ping … until Jinja's depth limit): the cycle is printed
// once, then one line says how often it repeated, then the frames that led into it. Other
// stacks come back unchanged.
func foldCycles(stack []string) []string {
	for p := 1; p <= len(stack)/2; p++ {
		k := 0
		for k+p < len(stack) && stack[k] == stack[k+p] {
			k++
		}
		if k < p {
			continue // not even two whole cycles of length p
		}
		cycles := (k + p) / p
		out := append([]string{}, stack[:p]...)
		out = append(out, fmt.Sprintf("… the %d frame(s) above repeat %d more times: the macros call each other without end", p, cycles-1))
		return append(out, stack[cycles*p:]...)
	}
	return stack
}
