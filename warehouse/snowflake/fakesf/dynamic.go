package fakesf

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
)

// Dynamic tables (CREATE DYNAMIC TABLE, SHOW DYNAMIC TABLES, ALTER DYNAMIC TABLE): DuckDB
// keeps the rows as a plain table built from the query; the fake keeps the properties,
// and ALTER … REFRESH rebuilds the rows. Scheduled refreshes do not happen.

var (
	// group 1 or replace, 2 the name, 3 the properties, 4 the query.
	dynamicCreateRe = regexp.MustCompile(`(?is)^create\s+(or\s+replace\s+)?dynamic\s+table\s+` + nameRe + `\s+(.*?)\bas\s*\((.*)\)$`)
	dynamicShowRe   = regexp.MustCompile(`(?is)^show\s+dynamic\s+tables\s+like\s+'((?:[^']|'')*)'\s+in\s+schema\s+` + nameRe + `$`)
	// group 1 the name, 2 refresh | set … | rename to …
	dynamicAlterRe = regexp.MustCompile(`(?is)^alter\s+dynamic\s+table\s+` + nameRe + `\s+(refresh|set\s+.+|rename\s+to\s+.+)$`)
	dynamicDropRe  = regexp.MustCompile(`(?is)^drop\s+dynamic\s+table\s+(?:if\s+exists\s+)?` + nameRe + `$`)
	propRe         = regexp.MustCompile(`(?is)^\s*(\w+)\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|[\w$]+)`)
)

// dynamicProps parses `target_lag = '1 hour' warehouse = wh …`, checking each as
// Snowflake does; allowed names the properties the statement takes.
func dynamicProps(s string, allowed map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	rest := strings.TrimSpace(s)
	for rest != "" {
		m := propRe.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("SQL compilation error: syntax error near %q", firstWordOf(rest))
		}
		k := strings.ToUpper(m[1])
		if !allowed[k] {
			return nil, fmt.Errorf("SQL compilation error: invalid property '%s' for 'DYNAMIC_TABLE'", k)
		}
		v := m[2]
		switch {
		case strings.HasPrefix(v, "'"):
			v = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
		case k == "WAREHOUSE":
			p, err := nameParts(v)
			if err != nil || len(p) != 1 {
				return nil, fmt.Errorf("SQL compilation error: bad warehouse %q", v)
			}
			v = p[0]
		default:
			v = strings.ToUpper(v)
		}
		out[k] = v
		rest = strings.TrimSpace(rest[len(m[0]):])
	}
	if v, ok := out["TARGET_LAG"]; ok && !targetLagRe.MatchString(v) {
		return nil, fmt.Errorf("SQL compilation error: invalid value [%s] for parameter 'TARGET_LAG'", v)
	}
	if v, ok := out["REFRESH_MODE"]; ok && v != "AUTO" && v != "FULL" && v != "INCREMENTAL" {
		return nil, fmt.Errorf("SQL compilation error: invalid value [%s] for parameter 'REFRESH_MODE'", v)
	}
	if v, ok := out["INITIALIZE"]; ok && v != "ON_CREATE" && v != "ON_SCHEDULE" {
		return nil, fmt.Errorf("SQL compilation error: invalid value [%s] for parameter 'INITIALIZE'", v)
	}
	return out, nil
}

// targetLagRe is Snowflake's TARGET_LAG: DOWNSTREAM, or a count of seconds, minutes,
// hours or days.
var targetLagRe = regexp.MustCompile(`(?i)^(downstream|\d+\s*(seconds?|minutes?|hours?|days?))$`)

func firstWordOf(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

func (s *Server) createDynamic(ctx context.Context, c *sql.Conn, q string) (map[string]any, error) {
	m := dynamicCreateRe.FindStringSubmatch(q)
	props, err := dynamicProps(m[3], map[string]bool{"TARGET_LAG": true, "WAREHOUSE": true, "REFRESH_MODE": true, "INITIALIZE": true})
	if err != nil {
		return nil, err
	}
	if props["TARGET_LAG"] == "" || props["WAREHOUSE"] == "" {
		return nil, fmt.Errorf("SQL compilation error: a dynamic table needs TARGET_LAG and WAREHOUSE")
	}
	k, err := s.objectKey(m[2])
	if err != nil {
		return nil, err
	}
	if m[1] == "" {
		// Without OR REPLACE an existing name is an error, whatever its kind.
		if _, err := run(ctx, c, Rewrite("create table "+m[2]+" as ("+m[4]+")")); err != nil {
			return nil, err
		}
	} else if _, err := run(ctx, c, Rewrite("create or replace table "+m[2]+" as ("+m[4]+")")); err != nil {
		return nil, err
	}
	mode := props["REFRESH_MODE"]
	if mode == "" || mode == "AUTO" {
		mode = "INCREMENTAL" // what Snowflake reports having chosen for a query it can refresh incrementally
	}
	init := props["INITIALIZE"]
	if init == "" {
		init = "ON_CREATE"
	}
	s.mu.Lock()
	s.objects[k] = &Object{Kind: "DYNAMIC TABLE", TargetLag: props["TARGET_LAG"], Warehouse: props["WAREHOUSE"],
		RefreshMode: mode, Initialize: init, Text: q}
	s.mu.Unlock()
	if err := s.markDynamic(ctx, k, true); err != nil {
		return nil, err
	}
	return statusResult("Table " + m[2] + " successfully created."), nil
}

func (s *Server) showDynamic(ctx context.Context, c *sql.Conn, q string) (map[string]any, error) {
	m := dynamicShowRe.FindStringSubmatch(q)
	like := strings.ToUpper(strings.ReplaceAll(m[1], "''", "'"))
	sch, err := nameParts(m[2])
	if err != nil || len(sch) > 2 {
		return nil, fmt.Errorf("SQL compilation error: bad schema %q", m[2])
	}
	if len(sch) == 1 {
		sch = append([]string{s.Database}, sch...)
	}
	prefix := sch[0] + "\x00" + sch[1] + "\x00"
	var rows [][]string
	s.mu.Lock()
	for k, o := range s.objects {
		name := strings.TrimPrefix(k, prefix)
		// SHOW … LIKE matches case-insensitively ('%' and '_' are not used by dbt here).
		if o.Kind != "DYNAMIC TABLE" || name == k || strings.ToUpper(name) != like {
			continue
		}
		rows = append(rows, []string{"2024-01-01 00:00:00.000 +0000", name, sch[0], sch[1], o.TargetLag, o.Warehouse, o.RefreshMode, o.Text, "ACTIVE"})
	}
	s.mu.Unlock()
	return textResult([]string{"created_on", "name", "database_name", "schema_name", "target_lag", "warehouse", "refresh_mode", "text", "scheduling_state"}, rows), nil
}

func (s *Server) alterDynamic(ctx context.Context, c *sql.Conn, q string) (map[string]any, error) {
	m := dynamicAlterRe.FindStringSubmatch(q)
	k, o, ok, err := s.lookup(m[1])
	if err != nil {
		return nil, err
	}
	if !ok || o.Kind != "DYNAMIC TABLE" {
		return nil, fmt.Errorf("SQL compilation error:\nDynamic table '%s' does not exist or not authorized.", strings.ReplaceAll(k, "\x00", "."))
	}
	action := strings.TrimSpace(m[2])
	switch low := strings.ToLower(action); {
	case low == "refresh":
		dm := dynamicCreateRe.FindStringSubmatch(o.Text)
		if _, err := run(ctx, c, Rewrite("create or replace table "+m[1]+" as ("+dm[4]+")")); err != nil {
			return nil, err
		}
	case strings.HasPrefix(low, "set"):
		props, err := dynamicProps(action[3:], map[string]bool{"TARGET_LAG": true, "WAREHOUSE": true})
		if err != nil {
			return nil, err
		}
		if len(props) == 0 {
			return nil, fmt.Errorf("SQL compilation error: ALTER DYNAMIC TABLE … SET names no property")
		}
		s.mu.Lock()
		if v, ok := props["TARGET_LAG"]; ok {
			o.TargetLag = v
		}
		if v, ok := props["WAREHOUSE"]; ok {
			o.Warehouse = v
		}
		s.mu.Unlock()
	default: // rename to
		to := strings.TrimSpace(action[len("rename"):])
		to = strings.TrimSpace(to[len("to"):])
		if _, err := run(ctx, c, Rewrite("alter table "+m[1]+" rename to "+to)); err != nil {
			return nil, err
		}
		if err := s.moveObject(ctx, m[1], to); err != nil {
			return nil, err
		}
	}
	return statusResult("Statement executed successfully."), nil
}

func (s *Server) dropDynamic(ctx context.Context, c *sql.Conn, q string) (map[string]any, error) {
	m := dynamicDropRe.FindStringSubmatch(q)
	k, o, ok, err := s.lookup(m[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		return statusResult("Statement executed successfully."), nil // IF EXISTS
	}
	if o.Kind != "DYNAMIC TABLE" {
		return nil, fmt.Errorf("SQL compilation error:\nObject found is of type '%s', not specified type 'DYNAMIC TABLE'.", o.Kind)
	}
	if _, err := run(ctx, c, "drop table if exists "+m[1]); err != nil {
		return nil, err
	}
	s.mu.Lock()
	delete(s.objects, k)
	s.mu.Unlock()
	if err := s.markDynamic(ctx, k, false); err != nil {
		return nil, err
	}
	return statusResult("Statement executed successfully."), nil
}

// lookup resolves name and returns its key and record, if any.
func (s *Server) lookup(name string) (string, *Object, bool, error) {
	k, err := s.objectKey(name)
	if err != nil {
		return "", nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[k]
	return k, o, ok, nil
}
