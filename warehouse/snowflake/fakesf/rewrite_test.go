package fakesf

import "testing"

func TestRewrite(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select cast(null as timestamp_ntz) as x", "select cast(null as timestamp) as x"},
		{"select cast(1 as number(28,6))", "select cast(1 as decimal(28,6))"},
		{"select cast(1 as float) as f, 'float' as s", "select cast(1 as double) as f, 'double' as s"},
		{`alter table "DB"."s"."t" rename to "DB"."s"."t2"`, `alter table "DB"."s"."t" rename to "t2"`},
		{`alter view "DB"."s"."a.b" rename to "DB"."s"."we""ird"`, `alter view "DB"."s"."a.b" rename to "we""ird"`},
		{`select * from "DB".information_schema.tables`, `select * from information_schema.tables`},
		{`truncate table if exists "DB"."s"."t"`, `truncate table "DB"."s"."t"`},
		{"select current_timestamp()::timestamp as t", "select current_timestamp::timestamp as t"},
		{"select 1 as timestamp_ntz_col", "select 1 as timestamp_ntz_col"},
		{"select convert_timezone('UTC', current_timestamp()) as t", "select timezone('UTC', current_timestamp) as t"},
		{"select convert_timezone('UTC', 'Europe/Paris', x) as t", "select convert_timezone('UTC', 'Europe/Paris', x) as t"},
	}
	for _, c := range cases {
		if got := Rewrite(c.in); got != c.want {
			t.Errorf("Rewrite(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
