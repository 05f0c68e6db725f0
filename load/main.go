// Command load is corskit's load and correctness run: the cors middleware
// on loopback, at several numbers of concurrent keep-alive connections, for
// allowed, preflight, disallowed and hostile requests, with every response
// checked against the policy (status, every header, body), and one phase
// that swaps the policy every millisecond while checking that each response
// matches one policy wholly, never a mix.
//
//	cd load && go run . [-d 4s] [-conns 16,256,1024] [-phases ...]
//
// The server runs in a child process (this binary, re-executed), so the RSS
// printed is the server's own. It prints requests/s, p50 and p99 latency,
// errors, mismatches and the server's RSS per phase, and exits with status 1
// on any error or mismatch, 2 on a usage error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	if os.Getenv(serverEnv) != "" {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "load server:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		o      options
		conns  = fs.String("conns", "16,256,1024", "comma-separated numbers of concurrent keep-alive connections")
		phases = fs.String("phases", "allowed,preflight,disallowed,hostile,reconfigure", "comma-separated phases")
	)
	fs.DurationVar(&o.duration, "d", 4*time.Second, "duration of each phase")
	fs.Int64Var(&o.maxRequests, "max", 5_000_000, "most requests per phase")
	fs.IntVar(&o.reconfigureConns, "reconfigure-conns", 256, "connections in the reconfiguration phase")
	fs.DurationVar(&o.reconfigureEvery, "reconfigure-every", time.Millisecond, "how often the reconfiguration phase swaps the policy")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	usage := func(msg string) int { fmt.Fprintln(stderr, "load:", msg); return 2 }
	if fs.NArg() > 0 {
		return usage(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	for _, s := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 10000 {
			return usage(fmt.Sprintf("-conns %q: want numbers from 1 to 10000", *conns))
		}
		o.conns = append(o.conns, n)
	}
	for _, p := range strings.Split(*phases, ",") {
		if p = strings.TrimSpace(p); workloads[p] == nil && p != "reconfigure" {
			return usage(fmt.Sprintf("-phases: unknown phase %q (allowed, preflight, disallowed, hostile, reconfigure)", p))
		}
		o.phases = append(o.phases, p)
	}
	switch {
	case o.duration <= 0 || o.duration > 10*time.Minute:
		return usage(fmt.Sprintf("-d %s: want a duration up to 10m", o.duration))
	case o.maxRequests < 1:
		return usage("-max: want at least 1")
	case o.reconfigureConns < 1 || o.reconfigureConns > 10000:
		return usage("-reconfigure-conns: want 1 to 10000")
	case o.reconfigureEvery <= 0:
		return usage("-reconfigure-every: want a positive duration")
	}
	fmt.Fprintf(stdout, "corskit load: %s, %s/%s, %d CPUs (GOMAXPROCS %d), %s per phase, %s\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), o.duration,
		time.Now().UTC().Format(time.RFC3339))
	ok, err := run(ctx, o, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 1
	}
	if !ok {
		fmt.Fprintln(stderr, "load: FAILED: errors or mismatches above")
		return 1
	}
	fmt.Fprintln(stdout, "load: ok")
	return 0
}
