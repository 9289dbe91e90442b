package compiler

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// statementError is a warehouse error raised by a statement() or run_query() call, with the
// SQL that was sent: enough to point the user at their own file instead of the built-in
// macro that issued the statement.
type statementError struct {
	name string // the statement's name ("main", "hook", …; "" for run_query)
	sql  string
	err  error
}

func (e *statementError) Error() string { return e.err.Error() }
func (e *statementError) Unwrap() error { return e.err }

// nodeSQLError turns a warehouse error raised while building n into an error positioned
// in n's own file: models/x.sql:line:col when the position the warehouse reports falls in
// the model's compiled code and that line can be traced to the source, else models/x.sql
// alone. The message keeps the warehouse's text, says what to do, and lists the macro
// frames outside gdbt's built-ins (a project's own materialization or macro). It returns
// nil when err did not come from the warehouse.
func nodeSQLError(n *manifest.Node, compiled string, err error) *Error {
	var se *statementError
	if n == nil || !errors.As(err, &se) || errors.Is(se.err, context.Canceled) || errors.Is(se.err, context.DeadlineExceeded) {
		// Not the warehouse's verdict on the SQL (an interrupted statement is not wrong).
		return nil
	}
	out := &Error{File: n.OriginalFilePath}
	if line, col, ok := warehouse.ErrorPosition(se.err.Error(), se.sql); ok {
		out.Line, out.Col = sourcePosition(se.sql, compiled, n.RawCode, line, col)
	}
	what := "statement"
	if se.name != "" {
		what = fmt.Sprintf("statement '%s'", se.name)
	}
	kind := materializationOf(n)
	todo := "fix the SQL in " + n.OriginalFilePath
	if n.ResourceType == manifest.Seed {
		// A seed has no SQL of its own: the data or its column_types are what to look at.
		todo = "check the data and column_types of " + n.OriginalFilePath
	}
	out.Msg = fmt.Sprintf("%s\n(the warehouse rejected the %s that the %s materialization ran for %s %s: %s and run again)",
		strings.TrimSpace(se.err.Error()), what, kind, n.ResourceType, n.Name, todo)
	var je *jinja.Error
	if errors.As(err, &je) {
		for _, f := range je.Stack {
			if strings.HasPrefix(f.File, "<builtin>") && strings.HasPrefix(f.CallFile, "<builtin>") {
				continue
			}
			out.Stack = append(out.Stack, fmt.Sprintf("in macro %s (%s:%d:%d) called from %s:%d:%d", f.Macro, f.File, f.Line, f.Col, f.CallFile, f.CallLine, f.CallCol))
		}
		out.Stack = foldCycles(out.Stack)
	}
	return out
}

// sourcePosition maps line:col of the statement sent (stmt) to the model's source (raw):
// through the compiled code, which the materialization's DDL embeds verbatim, then to the
// raw line holding the same text (the same line number when it matches there, else the only
// raw line with that text, else the same line number when rendering kept the line count).
// The column survives only when the raw line matches the compiled one up to it. 0, 0 when
// the spot is outside the compiled code or cannot be traced.
func sourcePosition(stmt, compiled, raw string, line, col int) (int, int) {
	if compiled == "" {
		return 0, 0
	}
	at := strings.Index(stmt, compiled)
	if at < 0 {
		return 0, 0
	}
	before := stmt[:at]
	first := strings.Count(before, "\n") + 1 // the statement line where the compiled code starts
	cl := line - first + 1                   // 1-based line in the compiled code
	// Trailing newlines are not lines of code (rendering may drop the source's last one).
	cLines := strings.Split(strings.TrimRight(compiled, "\n"), "\n")
	if cl < 1 || cl > len(cLines) {
		return 0, 0
	}
	if cl == 1 && col > 0 {
		col -= len(before) - (strings.LastIndexByte(before, '\n') + 1)
		if col < 1 {
			return 0, 0
		}
	}
	text := cLines[cl-1]
	rLines := strings.Split(strings.TrimRight(raw, "\n"), "\n")
	rl := 0
	switch {
	case cl <= len(rLines) && rLines[cl-1] == text:
		rl = cl
	case strings.TrimSpace(text) != "":
		for i, r := range rLines {
			if strings.TrimSpace(r) == strings.TrimSpace(text) {
				if rl != 0 {
					rl = -1 // more than one: ambiguous
					break
				}
				rl = i + 1
			}
		}
	}
	if rl <= 0 && len(rLines) == len(cLines) {
		rl = cl
	}
	if rl <= 0 {
		return 0, 0
	}
	return rl, sameColumn(text, rLines[rl-1], col)
}

// sameColumn is col of the compiled line as a column of the raw line: kept when the text
// before it is the same in both (after removing the difference in indentation), else 0.
func sameColumn(compiled, raw string, col int) int {
	if col <= 0 || col > len(compiled)+1 {
		return 0
	}
	ci := len(compiled) - len(strings.TrimLeft(compiled, " \t"))
	ri := len(raw) - len(strings.TrimLeft(raw, " \t"))
	rc := col - ci + ri
	if col-1 < ci || rc < 1 || rc-1 > len(raw) {
		return 0
	}
	if compiled[ci:col-1] != raw[ri:rc-1] {
		return 0
	}
	return rc
}
