package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// cmdInit is dbt's init (dbt/task/init.py): outside a project it writes a new project
// skeleton named by the argument and a profile of that name in profiles.yml (the
// --profiles-dir, else ~/.dbt); inside a project it only sets up the project's profile.
// On a terminal it asks for what is missing (name, adapter, connection fields); otherwise
// it takes the flags (--adapter, --profile, --skip-profile-setup) and writes a profile
// whose secrets are env_var() references.
func cmdInit(g *Globals, args []string) int {
	fl, err := cmdArgs("init", args)
	if err == nil && len(fl.Args) > 1 {
		err = fmt.Errorf("usage: gdbt init [project_name] [--adapter duckdb|postgres|snowflake] [--skip-profile-setup]")
	}
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	in := &initIO{r: bufio.NewReader(g.Stdin), w: g.Stdout, interactive: isTerminal(g.Stdin)}
	name := ""
	if len(fl.Args) == 1 {
		name = fl.Args[0]
	}
	if err := runInit(g, in, name); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	return ExitOK
}

// initIO asks questions on a terminal; non-interactive, every answer is its default.
type initIO struct {
	r           *bufio.Reader
	w           io.Writer
	interactive bool
}

// ask prints the question with its default and returns the answer (the default when the
// line is empty or the session is not interactive).
func (in *initIO) ask(q, def string) (string, error) {
	if !in.interactive {
		return def, nil
	}
	if def != "" {
		fmt.Fprintf(in.w, "%s [%s]: ", q, def)
	} else {
		fmt.Fprintf(in.w, "%s: ", q)
	}
	line, err := in.r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if line = strings.TrimSpace(line); line == "" {
		if errors.Is(err, io.EOF) && def == "" {
			return "", fmt.Errorf("init: no answer to %q", q)
		}
		return def, nil
	}
	return line, nil
}

// projectNameRe is dbt's rule for project names (dbt/task/init.py is_valid_project_name).
var projectNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// runInit does the work of cmdInit with in as its terminal.
func runInit(g *Globals, in *initIO, name string) error {
	projectFile := ""
	for _, f := range []string{"dbt_project.yml", "project.yaml"} {
		if _, err := os.Stat(filepath.Join(g.ProjectDir, f)); err == nil {
			projectFile = filepath.Join(g.ProjectDir, f)
		}
	}
	if projectFile != "" {
		if g.Profile != "" {
			return fmt.Errorf("can not init an existing project with a specified profile; edit %s instead", projectFile)
		}
		if g.FlagBool("skip-profile-setup", false) {
			return nil
		}
		data, err := os.ReadFile(projectFile)
		if err != nil {
			return err
		}
		var pf struct{ Profile string }
		if err := yaml.Unmarshal(data, &pf); err != nil || pf.Profile == "" {
			return fmt.Errorf("%s: no profile: key to set up", projectFile)
		}
		g.Infof("Setting up your profile.")
		return setupProfile(g, in, pf.Profile)
	}
	for name == "" || !projectNameRe.MatchString(name) {
		if name != "" {
			fmt.Fprintf(in.w, "Enter a valid name: letters, digits and underscores, not starting with a digit.\n")
			if !in.interactive {
				return fmt.Errorf("init: %q is not a valid project name (letters, digits, underscores; not starting with a digit)", name)
			}
		}
		if !in.interactive && name == "" {
			return fmt.Errorf("init: give the project name (gdbt init my_project) when not on a terminal")
		}
		var err error
		if name, err = in.ask("Enter a name for your project (letters, digits, underscore)", ""); err != nil {
			return err
		}
	}
	dir := filepath.Join(g.ProjectDir, name)
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("a project called %s already exists here (%s)", name, dir)
	}
	profile := name
	if g.Profile != "" {
		profile = g.Profile
	}
	if err := writeSkeleton(dir, name, profile); err != nil {
		return err
	}
	g.Infof("Your new dbt project %q was created in %s.", name, dir)
	if g.Profile != "" || g.FlagBool("skip-profile-setup", false) {
		return nil
	}
	return setupProfile(g, in, profile)
}

// writeSkeleton writes the starter project: its project file, two example models and
// their properties, and the empty resource folders.
func writeSkeleton(dir, name, profile string) error {
	files := map[string]string{
		"dbt_project.yml": fmt.Sprintf(`name: '%s'
version: '1.0.0'
profile: '%s'

model-paths: ["models"]
analysis-paths: ["analyses"]
test-paths: ["tests"]
seed-paths: ["seeds"]
macro-paths: ["macros"]
snapshot-paths: ["snapshots"]

clean-targets:
  - "target"
  - "dbt_packages"

models:
  %s:
    example:
      +materialized: view
`, name, profile, name),
		"models/example/my_first_dbt_model.sql":  "-- A starter model: a table of two ids.\n{{ config(materialized='table') }}\n\nselect 1 as id\nunion all\nselect 2 as id\n",
		"models/example/my_second_dbt_model.sql": "-- A view over the first model.\nselect *\nfrom {{ ref('my_first_dbt_model') }}\nwhere id = 1\n",
		"models/example/schema.yml": `version: 2

models:
  - name: my_first_dbt_model
    description: "A starter model"
    columns:
      - name: id
        description: "The primary key for this table"
        data_tests: [unique, not_null]
  - name: my_second_dbt_model
    description: "A starter view"
    columns:
      - name: id
        data_tests: [unique, not_null]
`,
		".gitignore": "target/\ndbt_packages/\nlogs/\n",
		"README.md":  "Welcome to your new dbt project! Try `gdbt run`, `gdbt test` and `gdbt build`.\n",
	}
	for _, d := range []string{"analyses", "macros", "seeds", "snapshots", "tests"} {
		files[d+"/.gitkeep"] = ""
	}
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// profileFields are the questions for each adapter's target, in order: field, default
// (a "{{ env_var(…) }}" default keeps a secret out of the file when not on a terminal).
var profileFields = map[string][][2]string{
	"duckdb":    {{"path", "{name}.duckdb"}, {"threads", "1"}},
	"postgres":  {{"host", "localhost"}, {"port", "5432"}, {"user", "{{ env_var('DBT_USER') }}"}, {"password", "{{ env_var('DBT_PASSWORD') }}"}, {"dbname", "{name}"}, {"schema", "public"}, {"threads", "1"}},
	"snowflake": {{"account", "{{ env_var('SNOWFLAKE_ACCOUNT') }}"}, {"user", "{{ env_var('SNOWFLAKE_USER') }}"}, {"password", "{{ env_var('SNOWFLAKE_PASSWORD') }}"}, {"role", ""}, {"database", "{name}"}, {"warehouse", ""}, {"schema", "public"}, {"threads", "1"}},
}

// setupProfile asks for (or defaults) the adapter and its fields and adds the profile to
// profiles.yml in the profiles dir; an existing profile of that name is kept, as dbt asks
// before overwriting and a script cannot answer.
func setupProfile(g *Globals, in *initIO, profile string) error {
	dir := g.ProfilesDir
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("init: no --profiles-dir and no home folder: %w", err)
		}
		dir = filepath.Join(home, ".dbt")
	}
	path := filepath.Join(dir, "profiles.yml")
	profiles := map[string]any{}
	if data, err := os.ReadFile(path); err == nil {
		if err := yaml.Unmarshal(data, &profiles); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if profiles == nil {
			profiles = map[string]any{}
		}
	}
	if _, ok := profiles[profile]; ok {
		g.Warn(fmt.Sprintf("profile %s already exists in %s; left unchanged", profile, path))
		return nil
	}
	adapter := g.FlagStr("adapter", "duckdb")
	if in.interactive && !g.FlagSet("adapter") {
		fmt.Fprintln(in.w, "Which database would you like to use?\n[1] duckdb\n[2] postgres\n[3] snowflake")
		for {
			a, err := in.ask("Enter a number", "1")
			if err != nil {
				return err
			}
			if m := map[string]string{"1": "duckdb", "2": "postgres", "3": "snowflake"}[a]; m != "" {
				adapter = m
				break
			}
		}
	}
	out := map[string]any{"type": adapter}
	for _, f := range profileFields[adapter] {
		def := strings.ReplaceAll(f[1], "{name}", profile)
		v, err := in.ask(f[0], def)
		if err != nil {
			return err
		}
		if v == "" {
			continue
		}
		if f[0] == "threads" || f[0] == "port" {
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil {
				return fmt.Errorf("init: %s must be a number, got %q", f[0], v)
			}
			out[f[0]] = n
			continue
		}
		out[f[0]] = v
	}
	profiles[profile] = map[string]any{"target": "dev", "outputs": map[string]any{"dev": out}}
	data, err := yaml.Marshal(profiles)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	g.Infof("Profile %s written to %s (%s).", profile, path, adapter)
	return nil
}
