package warehouse

import "context"

// StatsReader is implemented by adapters whose warehouse reports table statistics, which
// `docs generate` puts into catalog.json's stats as the adapter's dbt get_catalog macro does
// (dbt-snowflake: clustering key, row count, bytes, last modified; dbt-duckdb and
// dbt-postgres report none beyond has_stats).
type StatsReader interface {
	TableStats(ctx context.Context, r Relation) ([]TableStat, error)
}

// TableStat is one statistic of a relation, with the fields of dbt's catalog StatsItem
// (the "stats:<id>:label|value|description|include" columns of get_catalog).
type TableStat struct {
	ID, Label, Description string
	Value                  any
	Include                bool
}
