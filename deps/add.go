package deps

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// addPackage is gdbt deps --add-package name@version --source hub|git|local
// (dbt/task/deps.py add()): it appends the entry to the packages file, first removing
// entries that already name the package, creating packages.yml when there is none.
// Unlike dbt, which rewrites the file through yaml.dump, the file's comments and key
// order are kept.
func addPackage(dir, arg, source string, log Logger) error {
	name, version, _ := strings.Cut(arg, "@")
	if version == "" && source != SourceLocal {
		return fmt.Errorf("Version is required in --add-package when a package when source is %s", source)
	}
	switch source {
	case SourceHub, SourceGit, SourceLocal:
	default:
		return fmt.Errorf("--source must be one of hub, git, local (got %q)", source)
	}
	path := filepath.Join(dir, "packages.yml")
	if _, err := os.Stat(filepath.Join(dir, "dependencies.yml")); err == nil {
		if sf, err := ReadSpecFile(dir, nil, ""); err == nil && sf.Name == "dependencies.yml" {
			path = sf.Path
		}
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		if err := os.WriteFile(path, []byte("packages: []\n"), 0o644); err != nil {
			return err
		}
		log.Info("Created packages.yml")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s must be a mapping with a packages: list", filepath.Base(path))
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "packages" {
			list = root.Content[i+1]
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		l := &yaml.Node{Kind: yaml.SequenceNode}
		if list == nil {
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "packages"}, l)
		} else {
			*list = *l
		}
		list = l
	}
	list.Style = 0 // "packages: []" becomes a block list
	// check_for_duplicate_packages: an entry any of whose values contains the name goes.
	var kept []*yaml.Node
	for _, e := range list.Content {
		dup := false
		for i := 1; i < len(e.Content); i += 2 {
			v := e.Content[i]
			if (v.Kind == yaml.ScalarNode && strings.Contains(v.Value, name)) || (v.Kind == yaml.SequenceNode && seqHas(v, name)) {
				dup = true
			}
		}
		if dup {
			log.Info(fmt.Sprintf("Found duplicate package in packages.yml, removing: %s", pyRepr(e)))
			continue
		}
		kept = append(kept, e)
	}
	// _create_packages_yml_entry
	key, vkey := "package", "version"
	if source == SourceGit {
		key, vkey = "git", "revision"
	} else if source == SourceLocal {
		key = "local"
	}
	entry := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str(key), str(name)}}
	if version != "" && source != SourceLocal {
		var v *yaml.Node
		if strings.Contains(version, ",") {
			v = &yaml.Node{Kind: yaml.SequenceNode}
			for _, p := range strings.Split(version, ",") {
				v.Content = append(v.Content, str(p))
			}
		} else {
			v = str(version)
		}
		entry.Content = append(entry.Content, str(vkey), v)
	}
	list.Content = append(kept, entry)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return err
	}
	shown := version
	if shown == "" {
		shown = "None"
	}
	log.Info(fmt.Sprintf("Added new package %s@%s to %s", name, shown, path))
	return nil
}

func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	// keep version-looking strings strings ("1.0" must not become a float)
	if out, err := yaml.Marshal(s); err == nil && (strings.HasPrefix(string(out), "'") || strings.HasPrefix(string(out), `"`)) {
		n.Style = yaml.SingleQuotedStyle
	}
	return n
}

func seqHas(seq *yaml.Node, name string) bool {
	for _, x := range seq.Content {
		if x.Value == name {
			return true
		}
	}
	return false
}

// pyRepr prints an entry the way dbt's message shows it (a Python dict).
func pyRepr(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, "'"+n.Content[i].Value+"': "+pyRepr(n.Content[i+1]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case yaml.SequenceNode:
		var parts []string
		for _, x := range n.Content {
			parts = append(parts, pyRepr(x))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if n.Tag == "!!str" || n.Tag == "" {
		return "'" + n.Value + "'"
	}
	return n.Value
}
