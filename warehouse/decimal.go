package warehouse

import (
	"context"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is an exact DECIMAL/NUMERIC value in the warehouse's digits ("-12.3400000001").
// Adapters return it instead of float64 only under WithExactDecimals: `gdbt show` prints
// what the warehouse holds, as dbt's agate table keeps Python Decimals (agate's Number
// type), while every other reader of a Table (run_query in Jinja, unit tests, catalogs)
// keeps the float64 it does arithmetic on.
type Decimal string

// String is the decimal's text, so printers that know fmt.Stringer print it as is.
func (d Decimal) String() string { return string(d) }

// Float64 is the nearest float64, for callers that need a number.
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(string(d), 64)
	return f
}

type exactDecimalsKey struct{}

// WithExactDecimals marks ctx so that Execute returns DECIMAL/NUMERIC values as Decimal.
func WithExactDecimals(ctx context.Context) context.Context {
	return context.WithValue(ctx, exactDecimalsKey{}, true)
}

// ExactDecimals tells whether ctx asks for Decimal values (see WithExactDecimals).
func ExactDecimals(ctx context.Context) bool {
	b, _ := ctx.Value(exactDecimalsKey{}).(bool)
	return b
}

// ScaledDecimal is unscaled × 10^-scale written out with exactly scale places (12.50 for
// 1250 and 2), as a DECIMAL(p,s) column holds it; a negative scale appends zeros.
func ScaledDecimal(unscaled *big.Int, scale int) Decimal {
	digits := new(big.Int).Abs(unscaled).String()
	sign := ""
	if unscaled.Sign() < 0 {
		sign = "-"
	}
	switch {
	case scale < 0:
		if digits != "0" {
			digits += strings.Repeat("0", -scale)
		}
	case scale > 0:
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	return Decimal(sign + digits)
}
