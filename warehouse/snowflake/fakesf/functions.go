package fakesf

import (
	"fmt"
	"strings"
)

// The fake runs whatever DuckDB accepts, so SQL that only DuckDB knows (string_agg,
// date_diff, strftime, list_value, …) would pass here and fail on Snowflake. With
// CheckFunctions set, every name called as name(…) must be a Snowflake function or a
// keyword or type that takes parentheses, checked before the rewrite list runs: the project's
// SQL is held to Snowflake's function names, never DuckDB's. Argument types and the
// semantics of each function are not checked.

// snowflakeFunctions are Snowflake's built-in functions that gdbt's macros and projects
// commonly call (lower case); extend it when a real Snowflake function is missing.
var snowflakeFunctions = setOf(
	// aggregate and window
	"any_value", "approx_count_distinct", "array_agg", "avg", "bitand_agg", "booland_agg",
	"boolor_agg", "corr", "count", "count_if", "covar_pop", "covar_samp", "cume_dist", "dense_rank",
	"first_value", "lag", "last_value", "lead", "listagg", "max", "max_by", "median", "min", "min_by", "mode",
	"nth_value", "ntile", "object_agg", "percent_rank", "percentile_cont", "percentile_disc", "rank",
	"ratio_to_report", "row_number", "stddev", "stddev_pop", "stddev_samp", "sum", "var_pop", "var_samp",
	"variance", "variance_pop", "variance_samp",
	// conditional
	"coalesce", "decode", "equal_null", "greatest", "iff", "ifnull", "least", "nullif", "nvl", "nvl2", "zeroifnull",
	"nullifzero", "regr_valx", "regr_valy",
	// math
	"abs", "acos", "asin", "atan", "atan2", "cbrt", "ceil", "cos", "cosh", "degrees", "div0", "div0null", "exp",
	"factorial", "floor", "ln", "log", "mod", "pi", "pow", "power", "radians", "random", "round", "sign", "sin",
	"sinh", "sqrt", "square", "tan", "tanh", "trunc", "truncate", "uniform", "hash", "md5", "sha1", "sha2",
	// strings
	"ascii", "base64_encode", "base64_decode_string", "char", "charindex", "chr", "collate", "concat", "concat_ws",
	"contains", "editdistance", "endswith", "ilike", "initcap", "insert", "left", "len", "length", "like", "lower",
	"lpad", "ltrim", "position", "regexp_count", "regexp_instr", "regexp_like", "regexp_replace", "regexp_substr",
	"repeat", "replace", "reverse", "right", "rlike", "rpad", "rtrim", "space", "split", "split_part",
	"startswith", "strtok", "substr", "substring", "translate", "trim", "upper", "uuid_string",
	// dates and times
	"add_months", "convert_timezone", "current_date", "current_time", "current_timestamp", "date_from_parts",
	"date_part", "date_trunc", "dateadd", "datediff", "day", "dayname", "dayofmonth", "dayofweek", "dayofyear",
	"extract", "hour", "last_day", "localtimestamp", "minute", "month", "monthname", "months_between",
	"next_day", "previous_day", "quarter", "second", "sysdate", "time_from_parts", "time_slice",
	"timeadd", "timediff", "timestamp_from_parts", "timestampadd", "timestampdiff", "to_date", "to_time",
	"to_timestamp", "to_timestamp_ltz", "to_timestamp_ntz", "to_timestamp_tz", "week", "weekofyear", "year",
	"yearofweek",
	// conversion and semi-structured
	"array_append", "array_cat", "array_compact", "array_construct", "array_contains", "array_distinct",
	"array_except", "array_insert", "array_intersection", "array_position", "array_prepend", "array_remove",
	"array_size", "array_slice", "array_sort", "array_to_string", "arrays_overlap", "as_varchar", "cast", "flatten",
	"generator", "get", "get_path", "object_construct", "parse_json", "seq4", "seq8", "to_array", "to_boolean",
	"to_char", "to_decimal", "to_double", "to_number", "to_numeric", "to_object", "to_varchar", "to_variant",
	"try_cast", "try_to_boolean", "try_to_date", "try_to_decimal", "try_to_double", "try_to_number",
	"try_to_timestamp", "typeof",
	// context and system
	"current_account", "current_database", "current_role", "current_schema", "current_session",
	"current_user", "current_warehouse", "last_query_id", "system$wait",
)

// parenKeywords are keywords and type names that Snowflake writes before a parenthesis.
var parenKeywords = setOf(
	"all", "and", "any", "as", "between", "by", "case", "else", "exists", "filter", "from", "group", "having",
	"in", "into", "is", "join", "not", "on", "or", "over", "partition", "qualify", "select", "some",
	"table", "then", "union", "using", "values", "view", "when", "where", "with", "within", "exclude", "rename",
	"array", "bigint", "binary", "boolean", "char", "character", "date", "datetime", "decimal", "double",
	"float", "geography", "int", "integer", "number", "numeric", "object", "real", "smallint", "string", "text",
	"time", "timestamp", "timestamp_ltz", "timestamp_ntz", "timestamp_tz", "tinyint", "varbinary", "varchar",
	"variant",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkFunctions reports the first name called as name( (no space before the parenthesis,
// as calls are written; outside literals, quoted names and comments) that is neither a
// Snowflake function nor a keyword. A name after AS, INTO, TABLE or VIEW is a relation or
// alias with a column list, and a dotted name a user function: both pass.
func checkFunctions(q string) error {
	prev := ""
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) {
				if c == '\'' && q[j] == '\\' {
					j += 2
					continue
				}
				if q[j] == c {
					if j+1 < len(q) && q[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			i, prev = j+1, ""
		case strings.HasPrefix(q[i:], "--"):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				return nil
			}
			i += j
		case strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i:], "*/")
			if j < 0 {
				return nil
			}
			i += j + 2
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(q) && (q[j] == '_' || q[j] == '$' || q[j] >= 'a' && q[j] <= 'z' || q[j] >= 'A' && q[j] <= 'Z' || q[j] >= '0' && q[j] <= '9') {
				j++
			}
			name := strings.ToLower(q[i:j])
			dotted := i > 0 && q[i-1] == '.'
			if j < len(q) && q[j] == '(' && !dotted && !snowflakeFunctions[name] && !parenKeywords[name] {
				switch prev {
				case "as", "into", "table", "view":
				default:
					return fmt.Errorf("fakesf: %s() is not a Snowflake function in the fake's list (functions.go): DuckDB-only SQL?", name)
				}
			}
			i, prev = j, name
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		default:
			i, prev = i+1, ""
		}
	}
	return nil
}
