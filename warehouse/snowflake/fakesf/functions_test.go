package fakesf

import (
	"strings"
	"testing"
)

func TestCheckFunctions(t *testing.T) {
	cases := []struct{ sql, refused string }{
		{"select listagg(name, ', ') within group (order by name), dateadd(day, 1, d) from t", ""},
		{"select cast(x as number(28,6)), x::varchar(10), convert_timezone('UTC', current_timestamp()) from t", ""},
		{`create table "s"."t" as select * from (values (1, 2)) as weights(w0, w1)`, ""},
		{"insert into t(a, b) values (1, 2)", ""},
		{"select coalesce(a, 0) over (partition by b) from t where c in (1, 2) and exists (select 1)", ""},
		{"select my_db.my_schema.my_udf(x), 'string_agg(x)' as s, \"list_value(\" from t -- strftime(x)\n", ""},
		{"select string_agg(name, ',') from t", "string_agg"},
		{"select date_diff('day', a, b) from t", "date_diff"},
		{"select * from read_csv('x.csv')", "read_csv"},
		{"select x from t where isnan(y) /* comment */", "isnan"},
	}
	for _, c := range cases {
		err := checkFunctions(c.sql)
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("%s: %v", c.sql, err)
		case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused+"()")):
			t.Errorf("%s: error %v, want one naming %s()", c.sql, err, c.refused)
		}
	}
}
