// Command gdbt compiles and runs dbt projects: `gdbt parse`, `gdbt compile`, `gdbt run`,
// `gdbt build`, … with dbt's flags, artifacts and exit codes. main only hands the process's
// arguments and streams to Main and exits with its code; everything else lives in the
// other files of this package, one per subcommand.
package main

import "os"

func main() {
	hardExit = os.Exit                           // a second Ctrl-C may have to end a stuck warehouse call (signals.go)
	stop := startProfiling(os.Getenv, os.Stderr) // GDBT_CPUPROFILE / GDBT_MEMPROFILE (profiling.go)
	code := Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
