package fakesf

import "testing"

// TestRewrite checks the rewrite list; each want is shown before identifier folding
// (TestLexical checks that), which Rewrite applies last.
func TestRewrite(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select cast(null as timestamp_ntz) as x", "select cast(null as timestamp) as x"},
		{"select cast(1 as number(28,6))", "select cast(1 as decimal(28,6))"},
		{"select cast(1 as float) as f, 'float' as s", "select cast(1 as double) as f, 'double' as s"},
		{`alter table "DB"."s"."t" rename to "DB"."s"."t2"`, `alter table "DB"."s"."t" rename to "t2"`},
		{`alter view "DB"."s"."a.b" rename to "DB"."s"."we""ird"`, `alter view "DB"."s"."a.b" rename to "we""ird"`},
		{`select * from "DB".information_schema.tables`, `select * from memory.fakesf_meta.tables`},
		{`select * from "DB".information_schema.columns`, `select * from memory.fakesf_meta.columns`},
		{`select * from information_schema.key_column_usage`, `select * from information_schema.key_column_usage`},
		{`truncate table if exists "DB"."s"."t"`, `truncate table "DB"."s"."t"`},
		{"select current_timestamp()::timestamp as t", "select current_timestamp::timestamp as t"},
		{"select 1 as timestamp_ntz_col", "select 1 as timestamp_ntz_col"},
		{"select convert_timezone('UTC', current_timestamp()) as t", "select timezone('UTC', current_timestamp) as t"},
		{"select convert_timezone('UTC', 'Europe/Paris', x) as t", "select convert_timezone('UTC', 'Europe/Paris', x) as t"},
		// Unquoted names fold to upper case; quoted ones stay.
		{"create or replace table db.marts.dim_orders as (select 1 as x)", "create or replace table db.marts.DIM_ORDERS as (select 1 as x)"},
		{`create or replace view db.marts."dim_orders" as (select 1)`, `create or replace view db.marts."dim_orders" as (select 1)`},
		{`create table db."Marts".t2 as (select 1)`, `create table db."Marts".T2 as (select 1)`},
		{`create table db.marts."t" as (select 1)`, `create table db.marts."t" as (select 1)`},
		{"create schema if not exists db.marts", "create schema if not exists db.MARTS"},
		{"create or replace temporary table t__dbt_tmp as (\nselect 1\n)", "create or replace temporary table T__DBT_TMP as (\nselect 1\n)"},
		{"alter table db.s.t rename to db.s.t2", "alter table db.s.t rename to T2"},
		{`alter table db.s.t rename to db.s."t2"`, `alter table db.s.t rename to "t2"`},
		{"/* {\"app\": \"gdbt\"} */ create view s.v as (select 'create table x' as c)", "/* {\"app\": \"gdbt\"} */ create view s.V as (select 'create table x' as c)"},
		// dbt-snowflake's contracted table: columns and constraints, then AS (select); the
		// keys Snowflake does not enforce are left out.
		{"create or replace table db.s.orders\n  (\n    id integer not null primary key,\n    c_id integer references db.s.customers (id),\n" +
			"    amount decimal(10,2),\n    constraint pk unique (id, c_id),\n    check (amount > 0)\n  )\nas (\n  select id, c_id, amount from (select 1 as id) as model_subq\n)",
			"create or replace table db.s.ORDERS\n  (\n    id integer not null ,\n    c_id integer ,\n    amount decimal(10,2),\n    check (amount > 0)\n  );\n" +
				"insert into db.s.orders (\n  select id, c_id, amount from (select 1 as id) as model_subq\n)"},
	}
	for _, c := range cases {
		if got := Rewrite(c.in); got != FoldIdentifiers(c.want) {
			t.Errorf("Rewrite(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestLexical: Snowflake's string constants (backslash escapes, $$…$$) become standard SQL
// ones; unquoted identifiers fold to upper case, quoted ones, strings and comments do not.
func TestLexical(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`select 'o\'k' as esc`, `select 'o''k' as esc`},
		{`select 'a\\b', 'tab\there', 'it''s', '\x41\u00e9\101', 'q\"'`, "select 'a\\b', 'tab\there', 'it''s', 'Aé\101', 'q\"'"},
		{`select $$it's $x$$ as d, "we\'ird" from t -- don't`, `select 'it''s $x' as d, "we\'ird" from t -- don't`},
		{`select '\'`, `select '\'`}, // unterminated: copied as read
		{"select sys$fn(1) from system$x", "select sys$fn(1) from system$x"},
	} {
		if got := StandardStrings(c.in); got != c.want {
			t.Errorf("StandardStrings(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`select id, "mixedCase", 'lower text' as Txt /* keep me */ from db.s."Quoted""T" -- and me`,
			`SELECT ID, "mixedCase", 'lower text' AS TXT /* keep me */ FROM DB.S."Quoted""T" -- and me`},
		{"select 1e5 as n2, x1.y_2$z from t1 x1", "SELECT 1e5 AS N2, X1.Y_2$Z FROM T1 X1"},
		{"select 'it''s' as a", "SELECT 'it''s' AS A"},
	} {
		if got := FoldIdentifiers(c.in); got != c.want {
			t.Errorf("FoldIdentifiers(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
