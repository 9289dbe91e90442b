package main

import (
	"reflect"
	"testing"
)

// TestRunnerThreadsSameTables builds the project with one and with eight threads and
// compares every table's full contents.
func TestRunnerThreadsSameTables(t *testing.T) {
	one, eight := rtProject(t, "shop.txtar"), rtProject(t, "shop.txtar")
	rtMust(t, one, 0, "build", "--threads", "1")
	rtMust(t, eight, 0, "build", "--threads", "8")
	tables := rtQuery(t, one, "select table_schema || '.' || table_name from information_schema.tables where table_catalog = 'gdbt' order by 1")
	if other := rtQuery(t, eight, "select table_schema || '.' || table_name from information_schema.tables where table_catalog = 'gdbt' order by 1"); !reflect.DeepEqual(tables, other) {
		t.Fatalf("relations differ:\n1 thread:  %q\n8 threads: %q", tables, other)
	}
	if len(tables) < 9 {
		t.Fatalf("too few relations built: %q", tables)
	}
	for _, tab := range tables {
		q := "select * from " + tab + " order by all"
		a, b := rtQuery(t, one, q), rtQuery(t, eight, q)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs:\n1 thread:  %q\n8 threads: %q", tab, a, b)
		}
	}
	if !reflect.DeepEqual(rtStatuses(t, one), rtStatuses(t, eight)) {
		t.Errorf("statuses differ: %v\n%v", rtStatuses(t, one), rtStatuses(t, eight))
	}
}
