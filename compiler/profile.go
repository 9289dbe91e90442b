package compiler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"gopkg.in/yaml.v3"
)

// ProfilesFile is the file name dbt looks for in each profiles folder.
const ProfilesFile = "profiles.yml"

// SecretEnvPrefix marks environment variables whose values must never reach logs or
// artifacts (dbt's convention).
const SecretEnvPrefix = "DBT_ENV_SECRET_"

// ProfileInfo says where a target came from, for `gdbt debug` and --log-level debug.
type ProfileInfo struct {
	File       string   // the profiles.yml used, "" for the zero-config target
	Searched   []string // the folders looked at, in order
	ZeroConfig bool     // no profiles.yml anywhere, no --profile/--target: embedded DuckDB
	Reason     string   // why the zero-config target was chosen
}

// ProfileDirs lists the folders searched for profiles.yml, in dbt's order: --profiles-dir,
// GDBT_PROFILES_DIR, DBT_PROFILES_DIR, the project folder, the current folder, then ~/.dbt.
func ProfileDirs(opts Options) []string {
	var dirs []string
	add := func(d string) {
		if d == "" {
			return
		}
		for _, x := range dirs {
			if x == d {
				return
			}
		}
		dirs = append(dirs, d)
	}
	add(opts.ProfilesDir)
	add(os.Getenv("GDBT_PROFILES_DIR"))
	add(os.Getenv("DBT_PROFILES_DIR"))
	pd := opts.ProjectDir
	if pd == "" {
		pd = "."
	}
	add(pd)
	if abs, err := filepath.Abs(pd); err == nil {
		if wd, err := os.Getwd(); err == nil && wd != abs {
			add(".") // dbt looks in the folder it runs from
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, ".dbt"))
	}
	return dirs
}

// LoadProfile resolves the target for profileName (opts.Profile overrides it, opts.Target
// overrides the profile's default target). Only when no profiles.yml exists in any searched
// folder and neither --profile nor --target was given does it return the zero-config
// embedded DuckDB target target/gdbt.duckdb; every other miss is dbt's error.
func LoadProfile(opts Options, profileName string) (Target, error) {
	t, _, err := LoadProfileInfo(opts, profileName, "target")
	return t, err
}

// LoadProfileFor is LoadProfile for a loaded project: the profile named in the project file
// and the zero-config database under the project's target-path.
func LoadProfileFor(opts Options, pc *ProjectConfig) (Target, ProfileInfo, error) {
	return LoadProfileInfo(opts, pc.Profile, pc.TargetPath)
}

// LoadProfileInfo is LoadProfile reporting where the target came from; targetPath places
// the zero-config database file.
//
// A wrong or missing profile never falls back to the embedded DuckDB: a build into the wrong
// warehouse is worse than no build. The messages follow dbt-core's
// core/dbt/config/profile.py (Profile.from_raw_profiles: "Could not find profile named",
// read_profile: "The profiles.yml file at … is empty", _get_profile_data).
func LoadProfileInfo(opts Options, profileName, targetPath string) (Target, ProfileInfo, error) {
	info := ProfileInfo{Searched: ProfileDirs(opts)}
	if opts.Profile != "" {
		profileName = opts.Profile
	}
	for _, d := range info.Searched {
		p := filepath.Join(d, ProfilesFile)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			info.File = p
			break
		}
	}
	if info.File == "" {
		if opts.Profile != "" || opts.Target != "" {
			asked := "--profile " + opts.Profile
			if opts.Profile == "" {
				asked = "--target " + opts.Target
			}
			return Target{}, info, Errorf("", 0, 0, "could not find profile named %q: no %s in %s (%s was given, so the zero-config embedded DuckDB is not used)",
				profileName, ProfilesFile, strings.Join(info.Searched, ", "), asked)
		}
		info.ZeroConfig = true
		info.Reason = "no profiles.yml in " + strings.Join(info.Searched, ", ")
		return ZeroConfigTarget(opts, profileName, targetPath), info, nil
	}
	src, err := os.ReadFile(info.File)
	if err != nil {
		return Target{}, info, fmt.Errorf("read profiles: %w", err)
	}
	if profileName == "" {
		return Target{}, info, Errorf("", 0, 0, "no profile was specified for this project: add a line like `profile: [profile name]` to the project file, naming a profile of %s", info.File)
	}
	t, found, err := parseProfile(info.File, src, opts, profileName)
	if err != nil {
		return Target{}, info, err
	}
	if !found {
		return Target{}, info, Errorf(info.File, 0, 0, "could not find profile named %q (profiles in the file: %s; profiles.yml was searched for in %s)",
			profileName, profileNames(src), strings.Join(info.Searched, ", "))
	}
	return t, info, nil
}

// profileNames lists the top-level profile names of a profiles.yml (the config: block
// aside), for the "could not find profile" message.
func profileNames(src []byte) string {
	var m map[string]any
	if yaml.Unmarshal(src, &m) != nil {
		return "none readable"
	}
	var names []string
	for k := range m {
		if k != "config" {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// ZeroConfigTarget is the target used when no profile exists: an embedded DuckDB file
// <target-path>/gdbt.duckdb relative to the project dir, schema main, 1 thread, which is
// dbt's default for a profile that names none (DEFAULT_THREADS in dbt-core's
// core/dbt/config/profile.py). It used to be 4, but the embedded DuckDB already runs each
// query on every core: nodes built side by side only fought over them (the Instacart
// feature models took 14 % longer than the same SQL run one statement at a time, and
// --threads 1 0.3 % longer; bench/README.md §3, issue 19), and each concurrent query adds
// its own hash tables to the peak memory. --threads N still runs N nodes at once.
func ZeroConfigTarget(opts Options, profileName, targetPath string) Target {
	if targetPath == "" {
		targetPath = "target"
	}
	// Relative to the project dir: the adapter anchors relative paths there, as dbt-duckdb
	// does with paths relative to where dbt runs.
	path := filepath.ToSlash(filepath.Join(targetPath, "gdbt.duckdb"))
	t := Target{
		ProfileName: profileName, Name: "dev", Type: "duckdb", Schema: "main",
		Database: "gdbt", Threads: 1,
		Fields: map[string]any{"type": "duckdb", "path": path, "schema": "main", "threads": 1},
	}
	if opts.Target != "" {
		t.Name = opts.Target
	}
	if opts.Threads > 0 {
		t.Threads = opts.Threads
		t.Fields["threads"] = opts.Threads
	}
	return t
}

// MakeTargetFolder creates the project's target-path folder, as dbt does while parsing
// (it writes its artifacts there before any connection opens): a DuckDB file under it, the
// zero-config one included, can then be created, while the DuckDB adapter never creates a
// missing folder, so that a typo in a profile's path fails instead of building somewhere new.
func MakeTargetFolder(projectDir, targetPath string) {
	if targetPath == "" {
		targetPath = "target"
	}
	if !filepath.IsAbs(targetPath) {
		targetPath = filepath.Join(projectDir, targetPath)
	}
	os.MkdirAll(targetPath, 0o755)
}

// parseProfile finds profileName in profiles.yml contents and resolves its target.
func parseProfile(file string, src []byte, opts Options, profileName string) (Target, bool, error) {
	root, err := parseYAMLDoc(file, src)
	if err != nil {
		return Target{}, false, err
	}
	if root == nil || (root.Kind == yaml.MappingNode && len(root.Content) == 0) {
		return Target{}, true, Errorf(file, 0, 0, "the profiles.yml file at %s is empty", file)
	}
	cliVars, err := ParseCLIVars(opts.Vars)
	if err != nil {
		return Target{}, false, err
	}
	var prof *yaml.Node
	for _, p := range mappingPairs(root) {
		if p.Key.Value == profileName {
			prof = p.Value
		}
	}
	if prof == nil {
		return Target{}, false, nil
	}
	// Only the target key and the chosen output are rendered, as dbt does: a profile may list
	// outputs for warehouses whose environment variables are not set on this machine.
	d := &decoder{file: file}
	targetName := ""
	var outputs *yaml.Node
	for _, p := range mappingPairs(prof) {
		switch p.Key.Value {
		case "target":
			if err := renderNodeTree(file, p.Value, cliVars, []string{"target"}); err != nil {
				return Target{}, true, err
			}
			targetName = d.str(p.Value)
		case "outputs":
			outputs = p.Value
		}
	}
	if opts.Target != "" {
		targetName = opts.Target
	}
	if err := d.errs.Err(); err != nil {
		return Target{}, true, err
	}
	if outputs == nil || outputs.Kind != yaml.MappingNode {
		return Target{}, true, nodeErr(file, prof, "profile %q has no outputs", profileName)
	}
	var names []string
	var out *yaml.Node
	for _, p := range mappingPairs(outputs) {
		names = append(names, p.Key.Value)
		if p.Key.Value == targetName {
			out = p.Value
		}
	}
	if targetName == "" {
		return Target{}, true, nodeErr(file, prof, "profile %q names no target; pass --target (one of %s)", profileName, strings.Join(names, ", "))
	}
	if out == nil {
		sort.Strings(names)
		return Target{}, true, nodeErr(file, outputs, "target %q not found in profile %q (available: %s)", targetName, profileName, strings.Join(names, ", "))
	}
	if err := renderNodeTree(file, out, cliVars, []string{targetName}); err != nil {
		return Target{}, true, err
	}
	fields := d.mapping(out)
	if err := d.errs.Err(); err != nil {
		return Target{}, true, err
	}
	if fields == nil {
		fields = map[string]any{}
	}
	RegisterProfileSecrets(fields)
	t := Target{ProfileName: profileName, Name: targetName, Fields: fields}
	t.Type, _ = fields["type"].(string)
	if t.Type == "" {
		return Target{}, true, nodeErr(file, out, "target %q of profile %q has no type", targetName, profileName)
	}
	t.Schema = fieldString(fields, "schema")
	if t.Schema == "" && t.Type == "duckdb" {
		t.Schema = "main"
	}
	t.Database = fieldString(fields, "database")
	if t.Database == "" {
		t.Database = fieldString(fields, "dbname")
	}
	if t.Database == "" && t.Type == "duckdb" {
		t.Database = duckdbDatabaseName(fieldString(fields, "path"))
	}
	t.Threads = 1
	if v, ok := fields["threads"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(fmt.Sprint(v)))
		if err != nil || n < 1 {
			return Target{}, true, nodeErr(file, out, "threads must be a positive integer, got %v", v)
		}
		t.Threads = n
	}
	if opts.Threads > 0 {
		t.Threads = opts.Threads
	}
	return t, true, nil
}

// duckdbDatabaseName is dbt-duckdb's database name for a path: the file's base name without
// extension, "memory" for an in-memory database.
func duckdbDatabaseName(path string) string {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, ":memory:") {
		return "memory"
	}
	// credentials.py path_derived_database_name: a MotherDuck path (md:db?motherduck_token=…)
	// names its database after the scheme, "my_db" when it names none.
	if low := strings.ToLower(path); strings.HasPrefix(low, "md:") || strings.HasPrefix(low, "motherduck:") {
		_, rest, _ := strings.Cut(path, ":")
		rest, _, _ = strings.Cut(rest, "?")
		if rest = strings.Trim(rest, "/"); rest == "" {
			return "my_db"
		}
		return rest
	}
	base := filepath.Base(path)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return base
}

func fieldString(m map[string]any, k string) string {
	if v, ok := m[k]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

// ---- secrets ----

var secretCache struct {
	sync.Mutex
	env    []string
	values []string
}

// SecretValues returns the values of the DBT_ENV_SECRET_* environment variables, longest
// first (so a secret that contains another is redacted whole).
func SecretValues() []string {
	env := os.Environ()
	secretCache.Lock()
	defer secretCache.Unlock()
	if len(env) == len(secretCache.env) && (len(env) == 0 || env[0] == secretCache.env[0]) {
		same := true
		for i := range env {
			if env[i] != secretCache.env[i] {
				same = false
				break
			}
		}
		if same {
			return secretCache.values
		}
	}
	var vals []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, SecretEnvPrefix) {
			continue
		}
		if i := strings.IndexByte(kv, '='); i >= 0 && kv[i+1:] != "" {
			vals = append(vals, kv[i+1:])
		}
	}
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	secretCache.env, secretCache.values = env, vals
	return vals
}

// Redact replaces every DBT_ENV_SECRET_* value, and every profile value whose key looks
// secret (RegisterProfileSecrets), in s with "*****", as dbt does before anything reaches a
// log line, the console or an artifact. It is the one redaction point: the console, the log
// file and the artifact writers all go through it.
func Redact(s string) string {
	return Redactor()(s)
}

// Redactor is Redact with the secrets as they are now, for a command that redacts many
// texts: a compile redacts each of its files (36,000 at 10,000 models), and reading the
// environment again for each was 13 MB of garbage and 1-2 % of the CPU (bench/README.md
// §1). A secret registered after it returns is not redacted by it.
func Redactor() func(string) string {
	profileSecrets.Lock()
	vals := profileSecrets.values
	profileSecrets.Unlock()
	var forms []string
	for _, group := range [][]string{SecretValues(), vals} {
		for _, v := range group {
			forms = append(forms, secretForms(v)...)
		}
	}
	return func(s string) string {
		for _, form := range forms {
			if strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, "*****")
			}
		}
		return s
	}
}

// secretForms is a secret as it appears in text gdbt writes: itself, and as a JSON string
// encodes it (with and without Go's HTML escaping: run_results.json, the JSON log), and as
// a SQL string literal doubles its quotes, when those differ. A secret with a quote, a
// backslash, <, > or & would otherwise pass through an artifact escaped.
func secretForms(v string) []string {
	forms := []string{v}
	if !strings.ContainsAny(v, "\"'<>&\u2028\u2029") && !hasControl(v) {
		return forms
	}
	add := func(f string) {
		for _, g := range forms {
			if g == f {
				return
			}
		}
		forms = append(forms, f)
	}
	for _, html := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(v) == nil {
			add(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(b.String(), `"`), "\n"), `"`))
		}
	}
	add(strings.ReplaceAll(v, "'", "''"))
	return forms
}

// hasControl reports a control character (JSON escapes them).
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// secretKeyWords mark a profile key whose value is a credential, at any depth (a DuckDB
// settings: or secrets: block, a Snowflake private key, a PostgreSQL password).
var secretKeyWords = []string{"password", "passwd", "pass", "token", "secret", "private_key", "privatekey", "passphrase", "key", "credential"}

// SecretKey reports whether a profile key names a credential.
func SecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range secretKeyWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

var profileSecrets struct {
	sync.Mutex
	values []string
}

// minSecretLen is the shortest profile secret Redact hides in free text: masking "1" or "x"
// everywhere would garble every line (gdbt debug masks such values by key anyway).
const minSecretLen = 4

// ResetProfileSecrets forgets the profile secrets registered so far, so that each gdbt
// invocation in one process (cmd/gdbt's tests run Main again and again) redacts the
// secrets of its own profile only, not a password of an earlier one that happens to be
// another run's database name.
func ResetProfileSecrets() {
	profileSecrets.Lock()
	defer profileSecrets.Unlock()
	profileSecrets.values = nil
}

// RegisterProfileSecrets makes Redact hide every value under a secret-looking key of
// fields, at any depth.
func RegisterProfileSecrets(fields map[string]any) {
	var found []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, secret || SecretKey(k))
			}
		case []any:
			for _, e := range x {
				walk(e, secret)
			}
		default:
			if s := fmt.Sprint(x); secret && x != nil && len(s) >= minSecretLen {
				found = append(found, s)
			}
		}
	}
	walk(fields, false)
	if len(found) == 0 {
		return
	}
	profileSecrets.Lock()
	defer profileSecrets.Unlock()
	profileSecrets.values = append(profileSecrets.values, found...)
	sort.Slice(profileSecrets.values, func(i, j int) bool { return len(profileSecrets.values[i]) > len(profileSecrets.values[j]) })
}

// MaskSecrets returns v with every value under a secret-looking key, at any depth, replaced
// by "*****", for printing a profile (gdbt debug).
func MaskSecrets(key string, v any) any {
	if SecretKey(key) && v != nil {
		return "*****"
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = MaskSecrets(k, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = MaskSecrets(key, e)
		}
		return out
	}
	return v
}

// Redact is the package-level Redact, offered on Target for convenience.
func (t Target) Redact(s string) string { return Redact(s) }

// ---- rendering {{ env_var() }} / {{ var() }} in YAML values ----

// deferredKeys are values dbt leaves unrendered at load time (hooks render at run time).
var deferredKeys = map[string]bool{
	"on-run-start": true, "on-run-end": true, "pre-hook": true, "+pre-hook": true,
	"post-hook": true, "+post-hook": true, "pre_hook": true, "+pre_hook": true,
	"post_hook": true, "+post_hook": true,
}

// renderNodeTree renders, in place, every string scalar under n that contains "{{" or
// "{%", with env_var and var (cliVars) available; hook values are left alone. path is the
// key path to n (its last element decides whether n itself is a hook).
func renderNodeTree(file string, n *yaml.Node, cliVars map[string]any, path []string) error {
	var errs Errors
	var walk func(n *yaml.Node, key string)
	walk = func(n *yaml.Node, key string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if deferredKeys[k] {
					continue
				}
				walk(n.Content[i+1], k)
			}
		case yaml.SequenceNode:
			for _, x := range n.Content {
				walk(x, key)
			}
		case yaml.ScalarNode:
			if n.Tag != "!!str" && n.Tag != "" {
				return
			}
			if !strings.Contains(n.Value, "{{") && !strings.Contains(n.Value, "{%") {
				return
			}
			typed := key == "threads" || key == "port" || nativeFilter.MatchString(n.Value)
			out, err := RenderString(file, n.Value, cliVars)
			if err != nil {
				errs = append(errs, nodeErr(file, n, "%s", err.Error()))
				return
			}
			n.Value = out
			n.Style = 0
			if typed {
				n.Tag = "" // let YAML type the rendered value, as dbt's native rendering does
				var v any
				if n.Decode(&v) != nil {
					n.Tag = "!!str"
				}
			} else {
				n.Tag = "!!str"
			}
		}
	}
	key := ""
	if len(path) > 0 {
		key = path[len(path)-1]
		if deferredKeys[key] {
			return nil
		}
	}
	walk(n, key)
	return errs.Err()
}

// nativeFilter finds dbt's as_number / as_bool / as_native filters in a YAML value: dbt's
// native rendering turns such a value into a number, boolean or literal instead of a string,
// which gdbt does by letting YAML type the rendered text.
var nativeFilter = regexp.MustCompile(`\|\s*as_(number|bool|native)\b`)

// textFilters are dbt's as_text, as_bool, as_number and as_native. Each returns str(value)
// (dbt's marker classes are str subclasses), so in SQL they render the value as text; the
// typing happens in YAML rendering (nativeFilter).
func textFilters(env *jinja.Env) {
	toText := jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
		if len(args) == 0 {
			return "", nil
		}
		return jinja.ToString(args[0]), nil
	})
	for _, name := range []string{"as_text", "as_bool", "as_number", "as_native"} {
		env.Filters[name] = toText
	}
}

// RenderString renders a Jinja string from a YAML file (project, profiles, packages) with
// dbt's load-time context: env_var(name, default) and var(name, default) over cliVars.
// Strings without "{{" or "{%" are returned unchanged without touching the engine.
func RenderString(file, src string, cliVars map[string]any) (out string, err error) {
	if !strings.Contains(src, "{{") && !strings.Contains(src, "{%") {
		return src, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot render %q: template engine failed: %v", src, r)
		}
	}()
	env := jinja.NewEnv()
	textFilters(env)
	t, err := env.Parse(file, src)
	if err != nil {
		return "", fmt.Errorf("%s", jinjaMsg(err))
	}
	ctx := &jinja.Context{Vars: map[string]jinja.Value{
		"env_var": jinja.Func(envVarFunc),
		"var": jinja.Func(func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return nil, errors.New("var() needs a variable name")
			}
			name := jinja.ToString(args[0])
			if v, ok := cliVars[name]; ok {
				return jinja.FromGo(v), nil
			}
			if len(args) > 1 {
				return args[1], nil
			}
			for _, k := range kw {
				if k.Name == "default" {
					return k.Value, nil
				}
			}
			return nil, fmt.Errorf("required var %q not found in config (pass it with --vars)", name)
		}),
	}}
	s, err := t.Render(env, ctx)
	if err != nil {
		return "", fmt.Errorf("%s", jinjaMsg(err))
	}
	return s, nil
}

// envVarFunc is dbt's env_var(name, default) at load time.
func envVarFunc(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	if len(args) == 0 {
		return nil, errors.New("env_var() needs a variable name")
	}
	name := jinja.ToString(args[0])
	if v, ok := os.LookupEnv(name); ok {
		return v, nil
	}
	if len(args) > 1 {
		return args[1], nil
	}
	for _, k := range kw {
		if k.Name == "default" {
			return k.Value, nil
		}
	}
	return nil, fmt.Errorf("env var required but not provided: %q", name)
}

// jinjaMsg strips the engine's own position (the YAML node's position is used instead).
func jinjaMsg(err error) string {
	switch x := any(err).(type) {
	case jinja.ErrorList:
		if len(x) > 0 {
			return x[0].Msg
		}
	case *jinja.Error:
		return x.Msg
	}
	return err.Error()
}
