package compiler

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrProject is the sentinel every load or compile failure matches with errors.Is, so the
// command line can tell "the project is broken" (exit code 2) from "a node failed" (exit 1)
// without inspecting messages.
var ErrProject = errors.New("project could not be loaded")

// Errorf builds one positioned error. file is relative to the project dir; line and col are
// 1-based (0 when unknown).
func Errorf(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// Error formats the error as "path:line:col: message", followed by one indented line per
// macro call stack frame. Missing parts of the position are left out.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.position())
	b.WriteString(e.Msg)
	for _, s := range e.Stack {
		b.WriteString("\n  ")
		b.WriteString(s)
	}
	return b.String()
}

func (e *Error) position() string {
	if e.File == "" {
		return ""
	}
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
		if e.Col > 0 {
			s += ":" + strconv.Itoa(e.Col)
		}
	}
	return s + ": "
}

// Is makes every positioned error match ErrProject.
func (e *Error) Is(target error) bool { return target == ErrProject }

// Error prints one error per line, in the order held (call Sort first for the canonical
// order).
func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Is makes Errors match ErrProject.
func (es Errors) Is(target error) bool { return target == ErrProject }

// Unwrap exposes the individual errors to errors.As / errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Sort orders the errors by file, line, column, then message, and drops exact duplicates,
// so output never depends on goroutine timing.
func (es *Errors) Sort() {
	s := *es
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.Error() == s[i-1].Error() {
			continue
		}
		out = append(out, e)
	}
	*es = out
}

// Err returns nil for no errors and the sorted list otherwise, so callers can write
// `return errs.Err()` without the typed-nil pitfall.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}

// AsErrors flattens any error into Errors: Errors and *Error (also wrapped, or joined with
// others) keep their positions; anything else becomes one unpositioned Error carrying the
// whole message.
func AsErrors(err error) Errors {
	switch x := err.(type) {
	case nil:
		return nil
	case Errors:
		return x
	case *Error:
		return Errors{x}
	case interface{ Unwrap() []error }:
		var out Errors
		for _, e := range x.Unwrap() {
			out = append(out, AsErrors(e)...)
		}
		return out
	}
	if u := errors.Unwrap(err); u != nil {
		inner := AsErrors(u)
		for _, e := range inner {
			if e.File != "" {
				return inner
			}
		}
	}
	return Errors{{Msg: err.Error()}}
}
