package compiler

import (
	"reflect"
	"testing"
)

func TestFoldCycles(t *testing.T) {
	a, b, top := "in macro ping", "in macro pong", "in macro ping called from models/a.sql"
	long := []string{}
	for range 149 {
		long = append(long, a, b)
	}
	long = append(long, top)
	for _, tc := range []struct {
		in, want []string
	}{
		{long, []string{a, b, "… the 2 frame(s) above repeat 148 more times: the macros call each other without end", top}},
		{[]string{a, a, a}, []string{a, "… the 1 frame(s) above repeat 2 more times: the macros call each other without end"}},
		{[]string{a, b, top}, []string{a, b, top}},
		{nil, nil},
	} {
		if got := foldCycles(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("foldCycles(%d frames) = %q, want %q", len(tc.in), got, tc.want)
		}
	}
}
