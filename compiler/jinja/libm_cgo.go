//go:build cgo

package jinja

// CPython computes float ** float and complex arithmetic with the C library's libm; Go's
// math package differs from glibc in the last place for cos, sin, pow and others (Go's
// cos(pi/2) is 6.123233995736757e-17, glibc's 6.123233995736766e-17), which shows in reprs.
// With cgo (gdbt's build has it: DuckDB needs it) the engine calls the same libm as
// CPython; without it, libm_purego.go falls back to package math.

/*
#cgo LDFLAGS: -lm
#include <math.h>
*/
import "C"

func libmPow(x, y float64) float64   { return float64(C.pow(C.double(x), C.double(y))) }
func libmCos(x float64) float64      { return float64(C.cos(C.double(x))) }
func libmSin(x float64) float64      { return float64(C.sin(C.double(x))) }
func libmExp(x float64) float64      { return float64(C.exp(C.double(x))) }
func libmLog(x float64) float64      { return float64(C.log(C.double(x))) }
func libmAtan2(y, x float64) float64 { return float64(C.atan2(C.double(y), C.double(x))) }
func libmHypot(x, y float64) float64 { return float64(C.hypot(C.double(x), C.double(y))) }
