package compiler

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"gopkg.in/yaml.v3"
)

// projectRenderCtx is what a project file is rendered with: --vars and the target (nil: the
// unset target of dbt's deps and clean, whose attributes are all "").
type projectRenderCtx struct {
	cliVars map[string]any
	target  *Target
}

// projectLateKeys are top-level keys dbt leaves unrendered at load time
// (DbtProjectYamlRenderer.should_render_keypath, dbt/config/renderer.py): run hooks and
// query-comment render when used, vars when var() reads them.
var projectLateKeys = map[string]bool{"on-run-start": true, "on-run-end": true, "query-comment": true, "vars": true}

// resourceHookKeys are the model-level hooks that render at run time wherever they appear
// under models:, seeds:, snapshots:, tests: or data_tests: (with or without "+").
var resourceHookKeys = map[string]bool{"pre-hook": true, "post-hook": true, "pre_hook": true, "post_hook": true}

// skipProjectKeypath is dbt's DbtProjectYamlRenderer.should_render_keypath, negated.
func skipProjectKeypath(path []string) bool {
	if len(path) == 0 {
		return false
	}
	if projectLateKeys[path[0]] {
		return true
	}
	switch path[0] {
	case "seeds", "models", "snapshots", "tests", "data_tests":
		for _, k := range path {
			if resourceHookKeys[strings.TrimLeft(k, "+ ")] {
				return true
			}
		}
	}
	return false
}

// renderProject renders the project file's values natively, in place (nativerender.go).
func (rc projectRenderCtx) renderProject(file string, root *yaml.Node) Errors {
	env := jinja.NewEnv()
	textFilters(env)
	ctx := rc.context()
	return renderYAMLTree(file, root, nil, skipProjectKeypath, func(s string) (v jinja.Value, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("template engine failed: %v", r)
			}
		}()
		t, err := env.Parse(file, s)
		if err != nil {
			return nil, err
		}
		return renderNative(env, t, ctx)
	})
}

// context is dbt's TargetContext (or BaseContext without a profile) for YAML files read
// before any macro exists: env_var, var over --vars (a missing var without default is an
// error, dbt's require_vars), and target.
func (rc projectRenderCtx) context() *jinja.Context {
	var target jinja.Value = unsetTarget{}
	if rc.target != nil {
		target = jinja.FromGo(rc.target.TemplateFields())
	}
	return &jinja.Context{Vars: map[string]jinja.Value{
		"env_var": jinja.Func(envVarFunc),
		"target":  target,
		"var": jinja.Func(func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "name", "default")
			name, ok := a["name"].(string)
			if !ok {
				return nil, errors.New("var() needs a variable name")
			}
			if v, ok := rc.cliVars[name]; ok {
				return jinja.FromGo(v), nil
			}
			if d, ok := a["default"]; ok {
				return d, nil
			}
			return nil, fmt.Errorf("Required var '%s' not found in config:\nVars supplied to <Configuration> = %s", name, cliVarNames(rc.cliVars))
		}),
	}}
}

func cliVarNames(m map[string]any) string {
	return "{" + strings.Join(sortedKeys(m), ", ") + "}"
}

// unsetTarget is dbt's UnsetProfile target (DictDefaultEmptyStr): every attribute is "".
type unsetTarget struct{}

// Attr answers every name with "".
func (unsetTarget) Attr(string) (jinja.Value, bool) { return "", true }

// TemplateFields is the target as templates see it ({{ target.name }}, …): the profile's
// fields without secrets, and dbt's computed keys.
func (t Target) TemplateFields() map[string]any {
	m := map[string]any{}
	for k, v := range t.Fields {
		if !secretFieldNames[k] {
			m[k] = v
		}
	}
	m["name"] = t.Name
	m["target_name"] = t.Name
	m["type"] = t.Type
	m["schema"] = t.Schema
	m["database"] = t.Database
	m["threads"] = t.Threads
	m["profile_name"] = t.ProfileName
	return m
}

// ProjectProfileName reads only the profile: and target-path: keys of dir's project file,
// rendered with --vars and no target, as dbt's PartialProject.render_profile_name does before
// the profile (and so the target the rest of the file is rendered with) is known.
func ProjectProfileName(dir string, cliVars map[string]any) (profile, targetPath string, err error) {
	file, err := FindProjectFile(dir)
	if err != nil {
		return "", "", err
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return "", "", fmt.Errorf("read project file: %w", err)
	}
	rel := relTo(dir, file)
	root, err := parseYAMLDoc(rel, src)
	if err != nil {
		return "", "", err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return "", "", nil // the full parse reports it
	}
	rc := projectRenderCtx{cliVars: cliVars}
	d := &decoder{file: rel}
	for _, p := range mappingPairs(root) {
		switch p.Key.Value {
		case "profile", "target-path":
			if errs := rc.renderProject(rel, p.Value); len(errs) > 0 {
				return "", "", errs.Err()
			}
			if p.Key.Value == "profile" {
				profile = d.str(p.Value)
			} else {
				targetPath = d.str(p.Value)
			}
		}
	}
	if targetPath == "" {
		targetPath = "target"
	}
	return profile, targetPath, d.errs.Err()
}
