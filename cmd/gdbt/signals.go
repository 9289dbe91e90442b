package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// hardExit ends the process when a second interrupt finds the command stuck in a warehouse
// call that ignores cancellation. main sets it to os.Exit (the one place that may exit);
// nil (tests calling Main in-process) leaves the command to finish on its own.
var hardExit func(code int)

// hardStopGrace is how long a command may take to return after the second interrupt before
// gdbt writes what finished and exits: within the 2 s a user (or a scheduler's kill
// timeout) is promised.
const hardStopGrace = time.Second

// Context returns a context cancelled on the first SIGINT/SIGTERM, for commands that touch a
// warehouse; stop releases the signal handler. The cancellation interrupts running queries
// (the DuckDB driver calls duckdb_interrupt on the connection until the call returns,
// PostgreSQL and Snowflake send a cancel request). A second signal gives the command
// hardStopGrace to return; past it, run_results.json is written with what finished
// (g.emergency) and the process exits 130, even if a cgo call never comes back.
func (g *Globals) Context() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go g.watchSignals(sigs, cancel, done)
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
			cancel()
		})
	}
}

// watchSignals cancels on the first signal and, on the second, stops the process if the
// command does not return in time.
func (g *Globals) watchSignals(sigs <-chan os.Signal, cancel context.CancelFunc, done <-chan struct{}) {
	select {
	case <-sigs:
		cancel()
	case <-done:
		return
	}
	select {
	case sig := <-sigs:
		g.Warn("received " + sig.String() + " again: gdbt stops within " + hardStopGrace.String() + " even if a warehouse call does not return")
	case <-done:
		return
	}
	select {
	case <-done:
		return
	case <-time.After(hardStopGrace):
	}
	if err := g.emergency.WriteResults(); err != nil {
		g.Errorf("writing run_results.json on the way out: %v", err)
	}
	g.Errorf("a warehouse call did not return after the interruption: exiting without waiting for it (what finished is in run_results.json; the next build cleans up scratch relations)")
	if hardExit != nil {
		hardExit(ExitInterrupted)
	}
}
