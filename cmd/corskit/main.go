// Command corskit shows CORS from both sides of the wire.
//
//	corskit audit     find the CORS misconfigurations that let other sites read responses
//	corskit check     why a cross-origin call is blocked, and the header that fixes it
//	corskit demo      a walkthrough served on loopback, for a real browser
//	corskit serve     the corskit page on loopback: diagnose, send the call for real, run it in the browser
//	corskit version   print the version, revision and Go version of this binary
//	corskit completion  print a bash, zsh or fish completion script
//
// Exit status: 0 on success, 1 when the command ran and failed, 2 for a usage
// error (one line on stderr says what was wrong).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/corskit/corskit/cmd/corskit/internal/demo"
	"github.com/corskit/corskit/cmd/corskit/internal/playground"
	"github.com/corskit/corskit/internal/loopback"
)

// A command is one subcommand: the CLI is a table of them, so new ones slot
// in without touching the dispatch.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"audit", "scan endpoints for CORS misconfigurations, with proof and the fix", runAudit},
		{"lint", "evaluate CORS configuration files as the server will, before deploy", runLint},
		{"check", "say whether a browser would allow a cross-origin call, and which header fixes it", runCheck},
		{"demo", "serve a CORS walkthrough on loopback, to open in a browser", runDemo},
		{"serve", "serve the corskit page on loopback: diagnose a call, send it for real, run it in your browser", runServe},
		{"version", "print the version, VCS revision and Go version of this binary", runVersion},
		{"completion", "print a shell completion script: corskit completion bash|zsh|fish", runCompletion},
		{"help", "show this help", runHelp},
	}
}

// usageError is a misuse of the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// helpRequested is -h: the command's usage, which run prints on stdout
// (help that was asked for is output, not an error). It is a flag.ErrHelp.
type helpRequested struct{ usage string }

func (h helpRequested) Error() string        { return "help requested" }
func (h helpRequested) Is(target error) bool { return target == flag.ErrHelp }

// exitError ends a command with a given status; msg, when set, is printed
// as the one line on stderr.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		fmt.Fprintln(stderr, "corskit: missing command")
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help":
		name = "help"
	case "--version", "-version":
		name = "version"
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		// Everything a command prints passes the one terminal escaper:
		// servers and HAR files choose much of it (safeWriter).
		sw := newSafeWriter(stdout)
		err := c.run(ctx, args[1:], sw, stderr)
		sw.Flush()
		var ue usageError
		var ee exitError
		var help helpRequested
		switch {
		case errors.As(err, &help):
			fmt.Fprint(stdout, help.usage) // asked for: stdout, exit 0
			return 0
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "corskit %s: %s\n", name, ue.msg)
			return 2
		case errors.As(err, &ee):
			if ee.msg != "" {
				fmt.Fprintf(stderr, "corskit %s: %s\n", name, ee.msg)
			}
			return ee.code
		default:
			fmt.Fprintf(stderr, "corskit %s: %v\n", name, err)
			return 1
		}
	}
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	if hint := didYouMean(name, names); hint != "" {
		fmt.Fprintf(stderr, "corskit: unknown command %q%s\n", name, hint)
	} else {
		fmt.Fprintf(stderr, "corskit: unknown command %q (try 'corskit help')\n", name)
	}
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: corskit <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'corskit <command> -h' for a command's flags.")
}

func runHelp(_ context.Context, _ []string, stdout, _ io.Writer) error {
	printUsage(stdout)
	return nil
}

// flags is a FlagSet that reports a bad flag as one usageError line
// instead of printing its whole usage, and prints the usage only for -h.
type flags struct {
	*flag.FlagSet
	synopsis string
	examples string
	stderr   io.Writer
}

func newFlags(name, synopsis string, stderr io.Writer) flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f := flags{FlagSet: fs, synopsis: synopsis, stderr: stderr}
	if c, ok := stderr.(*flagCollector); ok {
		// 'corskit completion' is asking which flags the command takes.
		c.add(f)
	}
	return f
}

// parse parses args; -h prints the usage and returns flag.ErrHelp.
func parse(fs flags, args []string) error {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	return nil
}

// parseInterspersed parses args where positional arguments may come
// before, between or after the flags (corskit check URL --origin O), and
// returns the positional ones.
func parseInterspersed(fs flags, args []string) ([]string, error) {
	var pos []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			var b strings.Builder
			fmt.Fprintf(&b, "Usage: corskit %s\n\nFlags:\n", fs.synopsis)
			printFlags(&b, fs)
			if fs.examples != "" {
				fmt.Fprintf(&b, "\nExamples:\n%s", fs.examples)
			}
			return nil, helpRequested{b.String()}
		case err != nil:
			return nil, usageError{flagError(fs, err)}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo [--api-port N] [--web-port N]", stderr)
	fs.examples = "  corskit demo                      # page on :8080, API on :8081\n  corskit demo --web-port 0 --api-port 0   # free ports\n"
	apiPort := fs.Int("api-port", 8081, "port of the API (http://localhost:PORT); 0 picks a free one")
	webPort := fs.Int("web-port", 8080, "port of the page (http://127.0.0.1:PORT); 0 picks a free one")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkPorts(map[string]int{"--api-port": *apiPort, "--web-port": *webPort}); err != nil {
		return err
	}
	err := demo.Run(ctx, demo.Options{APIPort: *apiPort, WebPort: *webPort}, stdout)
	return portInUse(err, map[string]string{demo.PageServer: "--web-port", demo.APIServer: "--api-port"})
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [--port N] [--api-port N]", stderr)
	fs.examples = "  corskit serve                 # the page on http://127.0.0.1:8090\n  corskit serve --port 0        # a free port\n"
	port := fs.Int("port", 8090, "port of the page (http://127.0.0.1:PORT); 0 picks a free one")
	apiPort := fs.Int("api-port", 8091, "port of the sample API (http://localhost:PORT); 0 picks a free one")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkPorts(map[string]int{"--port": *port, "--api-port": *apiPort}); err != nil {
		return err
	}
	err := playground.Run(ctx, playground.Options{Port: *port, APIPort: *apiPort}, stdout)
	return portInUse(err, map[string]string{playground.PageServer: "--port", playground.APIServer: "--api-port"})
}

// portInUse turns a port already in use into one line naming the flag
// that picks another; flags maps each server's name to its port flag.
func portInUse(err error, flags map[string]string) error {
	var le *loopback.ListenError
	if !errors.As(err, &le) || !le.InUse || flags[le.Server] == "" {
		return err
	}
	f := flags[le.Server]
	return exitError{code: 1, msg: fmt.Sprintf("%s: port %d is already in use; pick another with %s (%s 0 picks a free one)", le.Server, le.Port, f, f)}
}

// checkPorts rejects values that are not TCP ports.
func checkPorts(ports map[string]int) error {
	for _, name := range slices.Sorted(maps.Keys(ports)) {
		if v := ports[name]; v < 0 || v > 65535 {
			return usageError{fmt.Sprintf("%s %d: not a port (0-65535)", name, v)}
		}
	}
	return nil
}
