package compiler

import (
	"path"
	"regexp"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// Python models (models/*.py with def model(dbt, session)) are kept as nodes, with their
// refs, sources and dbt.config() calls, so that parse, compile, ls and the DAG of the rest
// of the project work as in dbt; gdbt cannot run them (it has no Python runtime), and the
// runner reports each as SKIP with that reason, its dependents skipped naming it.

// PythonModelReason is the message a python model is skipped with at run time.
const PythonModelReason = "python models cannot run in gdbt (no Python runtime); build it with dbt, or rewrite it in SQL"

// dbt reads a python model's dbt.ref / dbt.source / dbt.config calls from its AST
// (dbt/parser/models.py PythonParseVisitor), with literal arguments only; these patterns
// read the same literal calls.
var (
	pyRefCall    = regexp.MustCompile(`\bdbt\.ref\(\s*(['"])([^'"]+)['"]\s*(?:,\s*(['"])([^'"]+)['"]\s*)?(?:,\s*(?:v|version)\s*=\s*['"]?([^'")\s]+)['"]?\s*)?\)`)
	pySourceCall = regexp.MustCompile(`\bdbt\.source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)`)
	pyConfigCall = regexp.MustCompile(`\bdbt\.config\(([^)]*)\)`)
	pyConfigKV   = regexp.MustCompile(`(\w+)\s*=\s*(?:'([^']*)'|"([^"]*)"|(True|False)|(-?\d+))`)
)

// parsePythonModel makes the node of a python model file.
func (p *projectImpl) parsePythonModel(f *SourceFile, pi *propIndex, rel, display, src string) ([]*parsedNode, Errors) {
	name := strings.TrimSuffix(path.Base(rel), ".py")
	n := p.newNode(f, manifest.Model, name, rel, src)
	n.Language = "python"
	p.applyPatch(n, pi, f)
	pn := &parsedNode{n: n, file: display, src: src}
	for _, m := range pyRefCall.FindAllStringSubmatchIndex(src, -1) {
		args := manifest.RefArgs{Name: src[m[4]:m[5]]}
		if m[8] >= 0 { // two names: package, model
			args = manifest.RefArgs{Package: src[m[4]:m[5]], Name: src[m[8]:m[9]]}
		}
		if m[10] >= 0 {
			args.Version = src[m[10]:m[11]]
		}
		pn.refs = append(pn.refs, refCall{args: args, file: display, pos: m[0]})
	}
	for _, m := range pySourceCall.FindAllStringSubmatchIndex(src, -1) {
		pn.sources = append(pn.sources, sourceCall{source: src[m[2]:m[3]], table: src[m[4]:m[5]], file: display, pos: m[0]})
	}
	for _, m := range pyConfigCall.FindAllStringSubmatch(src, -1) {
		for _, kv := range pyConfigKV.FindAllStringSubmatch(m[1], -1) {
			var v any
			switch {
			case kv[4] == "True" || kv[4] == "False":
				v = kv[4] == "True"
			case kv[5] != "":
				v = kv[5]
			case kv[3] != "":
				v = kv[3]
			default:
				v = kv[2]
			}
			n.ConfigCallDict[kv[1]] = v
		}
	}
	if err := p.finishNode(n, n.ConfigCallDict); err != nil {
		return nil, AsErrors(err)
	}
	if errs := p.prepareContract(pn); len(errs) > 0 {
		return nil, errs
	}
	return []*parsedNode{pn}, nil
}
