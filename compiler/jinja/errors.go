package jinja

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// newError builds an Error at byte offset pos of src.
func newError(file, src string, pos int, msg string) *Error {
	line, col := lineCol(src, pos)
	return &Error{File: file, Line: line, Col: col, Msg: msg}
}

// lineCol converts a byte offset to 1-based line and column (column in bytes).
func lineCol(src string, pos int) (int, int) {
	if pos > len(src) {
		pos = len(src)
	}
	if pos < 0 {
		pos = 0
	}
	line := 1 + strings.Count(src[:pos], "\n")
	col := pos - strings.LastIndexByte(src[:pos], '\n')
	return line, col
}

// Error formats as "file:line:col: message" plus the macro stack.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Col))
	b.WriteString(": ")
	b.WriteString(e.Msg)
	for i, f := range e.Stack {
		if len(e.Stack) > 24 && i >= 12 && i < len(e.Stack)-12 {
			if i == 12 {
				b.WriteString("\n  … " + strconv.Itoa(len(e.Stack)-24) + " more macro calls")
			}
			continue
		}
		b.WriteString("\n  in macro ")
		b.WriteString(f.Macro)
		b.WriteString(" (")
		b.WriteString(f.File + ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Col))
		b.WriteString(") called from ")
		b.WriteString(f.CallFile + ":" + strconv.Itoa(f.CallLine) + ":" + strconv.Itoa(f.CallCol))
	}
	return b.String()
}

// Unwrap exposes a wrapped host error so errors.Is/As see through template errors.
func (e *Error) Unwrap() error { return e.cause }

// Error joins every error, one per line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes each error to errors.Is/As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].File != l[j].File {
			return l[i].File < l[j].File
		}
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Col < l[j].Col
	})
	return l
}

// returnSignal is the error Return builds; the macro call catches it.
type returnSignal struct{ v Value }

// Error is what a Return signal reports if it escapes every macro and the host sees it.
func (r *returnSignal) Error() string { return "return() called outside of a macro" }

// Return builds the error a host function returns to end the enclosing macro call early
// with value v (dbt's return()). The macro call evaluates to v instead of its output.
func Return(v Value) error { return &returnSignal{v: normalize(v)} }

// ReturnValue reports whether err is (or wraps) a Return signal, and its value. Render at
// top level stops and returns "" when a Return escapes every macro; hosts that want the
// value use RenderValue.
func ReturnValue(err error) (Value, bool) {
	var r *returnSignal
	if errors.As(err, &r) {
		return r.v, true
	}
	return nil, false
}

// ErrUndefined is wrapped by errors caused by using an undefined value.
var ErrUndefined = errors.New("undefined")

// ErrRecursion is wrapped when macro calls nest too deeply.
var ErrRecursion = errors.New("maximum recursion depth exceeded")
