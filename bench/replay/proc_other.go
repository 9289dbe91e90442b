//go:build !linux

package replay

// processCPU, resetPeakRSS and peakRSSKB measure nothing off Linux (the benchmarks run on
// Linux; these keep the package building elsewhere).
func processCPU() float64 { return 0 }
func resetPeakRSS()       {}
func peakRSSKB() int64    { return 0 }
