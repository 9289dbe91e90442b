package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/manifest"
)

// patchMacros applies the `macros:` entries of property YAML (description, arguments, meta)
// to the manifest's macros, as dbt's macro patches do: an entry documents the macro of the
// same name in the package the YAML file belongs to. An entry naming no macro is a warning,
// as in dbt, because documentation must not break a build.
func patchMacros(macros map[string]*manifest.Macro, pi *propIndex, warn func(string)) {
	for _, pr := range pi.props {
		for _, mp := range pr.Macros {
			if mp == nil {
				continue
			}
			id := "macro." + pr.File.Package.Name + "." + mp.Name
			m, ok := macros[id]
			if !ok {
				warn(fmt.Sprintf("%s:%d:%d: macro %q documented but not found in package %s",
					pr.File.DisplayPath(), mp.Line, mp.Col, mp.Name, pr.File.Package.Name))
				continue
			}
			m.Description = mp.Description
			if mp.Meta != nil {
				m.Meta = mp.Meta
			}
			args := make([]any, 0, len(mp.Arguments))
			for _, a := range mp.Arguments {
				args = append(args, a)
			}
			m.Arguments = args
		}
	}
}
