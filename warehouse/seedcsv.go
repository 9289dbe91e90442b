package warehouse

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// SeedCSVError is a seed file that cannot be read as a CSV table: it names the file, the
// line and column where reading stopped, what is wrong and what to do. Engines whose own
// CSV readers are lenient (DuckDB's sniffer pads, skips or re-guesses the header) check a
// seed with CheckSeedCSV first, so a malformed file fails loudly everywhere, as dbt's agate
// reader does (dbt-common/dbt_common/clients/agate_helper.py: from_csv raises on a ragged
// row), and the previous seed table stays.
type SeedCSVError struct {
	Path         string
	Line, Column int
	Msg          string
}

// Error prints "path:line:col: seed file: what; what to do".
func (e *SeedCSVError) Error() string {
	return fmt.Sprintf("%s:%d:%d: seed file: %s", e.Path, e.Line, e.Column, e.Msg)
}

// CheckSeedCSV reads the seed file at path strictly with the given one-character
// delimiter ("" is ","): it must be UTF-8 text without NUL bytes, have a header row, every
// row must have as many fields as the header, and quotes must be balanced (RFC 4180, as
// Python's csv module reads by default). It returns the number of data rows.
func CheckSeedCSV(path, delimiter string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return checkSeedCSV(path, f, delimiter)
}

func checkSeedCSV(path string, r io.Reader, delimiter string) (int, error) {
	fail := func(line, col int, format string, args ...any) (int, error) {
		return 0, &SeedCSVError{Path: path, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
	}
	comma := ','
	if delimiter != "" {
		d, n := utf8.DecodeRuneInString(delimiter)
		if n != len(delimiter) || d == 0 || d == '"' || d == '\n' || d == '\r' || d == utf8.RuneError {
			return fail(1, 1, "delimiter %q is not one character other than a quote or a line break; set the seed's delimiter config to one character", delimiter)
		}
		comma = d
	}
	data, err := io.ReadAll(bufio.NewReader(r))
	if err != nil {
		return 0, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := byteLineCol(data, i)
		return fail(line, col, "contains a NUL byte (is it a binary file, or UTF-16?); save it as UTF-8 text")
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		line, col := byteLineCol(data, i)
		return fail(line, col, "is not valid UTF-8 (byte 0x%02x); save it as UTF-8 text", data[i])
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // checked below, to say which row and how many fields
	header, err := cr.Read()
	if err == io.EOF {
		return fail(1, 1, "is empty: a seed needs a header row naming its columns; add one or delete the file")
	}
	if err != nil {
		return failParse(path, err)
	}
	if len(header) == 1 && strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff")) == "" {
		return fail(1, 1, "the header row is blank: the first line must name the seed's columns")
	}
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return failParse(path, err)
		}
		rows++
		if len(rec) != len(header) {
			line, _ := cr.FieldPos(0)
			return fail(line, 1, "row has %d fields but the header has %d; every row needs one value per column (quote values that contain %q)", len(rec), len(header), string(comma))
		}
	}
}

// failParse turns encoding/csv's parse error (a stray or unterminated quote) into a
// located SeedCSVError.
func failParse(path string, err error) (int, error) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return 0, err
	}
	msg := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = "a quoted field is not closed (or a quote inside it is not doubled); close it with \" and write a quote inside a field as \"\""
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = "a quote appears inside an unquoted field; quote the whole field and double the quote (\"\")"
	}
	line, col := pe.Line, pe.Column
	if pe.StartLine != pe.Line {
		// An unclosed quote is noticed at the end of the file: name the row it opens.
		line, col = pe.StartLine, 1
		msg += fmt.Sprintf(" (the row starting here runs on to line %d)", pe.Line)
	}
	return 0, &SeedCSVError{Path: path, Line: line, Column: col, Msg: msg}
}

// byteLineCol is the 1-based line and column (in bytes) of offset i of data.
func byteLineCol(data []byte, i int) (int, int) {
	line := 1 + bytes.Count(data[:i], []byte{'\n'})
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	return line, i - start + 1
}
