package duckdb

// RetrySafeForTest exposes retrySafe to the external tests.
var RetrySafeForTest = retrySafe
