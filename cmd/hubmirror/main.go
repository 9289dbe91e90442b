// Command hubmirror serves dbt's package hub API on a loopback port from local git
// repositories of hub packages (package hubmirror), so `gdbt deps` installs hub packages
// offline; scripts/compat.sh starts it for the public projects it builds.
//
//	hubmirror [-addr 127.0.0.1:0] namespace/name=/path/to/repo.git,…
//
// It prints the hub's base URL (for DBT_PACKAGE_HUB_URL) on its first line and serves
// until killed.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/gdbt-dev/gdbt/hubmirror"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback; port 0 picks a free one)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: hubmirror [-addr host:port] namespace/name=/path/to/repo.git,…")
		os.Exit(2)
	}
	repos, err := hubmirror.ParseSpec(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "hubmirror:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hubmirror:", err)
		os.Exit(1)
	}
	base := "http://" + ln.Addr().String() + "/"
	fmt.Println(base)
	if err := http.Serve(ln, hubmirror.New(base, repos)); err != nil {
		fmt.Fprintln(os.Stderr, "hubmirror:", err)
		os.Exit(1)
	}
}
