package main

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// cmdRunOperation calls a macro: gdbt run-operation <macro> [--args '{key: value}'].
// The arguments are a YAML (or JSON) mapping passed as keyword arguments.
func cmdRunOperation(g *Globals, args []string) int {
	fl, err := cmdArgs("run-operation", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if len(fl.Args) != 1 {
		g.Errorf("usage: gdbt run-operation <macro> [--args '{key: value}']")
		return ExitLoadFailed
	}
	kwargs := map[string]any{}
	if a := g.FlagStr("args", ""); a != "" {
		if err := yaml.Unmarshal([]byte(a), &kwargs); err != nil {
			g.Errorf("--args must be a YAML or JSON mapping: %v", err)
			return ExitLoadFailed
		}
	}
	s, code := openSession(g)
	if s == nil {
		return code
	}
	defer s.close()
	g.Infof("Running with gdbt=%s", buildVersion())
	out, err := s.p.RunOperation(s.ctx, s.a, fl.Args[0], kwargs)
	if err != nil {
		g.Errorf("Encountered an error while running operation: %v", err)
		return ExitNodeFailed
	}
	if out != nil && out != "" {
		if b, err := json.Marshal(out); err == nil && g.LogFormat == "json" {
			fmt.Fprintln(g.Stdout, string(b))
		}
	}
	return ExitOK
}
