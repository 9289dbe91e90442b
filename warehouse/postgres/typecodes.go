package postgres

import (
	"fmt"
	"strconv"
	"strings"
)

// psycopg2Names are psycopg2's typecaster names by PostgreSQL type OID
// (psycopg/typecast_builtins.c, and the JSON casters psycopg2/_json.py registers), which
// dbt-postgres reports as a result column's type (dbt/adapters/postgres/connections.py
// data_type_code_to_name: psycopg2.extensions.string_types[type_code].name). They are
// coarse on purpose: int2 and int4 are both INTEGER, text and varchar both STRING.
var psycopg2Names = map[uint32]string{
	16: "BOOLEAN", 17: "BINARY", 18: "STRING", 19: "STRING", 20: "LONGINTEGER", 21: "INTEGER", 23: "INTEGER",
	25: "STRING", 26: "ROWID", 114: "JSON", 199: "JSONARRAY", 700: "FLOAT", 701: "FLOAT", 704: "INTERVAL",
	705: "UNKNOWN", 1042: "STRING", 1043: "STRING", 1082: "DATE", 1083: "TIME", 1114: "DATETIME",
	1184: "DATETIMETZ", 1186: "INTERVAL", 1266: "TIME", 1700: "DECIMAL", 3802: "JSONB", 3807: "JSONBARRAY",
	1000: "BOOLEANARRAY", 1001: "BINARYARRAY", 1002: "STRINGARRAY", 1003: "STRINGARRAY", 1005: "INTEGERARRAY",
	1006: "INTEGERARRAY", 1007: "INTEGERARRAY", 1009: "STRINGARRAY", 1013: "ROWIDARRAY", 1014: "STRINGARRAY",
	1015: "STRINGARRAY", 1016: "LONGINTEGERARRAY", 1017: "FLOATARRAY", 1021: "FLOATARRAY", 1022: "FLOATARRAY",
	1028: "ROWIDARRAY", 1040: "MACADDRARRAY", 1041: "INETARRAY", 651: "CIDRARRAY", 1115: "DATETIMEARRAY",
	1182: "DATEARRAY", 1183: "TIMEARRAY", 1185: "DATETIMETZARRAY", 1187: "INTERVALARRAY", 1231: "DECIMALARRAY",
	1270: "TIMEARRAY",
}

// pgxOIDs are the OIDs of the type names pgx reports for a result column (exec.go
// newTable), for the types dbt-postgres names.
var pgxOIDs = map[string]uint32{
	"bool": 16, "bytea": 17, "char": 18, "name": 19, "int8": 20, "int2": 21, "int4": 23, "text": 25, "oid": 26,
	"json": 114, "float4": 700, "float8": 701, "unknown": 705, "bpchar": 1042, "varchar": 1043, "date": 1082,
	"time": 1083, "timestamp": 1114, "timestamptz": 1184, "interval": 1186, "timetz": 1266, "numeric": 1700,
	"jsonb": 3802, "uuid": 2950, "xml": 142, "point": 600, "money": 790, "inet": 869, "cidr": 650,
	"macaddr": 829, "bit": 1560, "varbit": 1562, "tsvector": 3614, "jsonpath": 4072,
	"_bool": 1000, "_bytea": 1001, "_char": 1002, "_name": 1003, "_int2": 1005, "_int4": 1007, "_text": 1009,
	"_bpchar": 1014, "_varchar": 1015, "_int8": 1016, "_float4": 1021, "_float8": 1022, "_oid": 1028,
	"_timestamp": 1115, "_date": 1182, "_time": 1183, "_timestamptz": 1185, "_interval": 1187,
	"_numeric": 1231, "_json": 199, "_jsonb": 3807, "_uuid": 2951,
}

// ResultTypeName is what dbt-postgres calls a result column's type: psycopg2's name, or
// "unknown type_code N" for a type psycopg2 has no caster for.
func (Dialect) ResultTypeName(engineType string) string {
	var oid uint32
	if n, ok := strings.CutPrefix(engineType, "oid "); ok {
		v, err := strconv.ParseUint(n, 10, 32)
		if err != nil {
			return engineType
		}
		oid = uint32(v)
	} else if o, ok := pgxOIDs[engineType]; ok {
		oid = o
	} else {
		return "unknown type_code " + engineType
	}
	if name, ok := psycopg2Names[oid]; ok {
		return name
	}
	return fmt.Sprintf("unknown type_code %d", oid)
}
