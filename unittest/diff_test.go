package unittest

import (
	"testing"
	"time"
)

// TestDiff checks the verdict and daff's rendering: order is ignored, a changed cell shows
// expected→actual, rows only on one side are +++/---, one unchanged row of context is kept
// around a change and longer runs become "...".
func TestDiff(t *testing.T) {
	cols := []string{"id", "name"}
	for _, tc := range []struct {
		name             string
		expected, actual [][]any
		want             string
		differs          bool
	}{
		{"same rows in another order", [][]any{{int64(2), "b"}, {int64(1), "a"}}, [][]any{{int64(1), "a"}, {int64(2), "b"}}, "", false},
		{"nulls compare equal", [][]any{{int64(1), nil}}, [][]any{{int64(1), nil}}, "", false},
		{"one cell changed", [][]any{{int64(1), "a"}, {int64(2), "b"}}, [][]any{{int64(2), "x"}, {int64(1), "a"}},
			"@@,id,name\r\n  ,1 ,a\r\n→ ,2 ,b→x\r\n", true},
		{"added and removed", [][]any{{int64(1), "a"}}, [][]any{{int64(3), "c"}},
			"@@ ,id,name\r\n---,1 ,a\r\n+++,3 ,c\r\n", true},
		{"a duplicate row counts", [][]any{{int64(1), "a"}}, [][]any{{int64(1), "a"}, {int64(1), "a"}},
			"@@ ,id,name\r\n   ,1 ,a\r\n+++,1 ,a\r\n", true},
		{"context and gaps", [][]any{{int64(1), "a"}, {int64(2), "b"}, {int64(3), "c"}, {int64(4), "d"}, {int64(5), "e"}},
			[][]any{{int64(1), "a"}, {int64(2), "b"}, {int64(3), "c"}, {int64(4), "d"}, {int64(5), "E"}},
			"@@ ,id ,name\r\n...,...,...\r\n   ,4  ,d\r\n→  ,5  ,e→E\r\n", true},
	} {
		got, differs := Diff(cols, tc.expected, tc.actual)
		if got != tc.want || differs != tc.differs {
			t.Errorf("%s: Diff = %v\n%q\nwant %v\n%q", tc.name, differs, got, tc.differs, tc.want)
		}
	}
}

func TestCell(t *testing.T) {
	for v, want := range map[any]string{nil: "NULL", true: "True", int64(3): "3", 2.5: "2.5", 3.0: "3",
		time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC): "2024-01-02", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC): "2024-01-02 03:04:05"} {
		if got := Cell(v); got != want {
			t.Errorf("Cell(%#v) = %q, want %q", v, got, want)
		}
	}
}
