package duckdb

import "strings"

// splitStatements splits a string of statements on semicolons outside string literals,
// quoted identifiers, dollar-quoted strings and comments, dropping empty ones.
func splitStatements(sql string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if s := sql[start:end]; strings.TrimSpace(stripComments(s)) != "" {
			out = append(out, s)
		}
	}
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(sql, i, c)
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(sql)
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
		case c == '$' && strings.HasPrefix(sql[i:], "$$"):
			if j := strings.Index(sql[i+2:], "$$"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
		case c == ';':
			flush(i)
			start = i + 1
		}
	}
	if start < len(sql) {
		flush(len(sql))
	}
	return out
}

// lastStatement returns the last non-empty statement of a string of statements.
func lastStatement(sql string) string {
	stmts := splitStatements(sql)
	if len(stmts) == 0 {
		return ""
	}
	return stmts[len(stmts)-1]
}

// firstStatement returns the first non-empty statement of a string of statements.
func firstStatement(sql string) string {
	stmts := splitStatements(sql)
	if len(stmts) == 0 {
		return ""
	}
	return stmts[0]
}

func skipQuoted(sql string, i int, q byte) int {
	for j := i + 1; j < len(sql); j++ {
		if sql[j] == q {
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(sql)
}

// stripComments removes leading comments and whitespace.
func stripComments(s string) string {
	for {
		s = strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(s, "--"):
			if j := strings.IndexByte(s, '\n'); j >= 0 {
				s = s[j+1:]
			} else {
				return ""
			}
		case strings.HasPrefix(s, "/*"):
			if j := strings.Index(s, "*/"); j >= 0 {
				s = s[j+2:]
			} else {
				return ""
			}
		default:
			return s
		}
	}
}

// statementCode names a statement by its leading keywords, the way dbt's adapter responses
// do: "CREATE TABLE", "CREATE VIEW", "INSERT", "SELECT", …
func statementCode(stmt string) string {
	words := strings.Fields(strings.ToUpper(stripComments(stmt)))
	if len(words) == 0 {
		return ""
	}
	// Leading parentheses or a WITH clause do not change what the statement is.
	first := strings.TrimLeft(words[0], "(")
	switch first {
	case "CREATE", "DROP", "ALTER":
		for _, w := range words[1:] {
			switch w {
			case "OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "IF", "NOT", "EXISTS":
				continue
			}
			return first + " " + w
		}
		return first
	case "WITH":
		for _, w := range words[1:] {
			switch w {
			case "SELECT", "INSERT", "UPDATE", "DELETE":
				return w
			}
		}
		return "SELECT"
	case "FROM", "VALUES", "TABLE":
		return "SELECT"
	}
	return first
}
