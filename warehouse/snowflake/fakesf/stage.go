package fakesf

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Stages, file formats, PUT and COPY INTO: the loading statements DuckDB has no equivalent
// of, so the fake implements them itself instead of rewriting them. A named internal stage
// is a folder under the server's stage root; PUT answers gosnowflake's upload protocol with
// a LOCAL_FS stage location, so the real client copies (and compresses) the files into that
// folder itself; COPY INTO becomes one DuckDB `insert … select * from read_csv(…)` per
// staged file. Only the options listed in formatOptions, stageOptions, copyOptions and
// putOptions are accepted; any other is an error naming it. Not modelled: COPY's load
// history (a file copied twice into a table loads twice; Snowflake skips it unless FORCE),
// temporary stages (kept like permanent ones), encryption, and backslash escapes in string
// literals.

// stage is one named internal stage.
type stage struct {
	dir    string
	format map[string]string // the stage's FILE_FORMAT = (…) options, if any
}

// formatOptions are the CSV file format options the fake understands (FORMAT_NAME only
// inside a COPY or CREATE STAGE FILE_FORMAT = (…)).
var formatOptions = map[string]bool{
	"TYPE": true, "FIELD_DELIMITER": true, "SKIP_HEADER": true, "FIELD_OPTIONALLY_ENCLOSED_BY": true,
	"NULL_IF": true, "EMPTY_FIELD_AS_NULL": true, "COMPRESSION": true, "ESCAPE_UNENCLOSED_FIELD": true,
	"COMMENT": true, "FORMAT_NAME": true,
}

var (
	stageOptions = map[string]bool{"FILE_FORMAT": true, "COMMENT": true}
	copyOptions  = map[string]bool{"FILE_FORMAT": true, "ON_ERROR": true, "PURGE": true}
	putOptions   = map[string]bool{"PARALLEL": true, "AUTO_COMPRESS": true, "SOURCE_COMPRESSION": true, "OVERWRITE": true}
)

// A name is dot-separated parts, each "quoted" or a bare word.
const namePattern = `((?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*))*)`

var (
	createStageRe  = regexp.MustCompile(`(?is)^create\s+(or\s+replace\s+)?(?:temp(?:orary)?\s+)?stage\s+(if\s+not\s+exists\s+)?` + namePattern + `(.*)$`)
	createFormatRe = regexp.MustCompile(`(?is)^create\s+(or\s+replace\s+)?(?:temp(?:orary)?\s+)?file\s+format\s+(if\s+not\s+exists\s+)?` + namePattern + `(.*)$`)
	putRe          = regexp.MustCompile(`(?is)^put\s+('(?:[^']|'')*'|\S+)\s+('(?:[^']|'')*'|@\S+)(.*)$`)
	copyRe         = regexp.MustCompile(`(?is)^copy\s+into\s+` + namePattern + `\s+from\s+('(?:[^']|'')*'|@\S+)(.*)$`)
	namePartRe     = regexp.MustCompile(`^(?:"((?:[^"]|"")*)"|([A-Za-z_][\w$]*))`)
)

// stageCommand runs q when it is one of the loading statements; handled is false for any
// other statement, which then goes through the rewrite list to DuckDB.
func (s *Server) stageCommand(ctx context.Context, c *sql.Conn, q string) (data map[string]any, handled bool, err error) {
	q = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stripComments(q)), ";"))
	switch {
	case createStageRe.MatchString(q):
		m := createStageRe.FindStringSubmatch(q)
		data, err = s.createStage(m[1] != "", m[2] != "", m[3], m[4])
	case createFormatRe.MatchString(q):
		m := createFormatRe.FindStringSubmatch(q)
		data, err = s.createFormat(m[1] != "", m[2] != "", m[3], m[4])
	case putRe.MatchString(q):
		m := putRe.FindStringSubmatch(q)
		data, err = s.put(m[1], m[2], m[3])
	case copyRe.MatchString(q):
		m := copyRe.FindStringSubmatch(q)
		data, err = s.copyInto(ctx, c, m[1], m[2], m[3])
	default:
		return nil, false, nil
	}
	return data, true, err
}

// stripComments drops leading comments (a dbt query comment would precede the statement).
func stripComments(q string) string {
	for {
		q = strings.TrimSpace(q)
		switch {
		case strings.HasPrefix(q, "--"):
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return ""
			}
			q = q[i+1:]
		case strings.HasPrefix(q, "/*"):
			i := strings.Index(q, "*/")
			if i < 0 {
				return ""
			}
			q = q[i+2:]
		default:
			return q
		}
	}
}

// objectKey resolves a stage or file format name as Snowflake does: bare parts upper-cased,
// quoted parts kept; missing database and schema are the server's database and PUBLIC (the
// fake does not track a session's current schema).
func (s *Server) objectKey(name string) (string, error) {
	parts, err := nameParts(name)
	if err != nil {
		return "", err
	}
	switch len(parts) {
	case 1:
		parts = append([]string{s.Database, "PUBLIC"}, parts...)
	case 2:
		parts = append([]string{s.Database}, parts...)
	case 3:
	default:
		return "", fmt.Errorf("syntax error: bad object name %q", name)
	}
	return strings.Join(parts, "\x00"), nil
}

func statusResult(msg string) map[string]any {
	return map[string]any{"statementTypeId": typeDDL,
		"rowtype": []any{map[string]any{"name": "status", "type": "text", "nullable": true}},
		"rowset":  [][]*string{{ptr(msg)}}, "total": 1, "returned": 1}
}

func (s *Server) createStage(replace, ifNotExists bool, name, rest string) (map[string]any, error) {
	key, err := s.objectKey(name)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(rest, stageOptions)
	if err != nil {
		return nil, fmt.Errorf("create stage: %w", err)
	}
	st := &stage{}
	if ff, ok := opts["FILE_FORMAT"]; ok {
		if st.format, err = s.formatOf(ff); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.stages[key]; ok {
		switch {
		case ifNotExists:
			return statusResult(name + " already exists, statement succeeded."), nil
		case !replace:
			return nil, fmt.Errorf("object '%s' already exists", name)
		}
		// CREATE OR REPLACE drops the old stage and the files staged on it.
		if err := os.RemoveAll(old.dir); err != nil {
			return nil, err
		}
	}
	s.nextStage++
	st.dir = filepath.Join(s.stageRoot, fmt.Sprintf("stage-%d", s.nextStage))
	if err := os.MkdirAll(st.dir, 0o755); err != nil {
		return nil, err
	}
	s.stages[key] = st
	return statusResult("Stage area " + name + " successfully created."), nil
}

func (s *Server) createFormat(replace, ifNotExists bool, name, rest string) (map[string]any, error) {
	key, err := s.objectKey(name)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(rest, formatOptions)
	if err != nil {
		return nil, fmt.Errorf("create file format: %w", err)
	}
	if _, ok := opts["FORMAT_NAME"]; ok {
		return nil, fmt.Errorf("syntax error: FORMAT_NAME is not an option of CREATE FILE FORMAT")
	}
	if err := checkFormat(opts); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.formats[key]; ok {
		switch {
		case ifNotExists:
			return statusResult(name + " already exists, statement succeeded."), nil
		case !replace:
			return nil, fmt.Errorf("object '%s' already exists", name)
		}
	}
	s.formats[key] = opts
	return statusResult("File format " + name + " successfully created."), nil
}

// formatOf resolves a FILE_FORMAT = (…) value: a FORMAT_NAME reference or inline options.
func (s *Server) formatOf(raw string) (map[string]string, error) {
	if !strings.HasPrefix(raw, "(") {
		return nil, fmt.Errorf("syntax error: FILE_FORMAT wants ( … ), got %s", raw)
	}
	opts, err := parseOptions(raw[1:len(raw)-1], formatOptions)
	if err != nil {
		return nil, fmt.Errorf("file_format: %w", err)
	}
	if name, ok := opts["FORMAT_NAME"]; ok {
		if len(opts) > 1 {
			return nil, fmt.Errorf("file_format: FORMAT_NAME excludes other options")
		}
		key, err := s.objectKey(name)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		f, ok := s.formats[key]
		s.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("file format '%s' does not exist or not authorized", name)
		}
		return f, nil
	}
	return opts, checkFormat(opts)
}

func checkFormat(opts map[string]string) error {
	if t, ok := opts["TYPE"]; ok && !strings.EqualFold(t, "csv") {
		return fmt.Errorf("fakesf: file format TYPE = %s is not implemented (CSV only)", t)
	}
	if e, ok := opts["ESCAPE_UNENCLOSED_FIELD"]; ok && !strings.EqualFold(e, "none") {
		return fmt.Errorf("fakesf: ESCAPE_UNENCLOSED_FIELD = %s is not implemented (NONE only)", e)
	}
	if e, ok := opts["EMPTY_FIELD_AS_NULL"]; ok && !strings.EqualFold(e, "true") {
		return fmt.Errorf("fakesf: EMPTY_FIELD_AS_NULL = %s is not implemented (TRUE only)", e)
	}
	return nil
}

// stageRef splits `@name/path` (optionally in single quotes) into the stage and the path.
func (s *Server) stageRef(ref string) (*stage, string, error) {
	ref = unquoteString(ref)
	if !strings.HasPrefix(ref, "@") || strings.HasPrefix(ref, "@~") || strings.HasPrefix(ref, "@%") {
		return nil, "", fmt.Errorf("fakesf: only named internal stages are implemented, got %s", ref)
	}
	name, path := ref[1:], ""
	// The path starts at the first slash outside a quoted name part.
	inQuote := false
	for i, r := range name {
		if r == '"' {
			inQuote = !inQuote
		} else if r == '/' && !inQuote {
			name, path = name[:i], strings.TrimLeft(name[i:], "/")
			break
		}
	}
	key, err := s.objectKey(name)
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	st, ok := s.stages[key]
	s.mu.Unlock()
	if !ok {
		return nil, "", fmt.Errorf("stage '%s' does not exist or not authorized", name)
	}
	if strings.Contains(path, "..") {
		return nil, "", fmt.Errorf("fakesf: stage path %q must not contain ..", path)
	}
	return st, path, nil
}

// put answers PUT with gosnowflake's upload instructions: the client expands the local file
// pattern, compresses when asked and copies the files into the LOCAL_FS location itself.
func (s *Server) put(file, ref, rest string) (map[string]any, error) {
	file = unquoteString(file)
	if !strings.HasPrefix(file, "file://") {
		return nil, fmt.Errorf("syntax error: PUT wants a file:// URI, got %s", file)
	}
	st, path, err := s.stageRef(ref)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(rest, putOptions)
	if err != nil {
		return nil, fmt.Errorf("put: %w", err)
	}
	parallel := 4
	if p, ok := opts["PARALLEL"]; ok {
		if parallel, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("put: PARALLEL = %s: %w", p, err)
		}
	}
	srcCompression := "auto_detect"
	if c, ok := opts["SOURCE_COMPRESSION"]; ok {
		srcCompression = strings.ToLower(c)
	}
	return map[string]any{
		"command":           "UPLOAD",
		"src_locations":     []string{strings.TrimPrefix(file, "file://")},
		"autoCompress":      !strings.EqualFold(opts["AUTO_COMPRESS"], "false"),
		"overwrite":         strings.EqualFold(opts["OVERWRITE"], "true"),
		"sourceCompression": srcCompression,
		"parallel":          parallel,
		"stageInfo":         map[string]any{"locationType": "LOCAL_FS", "location": filepath.Join(st.dir, filepath.FromSlash(path))},
	}, nil
}

// copyInto loads every file staged under the path prefix into the table, one DuckDB insert
// per file (Snowflake's COPY maps fields to columns by position and casts the text).
func (s *Server) copyInto(ctx context.Context, c *sql.Conn, table, ref, rest string) (map[string]any, error) {
	st, prefix, err := s.stageRef(ref)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(rest, copyOptions)
	if err != nil {
		return nil, fmt.Errorf("copy into: %w", err)
	}
	if e, ok := opts["ON_ERROR"]; ok && !strings.EqualFold(e, "abort_statement") {
		return nil, fmt.Errorf("fakesf: ON_ERROR = %s is not implemented (ABORT_STATEMENT only)", e)
	}
	if p, ok := opts["PURGE"]; ok && !strings.EqualFold(p, "false") {
		return nil, fmt.Errorf("fakesf: PURGE = %s is not implemented", p)
	}
	format := st.format
	if ff, ok := opts["FILE_FORMAT"]; ok {
		if format, err = s.formatOf(ff); err != nil {
			return nil, err
		}
	}
	var files []string
	err = filepath.WalkDir(st.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(st.dir, p)
		if strings.HasPrefix(filepath.ToSlash(rel), prefix) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	if len(files) == 0 {
		return statusResult("Copy executed with 0 files processed."), nil
	}
	// The table's column count gives read_csv its positional columns.
	rows, err := c.QueryContext(ctx, "select * from "+table+" limit 0")
	if err != nil {
		return nil, err
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return nil, err
	}
	rowset := [][]*string{}
	for _, f := range files {
		q, err := readCSVInsert(table, f, len(cols), format)
		if err != nil {
			return nil, err
		}
		res, err := c.ExecContext(ctx, q)
		if err != nil {
			rel, _ := filepath.Rel(st.dir, f)
			return nil, fmt.Errorf("copy into %s from %s: %w", table, filepath.ToSlash(rel), err)
		}
		n, _ := res.RowsAffected()
		rel, _ := filepath.Rel(st.dir, f)
		cnt := strconv.FormatInt(n, 10)
		rowset = append(rowset, []*string{ptr(filepath.ToSlash(rel)), ptr("LOADED"), ptr(cnt), ptr(cnt), ptr("1"), ptr("0"), nil})
	}
	text := func(name string) map[string]any {
		return map[string]any{"name": name, "type": "text", "nullable": true}
	}
	num := func(name string) map[string]any {
		return map[string]any{"name": name, "type": "fixed", "precision": 38, "scale": 0, "nullable": true}
	}
	return map[string]any{"statementTypeId": typeSelect,
		"rowtype": []any{text("file"), text("status"), num("rows_parsed"), num("rows_loaded"), num("error_limit"), num("errors_seen"), text("first_error")},
		"rowset":  rowset, "total": len(rowset), "returned": len(rowset)}, nil
}

// readCSVInsert is the DuckDB statement loading one staged CSV file: every field read as
// text, positionally, and cast by the insert to the column types.
func readCSVInsert(table, file string, ncols int, format map[string]string) (string, error) {
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	cols := make([]string, ncols)
	for i := range cols {
		cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i+1)
	}
	skip := 0
	if v, ok := format["SKIP_HEADER"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", fmt.Errorf("SKIP_HEADER = %s: %w", v, err)
		}
		skip = n
	}
	delim := ","
	if v, ok := format["FIELD_DELIMITER"]; ok {
		delim = v
	}
	quote := "" // Snowflake's FIELD_OPTIONALLY_ENCLOSED_BY defaults to NONE
	if v, ok := format["FIELD_OPTIONALLY_ENCLOSED_BY"]; ok && !strings.EqualFold(v, "none") {
		quote = v
	}
	nulls := []string{`\N`} // Snowflake's NULL_IF default; empty fields are NULL too
	if v, ok := format["NULL_IF"]; ok {
		nulls = splitList(v)
	}
	nullLits := []string{lit("")}
	for _, n := range nulls {
		if n != "" {
			nullLits = append(nullLits, lit(n))
		}
	}
	compression := "auto"
	switch v := strings.ToLower(format["COMPRESSION"]); v {
	case "", "auto":
	case "gzip", "none":
		compression = v
	default:
		return "", fmt.Errorf("fakesf: COMPRESSION = %s is not implemented", v)
	}
	return fmt.Sprintf("insert into %s select * from read_csv(%s, header = false, skip = %d, auto_detect = false, columns = {%s}, delim = %s, quote = %s, nullstr = [%s], compression = %s)",
		table, lit(file), skip, strings.Join(cols, ", "), lit(delim), lit(quote), strings.Join(nullLits, ", "), lit(compression)), nil
}

// parseOptions reads `KEY = value …` pairs (values: 'strings', words, numbers or a
// parenthesised list), keys upper-cased; a key outside allowed is an error.
func parseOptions(s string, allowed map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	s = strings.TrimSpace(s)
	for s != "" {
		i := strings.IndexByte(s, '=')
		if i <= 0 {
			return nil, fmt.Errorf("syntax error near %q", s)
		}
		key := strings.ToUpper(strings.TrimSpace(s[:i]))
		if !allowed[key] {
			return nil, fmt.Errorf("fakesf: option %s is not implemented", key)
		}
		s = strings.TrimSpace(s[i+1:])
		var val string
		switch {
		case strings.HasPrefix(s, "'"):
			j := 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("syntax error: unterminated string in %q", s)
			}
			val, s = unquoteString(s[:j+1]), s[j+1:]
		case strings.HasPrefix(s, "("):
			depth, j := 0, 0
			inStr := false
			for ; j < len(s); j++ {
				switch c := s[j]; {
				case c == '\'':
					inStr = !inStr
				case c == '(' && !inStr:
					depth++
				case c == ')' && !inStr:
					depth--
				}
				if depth == 0 {
					break
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("syntax error: unbalanced parenthesis in %q", s)
			}
			val, s = s[:j+1], s[j+1:]
		default:
			j := strings.IndexAny(s, " \t\r\n,")
			if j < 0 {
				j = len(s)
			}
			val, s = s[:j], s[j:]
		}
		out[key] = val
		s = strings.TrimLeft(s, " \t\r\n,")
	}
	return out, nil
}

// splitList reads a parenthesised list of string literals, such as NULL_IF = ('NA', 'null').
func splitList(v string) []string {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "("), ")"))
	var out []string
	for v != "" {
		if !strings.HasPrefix(v, "'") {
			break
		}
		j := 1
		for ; j < len(v); j++ {
			if v[j] == '\'' {
				if j+1 < len(v) && v[j+1] == '\'' {
					j++
					continue
				}
				break
			}
		}
		out = append(out, unquoteString(v[:min(j+1, len(v))]))
		v = strings.TrimLeft(v[min(j+1, len(v)):], " \t\r\n,")
	}
	return out
}

// unquoteString strips a single-quoted literal's quotes and undoubles its inner quotes.
func unquoteString(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}
