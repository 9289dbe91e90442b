package fakesf

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// What dbt-snowflake's model configs send that DuckDB has no equivalent of, kept by the
// fake itself so that tests see its effect as on Snowflake: session parameters (QUERY_TAG,
// the current warehouse), privileges (GRANT, REVOKE, SHOW GRANTS; CREATE OR REPLACE drops
// them unless COPY GRANTS), table properties (TRANSIENT, SECURE, clustering keys) and
// dynamic tables. Names resolve as Snowflake resolves them (objectKey): unquoted parts
// upper-cased, quoted parts exact, so a quoting bug in a macro shows as a missing object.

// metaSQL creates the fake's own catalog tables: which relations are dynamic tables, and
// information_schema.tables with Snowflake's IS_DYNAMIC column and its statistics columns
// (ROW_COUNT from DuckDB's estimate; CLUSTERING_KEY, BYTES and LAST_ALTERED null, which the
// fake does not track). infoSchemaSQL then puts Snowflake's names on them (rewrite.go
// points queries there).
const metaSQL = `create schema memory.fakesf_meta;
create table memory.fakesf_meta.dynamic (catalog varchar, schema varchar, name varchar);
create view memory.fakesf_meta.tables_base as select t.*, case when d.name is null then 'NO' else 'YES' end as is_dynamic,
cast(null as varchar) as clustering_key, dt.estimated_size as row_count, cast(null as bigint) as bytes,
cast(null as timestamp) as last_altered
from information_schema.tables t left join memory.fakesf_meta.dynamic d
on t.table_catalog = d.catalog and t.table_schema = d.schema and t.table_name = d.name
left join duckdb_tables() dt on dt.database_name = t.table_catalog and dt.schema_name = t.table_schema and dt.table_name = t.table_name
where t.table_catalog <> 'memory'`

// infoSchemaViews are the information_schema views the fake serves as Snowflake names
// them, each from its DuckDB source.
var infoSchemaViews = map[string]string{
	"tables":   "memory.fakesf_meta.tables_base",
	"columns":  "information_schema.columns where table_catalog <> 'memory'",
	"schemata": "information_schema.schemata where catalog_name <> 'memory'",
	"views":    "information_schema.views where table_catalog <> 'memory'",
}

// infoSchemaSQL creates memory.fakesf_meta.<view> for each of infoSchemaViews with its
// columns renamed to upper case: Snowflake's information_schema columns are TABLE_NAME,
// COLUMN_NAME…, so a query reading them unaliased gets those names back, as on an account.
func infoSchemaSQL(ctx context.Context, db *sql.DB) (string, error) {
	var b strings.Builder
	for _, v := range []string{"tables", "columns", "schemata", "views"} {
		src := infoSchemaViews[v]
		rows, err := db.QueryContext(ctx, "select * from "+src+" limit 0")
		if err != nil {
			return "", err
		}
		cols, err := rows.Columns()
		rows.Close()
		if err != nil {
			return "", err
		}
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = quote(c) + " as " + quote(strings.ToUpper(c))
		}
		fmt.Fprintf(&b, "create view memory.fakesf_meta.%s as select %s from %s;\n", v, strings.Join(sel, ", "), src)
	}
	return b.String(), nil
}

// markDynamic records in DuckDB whether the relation with key k is a dynamic table.
func (s *Server) markDynamic(ctx context.Context, k string, dynamic bool) error {
	p := strings.Split(k, "\x00")
	_, err := s.db.ExecContext(ctx, "delete from memory.fakesf_meta.dynamic where catalog = ? and schema = ? and name = ?", p[0], p[1], p[2])
	if err == nil && dynamic {
		_, err = s.db.ExecContext(ctx, "insert into memory.fakesf_meta.dynamic values (?, ?, ?)", p[0], p[1], p[2])
	}
	return err
}

// session is one logged-in session's parameters.
type session struct {
	queryTag  string
	warehouse string
}

// Object is what the fake knows of a relation beyond its rows.
type Object struct {
	Kind      string // TABLE, TRANSIENT TABLE, VIEW, SECURE VIEW, DYNAMIC TABLE
	ClusterBy string // the clustering key, as written in ALTER TABLE … CLUSTER BY (…)
	// AutomaticClustering is on after ALTER TABLE … RESUME RECLUSTER.
	AutomaticClustering bool
	// Dynamic table properties (CREATE DYNAMIC TABLE).
	TargetLag, Warehouse, RefreshMode, Initialize, Text string
	// Grants maps a privilege (upper case) to its grantee roles.
	Grants map[string][]string
}

// Statements returns every statement the server received, in order.
func (s *Server) Statements() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// Object returns what the fake records of a relation (name as SQL would write it), and
// whether it exists.
func (s *Server) Object(name string) (Object, bool) {
	k, err := s.objectKey(name)
	if err != nil {
		return Object{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[k]
	if !ok {
		return Object{}, false
	}
	cp := *o
	cp.Grants = map[string][]string{}
	for p, g := range o.Grants {
		cp.Grants[p] = append([]string(nil), g...)
	}
	return cp, true
}

// Grant records a privilege given outside any model (a DBA's grant), so tests can check
// that dbt's diff revokes it.
func (s *Server) Grant(name, privilege, role string) error {
	k, err := s.objectKey(name)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[k]
	if !ok {
		return fmt.Errorf("fakesf: no object %s", name)
	}
	o.grant(strings.ToUpper(privilege), role)
	return nil
}

func (o *Object) grant(p, role string) {
	if o.Grants == nil {
		o.Grants = map[string][]string{}
	}
	for _, g := range o.Grants[p] {
		if g == role {
			return
		}
	}
	o.Grants[p] = append(o.Grants[p], role)
}

const nameRe = `((?:(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)\s*\.\s*)*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*))`

var (
	setQueryTagRe   = regexp.MustCompile(`(?is)^alter\s+session\s+set\s+query_tag\s*=\s*'((?:[^']|'')*)'$`)
	unsetQueryTagRe = regexp.MustCompile(`(?is)^alter\s+session\s+unset\s+query_tag$`)
	showQueryTagRe  = regexp.MustCompile(`(?is)^show\s+parameters\s+like\s+'query_tag'\s+in\s+session$`)
	useWarehouseRe  = regexp.MustCompile(`(?is)^use\s+warehouse\s+` + nameRe + `$`)
	currentWhRe     = regexp.MustCompile(`(?is)^select\s+current_warehouse\(\)(?:\s+as\s+(\w+))?$`)
	grantRe         = regexp.MustCompile(`(?is)^(grant|revoke)\s+(\w+(?:\s+\w+)?)\s+on\s+(?:(?:table|view|dynamic\s+table)\s+)?` + nameRe + `\s+(?:to|from)\s+(?:role\s+)?(.+)$`)
	showGrantsRe    = regexp.MustCompile(`(?is)^show\s+grants\s+on\s+(?:(?:table|view|dynamic\s+table)\s+)?` + nameRe + `$`)
	clusterRe       = regexp.MustCompile(`(?is)^alter\s+table\s+` + nameRe + `\s+cluster\s+by\s*\((.+)\)$`)
	reclusterRe     = regexp.MustCompile(`(?is)^alter\s+table\s+` + nameRe + `\s+resume\s+recluster$`)
	// create [or replace] [transient|secure] table|view name [copy grants] as …: group 1
	// or replace, 2 the kind word, 3 table|view, 4 the name, 5 copy grants.
	createRelRe = regexp.MustCompile(`(?is)^create\s+(or\s+replace\s+)?(?:(transient|secure|temporary|temp)\s+)?(table|view)\s+` + nameRe + `\s*(copy\s+grants\s*)?(?:\(|as\b)`)
	dropRelRe   = regexp.MustCompile(`(?is)^drop\s+(table|view)\s+(?:if\s+exists\s+)?` + nameRe + `(?:\s+cascade)?$`)
	renameRe    = regexp.MustCompile(`(?is)^alter\s+(table|view)\s+` + nameRe + `\s+rename\s+to\s+` + nameRe + `$`)
)

// objectCommand runs the statements objects.go owns; handled is false for the others.
// create and drop run on DuckDB too: rewrite (below) strips what DuckDB lacks, and the
// object record follows.
func (s *Server) objectCommand(ctx context.Context, c *sql.Conn, tok, q string) (data map[string]any, handled bool, err error) {
	q = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stripComments(q)), ";"))
	s.mu.Lock()
	sess := s.sess[tok]
	s.mu.Unlock()
	switch {
	case setQueryTagRe.MatchString(q):
		sess.queryTag = strings.ReplaceAll(setQueryTagRe.FindStringSubmatch(q)[1], "''", "'")
		return statusResult("Statement executed successfully."), true, nil
	case unsetQueryTagRe.MatchString(q):
		sess.queryTag = ""
		return statusResult("Statement executed successfully."), true, nil
	case showQueryTagRe.MatchString(q):
		return textResult([]string{"key", "value", "default", "level", "description", "type"},
			[][]string{{"QUERY_TAG", sess.queryTag, "", levelOf(sess.queryTag), "String (up to 2000 characters) with which to tag queries", "STRING"}}), true, nil
	case useWarehouseRe.MatchString(q):
		parts, err := nameParts(useWarehouseRe.FindStringSubmatch(q)[1])
		if err != nil || len(parts) != 1 {
			return nil, true, fmt.Errorf("syntax error: bad warehouse name in %q", q)
		}
		sess.warehouse = parts[0]
		return statusResult("Statement executed successfully."), true, nil
	case currentWhRe.MatchString(q):
		col := "CURRENT_WAREHOUSE()"
		if a := currentWhRe.FindStringSubmatch(q)[1]; a != "" {
			col = strings.ToUpper(a)
		}
		return textResult([]string{col}, [][]string{{sess.warehouse}}), true, nil
	case grantRe.MatchString(q):
		m := grantRe.FindStringSubmatch(q)
		return s.grantOrRevoke(ctx, c, strings.ToLower(m[1]) == "grant", strings.ToUpper(strings.Join(strings.Fields(m[2]), " ")), m[3], m[4])
	case showGrantsRe.MatchString(q):
		return s.showGrants(ctx, c, showGrantsRe.FindStringSubmatch(q)[1])
	case clusterRe.MatchString(q):
		m := clusterRe.FindStringSubmatch(q)
		o, err := s.existing(ctx, c, m[1], "TABLE")
		if err == nil {
			s.mu.Lock()
			o.ClusterBy = strings.TrimSpace(m[2])
			s.mu.Unlock()
		}
		return statusResult("Statement executed successfully."), true, err
	case reclusterRe.MatchString(q):
		o, err := s.existing(ctx, c, reclusterRe.FindStringSubmatch(q)[1], "TABLE")
		if err == nil {
			s.mu.Lock()
			if o.ClusterBy == "" {
				err = fmt.Errorf("Table %s does not have a clustering key defined.", reclusterRe.FindStringSubmatch(q)[1])
			}
			o.AutomaticClustering = err == nil
			s.mu.Unlock()
		}
		return statusResult("Statement executed successfully."), true, err
	case dynamicCreateRe.MatchString(q):
		data, err := s.createDynamic(ctx, c, q)
		return data, true, err
	case dynamicShowRe.MatchString(q):
		data, err := s.showDynamic(ctx, c, q)
		return data, true, err
	case dynamicDropRe.MatchString(q):
		data, err := s.dropDynamic(ctx, c, q)
		return data, true, err
	case dynamicAlterRe.MatchString(q):
		data, err := s.alterDynamic(ctx, c, q)
		return data, true, err
	case createRelRe.MatchString(q):
		return s.createRelation(ctx, c, q)
	case dropRelRe.MatchString(q):
		m := dropRelRe.FindStringSubmatch(q)
		if _, err := run(ctx, c, Rewrite(q)); err != nil {
			return nil, true, err
		}
		if k, err := s.objectKey(m[2]); err == nil {
			s.mu.Lock()
			delete(s.objects, k)
			s.mu.Unlock()
			if err := s.markDynamic(ctx, k, false); err != nil {
				return nil, true, err
			}
		}
		return statusResult("Statement executed successfully."), true, nil
	case renameRe.MatchString(q):
		m := renameRe.FindStringSubmatch(q)
		if _, o, ok, err := s.lookup(m[2]); err == nil && ok && o.Kind == "DYNAMIC TABLE" {
			return nil, true, fmt.Errorf("SQL compilation error:\nObject found is of type 'DYNAMIC_TABLE', not specified type '%s'.", strings.ToUpper(m[1]))
		}
		if _, err := run(ctx, c, Rewrite(q)); err != nil {
			return nil, true, err
		}
		return statusResult("Statement executed successfully."), true, s.moveObject(ctx, m[2], m[3])
	}
	return nil, false, nil
}

func levelOf(v string) string {
	if v == "" {
		return ""
	}
	return "SESSION"
}

// createRelation runs CREATE [OR REPLACE] [TRANSIENT|SECURE] TABLE|VIEW on DuckDB without
// the words DuckDB lacks, and records the object: a replaced object loses its grants
// unless COPY GRANTS keeps them, as on Snowflake.
func (s *Server) createRelation(ctx context.Context, c *sql.Conn, q string) (map[string]any, bool, error) {
	m := createRelRe.FindStringSubmatchIndex(q)
	word := ""
	if m[4] >= 0 {
		word = strings.ToUpper(q[m[4]:m[5]])
	}
	kind := strings.ToUpper(q[m[6]:m[7]])
	name := q[m[8]:m[9]]
	copyGrants := m[10] >= 0
	ddl := q
	if copyGrants {
		ddl = ddl[:m[10]] + ddl[m[11]:]
	}
	if word == "TRANSIENT" || word == "SECURE" {
		ddl = ddl[:m[4]] + ddl[m[5]:]
	}
	if word == "TEMPORARY" || word == "TEMP" {
		_, err := run(ctx, c, Rewrite(q))
		return statusResult("Statement executed successfully."), true, err
	}
	if _, err := run(ctx, c, Rewrite(ddl)); err != nil {
		return nil, true, err
	}
	k, err := s.objectKey(name)
	if err != nil {
		return nil, true, err
	}
	o := &Object{Kind: kind}
	if word == "TRANSIENT" || word == "SECURE" {
		o.Kind = word + " " + kind
	}
	s.mu.Lock()
	if old, ok := s.objects[k]; ok && copyGrants {
		o.Grants = old.Grants
	}
	s.objects[k] = o
	s.mu.Unlock()
	if err := s.markDynamic(ctx, k, false); err != nil {
		return nil, true, err
	}
	return statusResult(kind[:1] + strings.ToLower(kind[1:]) + " " + name + " successfully created."), true, nil
}

// moveObject carries an object's record over a rename.
func (s *Server) moveObject(ctx context.Context, from, to string) error {
	kf, err1 := s.objectKey(from)
	kt, err2 := s.objectKey(to)
	if err1 != nil || err2 != nil {
		return nil
	}
	// RENAME TO a bare name keeps the database and schema of the original.
	if p, _ := nameParts(to); len(p) == 1 {
		kt = kf[:strings.LastIndex(kf, "\x00")+1] + p[0]
	}
	s.mu.Lock()
	o, ok := s.objects[kf]
	if ok {
		delete(s.objects, kf)
		s.objects[kt] = o
	}
	s.mu.Unlock()
	if !ok || o.Kind != "DYNAMIC TABLE" {
		return nil
	}
	if err := s.markDynamic(ctx, kf, false); err != nil {
		return err
	}
	return s.markDynamic(ctx, kt, true)
}

// existing returns the record of a relation DuckDB has under exactly that (resolved)
// name, creating a plain record for one made before the fake kept records (seeds loaded
// by COPY); a missing one is Snowflake's "does not exist" error.
func (s *Server) existing(ctx context.Context, c *sql.Conn, name, kind string) (*Object, error) {
	k, err := s.objectKey(name)
	if err != nil {
		return nil, err
	}
	p := strings.Split(k, "\x00")
	var n int
	var typ string
	err = c.QueryRowContext(ctx, "select count(*), coalesce(max(table_type), '') from information_schema.tables where table_catalog = ? and table_schema = ? and table_name = ?", p[0], p[1], p[2]).Scan(&n, &typ)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("SQL compilation error:\n%s '%s' does not exist or not authorized.", strings.ToLower(kind[:1])+kind[1:], strings.Join(p, "."))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[k]
	if !ok {
		o = &Object{Kind: "TABLE"}
		if strings.Contains(typ, "VIEW") {
			o.Kind = "VIEW"
		}
		s.objects[k] = o
	}
	return o, nil
}

func (s *Server) grantOrRevoke(ctx context.Context, c *sql.Conn, grant bool, privilege, name, grantees string) (map[string]any, bool, error) {
	o, err := s.existing(ctx, c, name, "Object")
	if err != nil {
		return nil, true, err
	}
	var roles []string
	for _, g := range strings.Split(grantees, ",") {
		parts, err := nameParts(strings.TrimSpace(g))
		if err != nil || len(parts) != 1 {
			return nil, true, fmt.Errorf("syntax error: bad grantee %q", g)
		}
		roles = append(roles, parts[0])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, role := range roles {
		if grant {
			o.grant(privilege, role)
			continue
		}
		var keep []string
		for _, g := range o.Grants[privilege] {
			if g != role {
				keep = append(keep, g)
			}
		}
		o.Grants[privilege] = keep
	}
	return statusResult("Statement executed successfully."), true, nil
}

// showGrants answers SHOW GRANTS ON with Snowflake's columns: the owner's OWNERSHIP row
// first, then each privilege granted to a role.
func (s *Server) showGrants(ctx context.Context, c *sql.Conn, name string) (map[string]any, bool, error) {
	o, err := s.existing(ctx, c, name, "Object")
	if err != nil {
		return nil, true, err
	}
	k, _ := s.objectKey(name)
	full := strings.ReplaceAll(k, "\x00", ".")
	kind := "TABLE"
	if strings.Contains(o.Kind, "VIEW") {
		kind = "VIEW"
	}
	rows := [][]string{{"2024-01-01 00:00:00.000 +0000", "OWNERSHIP", kind, full, "ROLE", "PUBLIC", "true", "PUBLIC"}}
	s.mu.Lock()
	privs := make([]string, 0, len(o.Grants))
	for p := range o.Grants {
		privs = append(privs, p)
	}
	sort.Strings(privs)
	for _, p := range privs {
		for _, g := range o.Grants[p] {
			rows = append(rows, []string{"2024-01-01 00:00:00.000 +0000", p, kind, full, "ROLE", g, "false", "PUBLIC"})
		}
	}
	s.mu.Unlock()
	return textResult([]string{"created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name", "grant_option", "granted_by"}, rows), true, nil
}

// nameParts splits a dotted name, resolving each part as Snowflake does.
func nameParts(name string) ([]string, error) {
	var parts []string
	rest := strings.TrimSpace(name)
	for rest != "" {
		m := namePartRe.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("syntax error: bad object name %q", name)
		}
		if m[2] != "" {
			parts = append(parts, strings.ToUpper(m[2]))
		} else {
			parts = append(parts, strings.ReplaceAll(m[1], `""`, `"`))
		}
		rest = strings.TrimSpace(rest[len(m[0]):])
		if rest != "" {
			if rest[0] != '.' {
				return nil, fmt.Errorf("syntax error: bad object name %q", name)
			}
			rest = strings.TrimSpace(rest[1:])
		}
	}
	return parts, nil
}

// textResult is a result set of text columns.
func textResult(cols []string, rows [][]string) map[string]any {
	rowtype := make([]any, len(cols))
	for i, c := range cols {
		rowtype[i] = map[string]any{"name": c, "type": "text", "nullable": true}
	}
	rowset := make([][]*string, len(rows))
	for i, r := range rows {
		rowset[i] = make([]*string, len(r))
		for j := range r {
			rowset[i][j] = ptr(r[j])
		}
	}
	return map[string]any{"statementTypeId": typeSelect, "rowtype": rowtype, "rowset": rowset, "total": len(rows), "returned": len(rows)}
}
