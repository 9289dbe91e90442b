package warehouse

// CellNumber reads a query-result value (a Table cell) as a number, with a bool counting as
// 0 or 1 as in Python; false for values that are not numbers. Result tables are compared and
// ordered by it (agate's order_by, unit-test row matching).
func CellNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
