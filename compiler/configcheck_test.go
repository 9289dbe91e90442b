package compiler

import "testing"

// TestCheckConfigValue runs each typed config through accepted and rejected values.
func TestCheckConfigValue(t *testing.T) {
	hook := map[string]any{"sql": "select 1", "transaction": false}
	cases := []struct {
		key string
		v   any
		ok  bool
	}{
		{"materialized", "table", true}, {"materialized", int64(1), false}, {"materialized", nil, false},
		{"enabled", false, true}, {"enabled", "false", false},
		{"tags", "a", true}, {"tags", []any{"a", "b"}, true}, {"tags", []any{"a", int64(2)}, false}, {"tags", map[string]any{}, false},
		{"schema", nil, true}, {"schema", "s", true}, {"schema", []any{"s"}, false},
		{"alias", true, false}, {"database", "db", true},
		{"unique_key", "id", true}, {"unique_key", []any{"a", "b"}, true}, {"unique_key", int64(3), false},
		{"pre-hook", "select 1", true}, {"pre_hook", []any{"a", hook}, true}, {"+post-hook", hook, true},
		{"post-hook", []any{map[string]any{"sql": "x", "transaction": "no"}}, false},
		{"post-hook", []any{map[string]any{"transaction": true}}, false}, {"post-hook", int64(1), false},
		{"severity", "WARN", true}, {"severity", "Error", true}, {"severity", "fatal", false},
		{"full_refresh", nil, true}, {"full_refresh", true, true}, {"full_refresh", "yes", false},
		{"persist_docs", map[string]any{"relation": true}, true}, {"persist_docs", true, false},
		{"meta", map[string]any{}, true}, {"meta", "x", false},
		{"incremental_strategy", "merge", true}, {"incremental_strategy", []any{"merge"}, false},
		{"on_schema_change", "append_new_columns", true}, {"on_schema_change", "drop", false},
		{"not_typed", []any{int64(1)}, true},
	}
	for _, tc := range cases {
		msg := checkConfigValue(tc.key, tc.v)
		if (msg == "") != tc.ok {
			t.Errorf("%s=%#v: message %q, want ok=%v", tc.key, tc.v, msg, tc.ok)
		}
	}
}
