package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string // the one line on stderr must contain this
	}{
		{nil, 2, "missing command"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"demo", "--api-port", "x"}, 2, `--api-port "x": want a whole number`},
		{[]string{"demo", "--nope"}, 2, "unknown flag --nope"},
		{[]string{"demo", "-nope"}, 2, "unknown flag --nope"}, // as the docs spell it
		{[]string{"check", "-X"}, 2, "-X: missing value"},
		{[]string{"check", "http://a.example/", "--origin", "http://b.example", "--timeout", "banana"}, 2, `--timeout "banana": want a duration such as 10s`},
		{[]string{"check", "http://a.example/", "--origin", "http://b.example", "--browser", "netscape"}, 2, `--browser "netscape": must be one of all, chromium`},
		{[]string{"check", "http://a.example/", "--origin", "http://b.example", "--json=maybe"}, 2, `--json="maybe": want true or false`},
		{[]string{"audit", "http://a.example/", "--rate", "fast"}, 2, `--rate "fast": want a number`},
		{[]string{"demo", "--web-port", "70000"}, 2, "--web-port 70000: not a port"},
		{[]string{"demo", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"version", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve", "--port", "-5"}, 2, "--port -5: not a port"},
		{[]string{"serve", "--api-port", "65536"}, 2, "--api-port 65536: not a port"},
		{[]string{"demo", "--api-port", "-1"}, 2, "--api-port -1: not a port"},
		{[]string{"serve", "now"}, 2, `unexpected argument "now"`},
		// The flag and the value named once, no "origin: invalid origin".
		{[]string{"check", "http://a.example/", "--origin", "http://b.example/"}, 2, `corskit check: --origin "http://b.example/": has a path`},
		{[]string{"check", "http://a.example/", "--origin", "foo"}, 2, `corskit check: --origin "foo": missing "://"`},
		{[]string{"check", "http://a.example/", "--origin", "http://b.example", "--then", "--origin", "foo"}, 2, `--origin "foo": missing "://"`},
		{[]string{"audit", "http://a.example/", "--origin", "foo"}, 2, `corskit audit: --origin "foo": want scheme://host[:port]`},
		{[]string{"check", "--har", "/"}, 2, "corskit check: --har /: a directory, not a HAR file"},
		{[]string{"audit", "http://a.example/", "--paths", "/no/such/file"}, 2, "corskit audit: --paths /no/such/file: no such file or directory"},
		{[]string{"audit", "--targets", "/no/such/file"}, 2, "corskit audit: --targets /no/such/file: no such file or directory"},
		{[]string{"check", "http://a.example/", "--origin", "http://b.example", "--resolve", "x:99999:127.0.0.1"}, 2, `--resolve "x:99999:127.0.0.1": want HOST:PORT:ADDR with a port (1-65535)`},
		{[]string{"audit", "http://a.example/", "--resolve", "x:0:127.0.0.1"}, 2, `--resolve "x:0:127.0.0.1": want HOST:PORT:ADDR with a port (1-65535)`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d", tc.args, code, tc.code)
		}
		last := strings.TrimSpace(stderr.String())
		if i := strings.LastIndex(last, "\n"); i >= 0 && len(tc.args) > 0 {
			t.Errorf("%q: stderr has more than one line: %q", tc.args, stderr.String())
		}
		if !strings.Contains(last, tc.msg) {
			t.Errorf("%q: stderr %q does not contain %q", tc.args, last, tc.msg)
		}
		for _, stutter := range []string{"origin: invalid origin", "har: ", "--origin: origin", ": open "} {
			if strings.Contains(last, stutter) {
				t.Errorf("%q: stderr %q says %q: the word twice", tc.args, last, stutter)
			}
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"version"}, {"demo", "-h"}, {"check", "-h"}, {"serve", "--help"},
		{"audit", "-h"}, {"version", "-h"}, {"completion", "-h"}, {"check", "https://a.example/", "--origin", "https://b.example", "--then", "-h"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Errorf("%q: exit %d (%s)", args, code, stderr.String())
		}
		// Help that was asked for is output: stdout, nothing on stderr
		// (so that 'corskit check -h | less' shows it).
		if stdout.Len() == 0 || stderr.Len() != 0 {
			t.Errorf("%q: stdout %d bytes, stderr %q; want the help on stdout", args, stdout.Len(), stderr.String())
		}
	}
}

// The demo serves until its context ends, then stops cleanly with status 0.
func TestDemoStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"demo", "--api-port", "0", "--web-port", "0"}, &stdout, &stderr) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo did not stop")
	}
	if !strings.Contains(stdout.String(), "page: http://127.0.0.1:") {
		t.Fatalf("no page URL printed: %q", stdout.String())
	}
}

// A port in use is one line naming the server, the port and the flag that
// picks another, with the command's prefix once.
func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--web-port", "0", "--api-port", busy}, "corskit demo: API server: port " + busy + " is already in use; pick another with --api-port (--api-port 0 picks a free one)"},
		{[]string{"demo", "--web-port", busy, "--api-port", "0"}, "corskit demo: page server: port " + busy + " is already in use; pick another with --web-port (--web-port 0 picks a free one)"},
		{[]string{"serve", "--port", busy, "--api-port", "0"}, "corskit serve: playground: port " + busy + " is already in use; pick another with --port (--port 0 picks a free one)"},
		{[]string{"serve", "--port", "0", "--api-port", busy}, "corskit serve: sample API: port " + busy + " is already in use; pick another with --api-port (--api-port 0 picks a free one)"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != 1 || stderr.String() != tc.want+"\n" {
			t.Errorf("%q: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// A typo in a command, a flag, a choice or a --stack value is answered
// with the closest name; a word close to nothing is not.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chek"}, `corskit: unknown command "chek" (did you mean check?)`},
		{[]string{"audti"}, `corskit: unknown command "audti" (did you mean audit?)`},
		{[]string{"frobnicate"}, `corskit: unknown command "frobnicate" (try 'corskit help')`},
		{[]string{"check", "--orign", "x"}, "corskit check: unknown flag --orign (did you mean --origin?)"},
		{[]string{"check", "-x", "PUT"}, "corskit check: unknown flag -x (did you mean -X?)"},
		{[]string{"audit", "--fromat", "json"}, "corskit audit: unknown flag --fromat (did you mean --format?)"},
		{[]string{"check", "https://a.example/", "--origin", "https://b.example", "--stack", "ngnix"}, "(did you mean nginx?)"},
		{[]string{"check", "https://a.example/", "--origin", "https://b.example", "--credentials", "inclde"}, "(did you mean include?)"},
		{[]string{"check", "--zzzzzz"}, "corskit check: unknown flag --zzzzzz\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tc.want) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want one line with %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}
