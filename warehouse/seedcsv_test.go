package warehouse

import (
	"errors"
	"strings"
	"testing"
)

// Each malformed seed fails with its line, column and a message saying what to do; the
// well-formed ones count their rows.
func TestCheckSeedCSV(t *testing.T) {
	for _, tc := range []struct {
		name, data, delim string
		rows              int
		line, col         int
		msg               string
	}{
		{name: "ok", data: "a,b\n1,2\n3,4\n", rows: 2},
		{name: "crlf and bom", data: "\ufeffa,b\r\n1,2\r\n", rows: 1},
		{name: "quoted newline", data: "a,b\n\"x\ny\",2\n", rows: 1},
		{name: "header only", data: "a,b\n", rows: 0},
		{name: "semicolon", data: "a;b\n1;\"2;3\"\n", delim: ";", rows: 1},
		{name: "empty", data: "", line: 1, col: 1, msg: "is empty"},
		{name: "blank header", data: "\n\n", line: 1, col: 1, msg: "is empty"},
		{name: "too many fields", data: "a,b\n1,2\n1,2,3\n", line: 3, col: 1, msg: "row has 3 fields but the header has 2"},
		{name: "too few fields", data: "a,b,c\n1,2\n", line: 2, col: 1, msg: "row has 2 fields but the header has 3"},
		{name: "ragged wrong delimiter", data: "a;b\n1;2\n", delim: ",", rows: 1},
		{name: "unterminated quote", data: "a,b\n1,\"open\n2,3\n", line: 2, col: 1, msg: "a quoted field is not closed"},
		{name: "bare quote", data: "a,b\n1,x\"y\n", line: 2, col: 4, msg: "a quote appears inside an unquoted field"},
		{name: "nul", data: "a,b\n1,x\x00y\n", line: 2, col: 4, msg: "NUL byte"},
		{name: "latin1", data: "a,b\n1,caf\xe9\n", line: 2, col: 6, msg: "not valid UTF-8"},
		{name: "bad delimiter", data: "a,b\n", delim: "||", line: 1, col: 1, msg: "delimiter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := checkSeedCSV("seeds/x.csv", strings.NewReader(tc.data), tc.delim)
			if tc.msg == "" {
				if err != nil || n != tc.rows {
					t.Fatalf("got %d, %v; want %d rows", n, err, tc.rows)
				}
				return
			}
			var se *SeedCSVError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a SeedCSVError", err)
			}
			if se.Line != tc.line || se.Column != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got %d:%d %q; want %d:%d containing %q", se.Line, se.Column, se.Msg, tc.line, tc.col, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "seeds/x.csv:") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

// FuzzCheckSeedCSV: any bytes give rows or a located error, never a panic, and a located
// error's line is inside the file.
func FuzzCheckSeedCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\n1,\"x\n", "a\n\x00", "", "a;b\r\n\"\"\"\";x\n", "a,b\n1,2,3\n"} {
		f.Add(s, ",")
	}
	f.Add("a;b\n1;2\n", ";")
	f.Fuzz(func(t *testing.T, data, delim string) {
		_, err := checkSeedCSV("x.csv", strings.NewReader(data), delim)
		var se *SeedCSVError
		if errors.As(err, &se) {
			if se.Line < 1 || se.Line > strings.Count(data, "\n")+1 || se.Column < 1 {
				t.Fatalf("position %d:%d outside the input %q: %v", se.Line, se.Column, data, err)
			}
		} else if err != nil {
			t.Fatalf("unlocated error %v", err)
		}
	})
}
