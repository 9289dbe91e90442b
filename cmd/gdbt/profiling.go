package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// Profiling hooks for the CLI itself, for `go tool pprof -top gdbt FILE`. They are
// environment variables, not flags, so they stay out of dbt's flag surface and `gdbt help`,
// and work with every subcommand unchanged:
//
//	GDBT_CPUPROFILE=FILE  CPU profile of the whole process, from start to exit
//	GDBT_MEMPROFILE=FILE  heap profile written at exit: -sample_index=alloc_space is
//	                      everything allocated; inuse_space is the live heap as of the
//	                      last GC of the run (no GC is forced at exit, which would
//	                      show an empty heap), i.e. close to the peak live set
//
// The in-process benchmarks (bench/compile_bench_test.go) cannot see what the CLI does
// outside the compiler (artifact and compiled-file writing), which is why these exist.
const (
	envCPUProfile = "GDBT_CPUPROFILE"
	envMemProfile = "GDBT_MEMPROFILE"
)

// startProfiling starts the profiles the environment asks for and returns the function
// that stops and writes them; problems are reported on stderr and never change the
// command's exit code.
func startProfiling(getenv func(string) string, stderr io.Writer) (stop func()) {
	var stops []func()
	if path := getenv(envCPUProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(stderr, "gdbt: %s: %v\n", envCPUProfile, err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "gdbt: %s: %v\n", envCPUProfile, err)
			f.Close()
		} else {
			stops = append(stops, func() {
				pprof.StopCPUProfile()
				if err := f.Close(); err != nil {
					fmt.Fprintf(stderr, "gdbt: %s: %v\n", envCPUProfile, err)
				}
			})
		}
	}
	if path := getenv(envMemProfile); path != "" {
		stops = append(stops, func() {
			if err := writeHeapProfile(path); err != nil {
				fmt.Fprintf(stderr, "gdbt: %s: %v\n", envMemProfile, err)
			}
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// writeHeapProfile writes the heap profile to path. It deliberately does not run a GC
// first: the in-use view then reflects the last collection during the command, when the
// project was still live.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
