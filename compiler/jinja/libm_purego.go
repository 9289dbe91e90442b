//go:build !cgo

package jinja

import "math"

// Without cgo the engine's libm is package math (see libm_cgo.go: results may differ from
// CPython's in the last place).

func libmPow(x, y float64) float64   { return math.Pow(x, y) }
func libmCos(x float64) float64      { return math.Cos(x) }
func libmSin(x float64) float64      { return math.Sin(x) }
func libmExp(x float64) float64      { return math.Exp(x) }
func libmLog(x float64) float64      { return math.Log(x) }
func libmAtan2(y, x float64) float64 { return math.Atan2(y, x) }
func libmHypot(x, y float64) float64 { return math.Hypot(x, y) }
